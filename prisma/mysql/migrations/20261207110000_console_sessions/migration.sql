-- MySQL / MariaDB twin of prisma/migrations/20261207110000_console_sessions. The sealed token
-- grows with the API token it seals (any length an operator configured): TEXT, never indexed.
-- utf8mb4_nopad_bin, as every table since 20261207020000_text_keys_no_pad.

-- CreateTable
CREATE TABLE `console_session` (
    `id_hash` VARCHAR(191) NOT NULL,
    `caller_name` VARCHAR(191) NOT NULL,
    `role` VARCHAR(191) NOT NULL,
    `sealed_token` TEXT NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `expires_at` DATETIME(3) NOT NULL,

    INDEX `console_session_caller_name_idx`(`caller_name`),
    INDEX `console_session_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`id_hash`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
