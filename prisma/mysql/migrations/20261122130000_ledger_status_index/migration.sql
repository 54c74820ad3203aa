-- DropIndex
DROP INDEX `quota_execute_strategy_id_status_idx` ON `quota_execute`;

-- DropIndex
DROP INDEX `quota_execute_status_idx` ON `quota_execute`;

-- CreateIndex
CREATE INDEX `quota_execute_status_strategy_id_idx` ON `quota_execute`(`status`, `strategy_id`);
