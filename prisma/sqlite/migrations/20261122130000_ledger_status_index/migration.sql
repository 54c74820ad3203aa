-- DropIndex
DROP INDEX "quota_execute_strategy_id_status_idx";

-- DropIndex
DROP INDEX "quota_execute_status_idx";

-- The indexes after it are rebuilt in the order a fresh database creates them, so that both
-- have the same index list (test/db/schema-drift.test.ts compares SQLite's index order too).
-- DropIndex
DROP INDEX "quota_execute_user_id_idx";

-- DropIndex
DROP INDEX "quota_execute_strategy_id_occurrence_user_id_key";

-- CreateIndex
CREATE INDEX "quota_execute_status_strategy_id_idx" ON "quota_execute"("status", "strategy_id");

-- CreateIndex
CREATE INDEX "quota_execute_user_id_idx" ON "quota_execute"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "quota_execute_strategy_id_occurrence_user_id_key" ON "quota_execute"("strategy_id", "occurrence", "user_id");
