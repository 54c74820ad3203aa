-- AlterTable
ALTER TABLE `strategy_occurrence` ADD COLUMN `approved_amount` DECIMAL(14, 2) NULL,
    ADD COLUMN `approved_users` INTEGER NULL,
    ADD COLUMN `approved_version` INTEGER NULL;
