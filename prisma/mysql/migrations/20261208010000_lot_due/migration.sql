-- MySQL / MariaDB twin of prisma/migrations/20261208010000_lot_due: the marker of grants still
-- to be made into lots, its index, and the grants already waiting marked.

-- AlterTable
ALTER TABLE `quota_execute` ADD COLUMN `lot_due` BOOLEAN NULL;

-- CreateIndex
CREATE INDEX `quota_execute_lot_due_status_id_idx` ON `quota_execute`(`lot_due`, `status`, `id`);

-- Backfill
UPDATE `quota_execute` q SET q.`lot_due` = true
WHERE EXISTS (SELECT 1 FROM `credit_lot_terms` t WHERE t.`strategy_id` = q.`strategy_id` AND t.`occurrence` = q.`occurrence`)
  AND NOT EXISTS (SELECT 1 FROM `credit_lot` l WHERE l.`grant_id` = q.`id`);
