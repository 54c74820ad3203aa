-- MySQL / MariaDB twin of prisma/migrations/20261207030000_user_source_state. The last run's
-- report holds up to 20 ids per refusal reason: MEDIUMTEXT, never indexed. utf8mb4_nopad_bin,
-- as every table since 20261207020000_text_keys_no_pad: text compares every character.

-- CreateTable
CREATE TABLE `user_source_state` (
    `source` VARCHAR(64) NOT NULL,
    `cursor` TEXT NULL,
    `last_full_at` DATETIME(3) NULL,
    `last_success_at` DATETIME(3) NULL,
    `last_run` MEDIUMTEXT NULL,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`source`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
