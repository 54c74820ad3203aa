-- AlterTable (existing rows take the migration's time: their next forced full scan is one
-- SCAN_FULL_EVERY_MS after the upgrade, as a process's first sight scheduled it before)
ALTER TABLE `strategy_scan_position` ADD COLUMN `full_scan_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3);
