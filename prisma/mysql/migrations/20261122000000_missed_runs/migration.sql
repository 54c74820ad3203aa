-- AlterTable
ALTER TABLE `quota_strategy` ADD COLUMN `max_catch_up` INTEGER NOT NULL DEFAULT 10,
    ADD COLUMN `missed_runs` VARCHAR(32) NOT NULL DEFAULT 'skip';

-- AlterTable
ALTER TABLE `quota_execute` ADD COLUMN `catch_up` BOOLEAN NOT NULL DEFAULT false;
