-- AlterTable
ALTER TABLE `quota_execute` ADD COLUMN `lease_token` BIGINT NULL,
    ADD COLUMN `settle_after` BIGINT NULL,
    ADD COLUMN `reconcile_basis` TEXT NULL;

-- AlterTable
ALTER TABLE `strategy_lease` ADD COLUMN `token` BIGINT NOT NULL DEFAULT 0;
