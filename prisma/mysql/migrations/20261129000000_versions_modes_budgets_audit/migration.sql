-- DropForeignKey
ALTER TABLE `quota_execute` DROP FOREIGN KEY `quota_execute_user_id_fkey`;

-- AlterTable
ALTER TABLE `quota_strategy` ADD COLUMN `max_amount_per_occurrence` DECIMAL(14, 2) NULL,
    ADD COLUMN `max_users_per_occurrence` INTEGER NULL,
    ADD COLUMN `mode` VARCHAR(32) NOT NULL DEFAULT 'add',
    ADD COLUMN `version` INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE `quota_execute` ADD COLUMN `balance_before` DECIMAL(14, 2) NULL,
    ADD COLUMN `delta_sent` DECIMAL(14, 2) NULL,
    ADD COLUMN `mode` VARCHAR(32) NOT NULL DEFAULT 'add',
    ADD COLUMN `strategy_version` INTEGER NULL,
    ADD COLUMN `target` DECIMAL(14, 2) NULL,
    ADD COLUMN `total_before` DECIMAL(14, 2) NULL;

-- AlterTable
ALTER TABLE `strategy_occurrence` ADD COLUMN `approved_at` DATETIME(3) NULL,
    ADD COLUMN `approved_by` VARCHAR(255) NULL;

-- CreateTable
CREATE TABLE `audit_event` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `actor` VARCHAR(191) NOT NULL,
    `action` VARCHAR(191) NOT NULL,
    `target_type` VARCHAR(64) NOT NULL,
    `target_id` VARCHAR(191) NOT NULL,
    `changes` MEDIUMTEXT NULL,
    `request_id` VARCHAR(191) NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateIndex
CREATE INDEX `audit_event_target_type_target_id_id_idx` ON `audit_event`(`target_type`, `target_id`, `id`);

-- CreateIndex
CREATE INDEX `audit_event_actor_id_idx` ON `audit_event`(`actor`, `id`);

-- CreateIndex
CREATE INDEX `audit_event_at_idx` ON `audit_event`(`at`);
