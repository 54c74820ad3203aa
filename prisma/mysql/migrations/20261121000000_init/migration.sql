-- MySQL / MariaDB twin of prisma/migrations/20261121000000_init (hand-written: Prisma's schema
-- engine has no MySQL connector here). Every table is utf8mb4 with the binary collation, so
-- text compares and sorts by code point as in the PostgreSQL and SQLite databases (keyset
-- pagination by id and the unique keys agree). Indexed text is VARCHAR (InnoDB keys are at
-- most 3072 bytes, 4 per character); free text that is never indexed is TEXT.

-- CreateTable
CREATE TABLE `user_info` (
    `id` VARCHAR(191) NOT NULL,
    `name` VARCHAR(255) NULL,
    `github_username` VARCHAR(255) NULL,
    `email` VARCHAR(320) NULL,
    `phone` VARCHAR(64) NULL,
    `vip` INTEGER NOT NULL DEFAULT 0,
    `org` VARCHAR(255) NULL,
    `register_time` DATETIME(3) NULL,
    `access_time` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `user_github_star` (
    `user_id` VARCHAR(191) NOT NULL,
    `repo` VARCHAR(512) NOT NULL,

    PRIMARY KEY (`user_id`, `repo`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `quota_strategy` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(191) NOT NULL,
    `title` VARCHAR(255) NOT NULL,
    `type` VARCHAR(32) NOT NULL,
    `amount` DECIMAL(14, 2) NOT NULL,
    `model` VARCHAR(255) NULL,
    `periodic_expr` VARCHAR(255) NULL,
    `timezone` VARCHAR(64) NOT NULL,
    `condition` TEXT NOT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `max_exec_per_user` INTEGER NOT NULL DEFAULT 0,
    `start_at` DATETIME(3) NULL,
    `end_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `quota_execute` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `strategy_id` INTEGER NOT NULL,
    `occurrence` VARCHAR(64) NOT NULL,
    `user_id` VARCHAR(191) NOT NULL,
    `amount` DECIMAL(14, 2) NOT NULL,
    `status` VARCHAR(32) NOT NULL,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `last_error` TEXT NULL,
    `idempotency_key` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `strategy_occurrence` (
    `strategy_id` INTEGER NOT NULL,
    `occurrence` VARCHAR(64) NOT NULL,
    `status` VARCHAR(32) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`strategy_id`, `occurrence`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `strategy_lease` (
    `strategy_id` INTEGER NOT NULL,
    `holder` VARCHAR(191) NOT NULL,
    `expires_at` BIGINT NOT NULL,

    PRIMARY KEY (`strategy_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateIndex
CREATE INDEX `user_info_vip_idx` ON `user_info`(`vip`);

-- CreateIndex
CREATE INDEX `user_info_org_idx` ON `user_info`(`org`);

-- CreateIndex
CREATE INDEX `user_info_register_time_idx` ON `user_info`(`register_time`);

-- CreateIndex
CREATE INDEX `user_info_access_time_idx` ON `user_info`(`access_time`);

-- CreateIndex
CREATE INDEX `user_github_star_repo_user_id_idx` ON `user_github_star`(`repo`, `user_id`);

-- CreateIndex
CREATE UNIQUE INDEX `quota_strategy_name_key` ON `quota_strategy`(`name`);

-- CreateIndex
CREATE INDEX `quota_strategy_enabled_type_idx` ON `quota_strategy`(`enabled`, `type`);

-- CreateIndex
CREATE INDEX `quota_execute_strategy_id_user_id_status_idx` ON `quota_execute`(`strategy_id`, `user_id`, `status`);

-- CreateIndex
CREATE INDEX `quota_execute_strategy_id_status_idx` ON `quota_execute`(`strategy_id`, `status`);

-- CreateIndex
CREATE INDEX `quota_execute_status_idx` ON `quota_execute`(`status`);

-- CreateIndex
CREATE INDEX `quota_execute_user_id_idx` ON `quota_execute`(`user_id`);

-- CreateIndex
CREATE UNIQUE INDEX `quota_execute_strategy_id_occurrence_user_id_key` ON `quota_execute`(`strategy_id`, `occurrence`, `user_id`);

-- CreateIndex
CREATE INDEX `strategy_occurrence_status_idx` ON `strategy_occurrence`(`status`);

-- AddForeignKey
ALTER TABLE `user_github_star` ADD CONSTRAINT `user_github_star_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `user_info`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `quota_execute` ADD CONSTRAINT `quota_execute_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `user_info`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
