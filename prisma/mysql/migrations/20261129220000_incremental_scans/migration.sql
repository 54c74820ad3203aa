-- AlterTable
ALTER TABLE `user_info` ADD COLUMN `change_seq` BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE `change_counter` (
    `id` INTEGER NOT NULL,
    `value` BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `strategy_scan_position` (
    `strategy_id` INTEGER NOT NULL,
    `change_seq` BIGINT NOT NULL,
    `strategy_version` INTEGER NOT NULL,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`strategy_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateIndex
CREATE INDEX `user_info_change_idx` ON `user_info`(`change_seq`, `id`);
