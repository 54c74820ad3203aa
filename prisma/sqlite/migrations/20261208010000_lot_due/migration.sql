-- SQLite twin of prisma/migrations/20261208010000_lot_due: the marker of grants still to be
-- made into lots, its index, and the grants already waiting marked.

-- AlterTable
ALTER TABLE "quota_execute" ADD COLUMN "lot_due" BOOLEAN;

-- CreateIndex (the UNIQUE index is made again after it, as the schema's own DDL orders them)
DROP INDEX "quota_execute_strategy_id_occurrence_user_id_key";
CREATE INDEX "quota_execute_lot_due_status_id_idx" ON "quota_execute"("lot_due", "status", "id");
CREATE UNIQUE INDEX "quota_execute_strategy_id_occurrence_user_id_key" ON "quota_execute"("strategy_id", "occurrence", "user_id");

-- Backfill
UPDATE "quota_execute" SET "lot_due" = true
WHERE EXISTS (SELECT 1 FROM "credit_lot_terms" t WHERE t."strategy_id" = "quota_execute"."strategy_id" AND t."occurrence" = "quota_execute"."occurrence")
  AND NOT EXISTS (SELECT 1 FROM "credit_lot" l WHERE l."grant_id" = "quota_execute"."id");
