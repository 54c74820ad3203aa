-- MySQL / MariaDB twin of prisma/migrations/20261207130000_credit_lots. utf8mb4_nopad_bin, as
-- every table since 20261207020000_text_keys_no_pad: text compares every character.

-- AlterTable
ALTER TABLE `quota_strategy` ADD COLUMN `expires_after` VARCHAR(191) NULL,
    ADD COLUMN `expires_at` DATETIME(3) NULL,
    ADD COLUMN `rollover_max` DECIMAL(14, 2) NULL,
    ADD COLUMN `lot_priority` INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE `credit_lot` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `strategy_id` INTEGER NOT NULL,
    `occurrence` VARCHAR(191) NOT NULL,
    `user_id` VARCHAR(191) NOT NULL,
    `source` VARCHAR(191) NOT NULL,
    `grant_id` INTEGER NULL,
    `amount` DECIMAL(14, 2) NOT NULL,
    `consumed` DECIMAL(14, 2) NOT NULL,
    `granted_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `priority` INTEGER NOT NULL DEFAULT 0,
    `rollover_max` DECIMAL(14, 2) NULL,
    `carry_expires_at` DATETIME(3) NULL,
    `state` VARCHAR(191) NOT NULL DEFAULT 'active',
    `expired_amount` DECIMAL(14, 2) NULL,
    `carried` DECIMAL(14, 2) NULL,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `credit_lot_grant_id_key`(`grant_id`),
    INDEX `credit_lot_state_expires_at_idx`(`state`, `expires_at`),
    INDEX `credit_lot_user_id_state_idx`(`user_id`, `state`),
    UNIQUE INDEX `credit_lot_strategy_id_occurrence_user_id_source_key`(`strategy_id`, `occurrence`, `user_id`, `source`),
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- CreateTable
CREATE TABLE `credit_lot_terms` (
    `strategy_id` INTEGER NOT NULL,
    `occurrence` VARCHAR(191) NOT NULL,
    `expires_at` DATETIME(3) NULL,
    `expires_after` VARCHAR(191) NULL,
    `timezone` VARCHAR(191) NOT NULL,
    `priority` INTEGER NOT NULL DEFAULT 0,
    `rollover_max` DECIMAL(14, 2) NULL,
    `carry_expires_at` DATETIME(3) NULL,

    PRIMARY KEY (`strategy_id`, `occurrence`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- CreateTable
CREATE TABLE `credit_lot_usage` (
    `user_id` VARCHAR(191) NOT NULL,
    `used_seen` DECIMAL(24, 2) NOT NULL,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
