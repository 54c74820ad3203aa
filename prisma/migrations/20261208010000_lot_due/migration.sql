-- The lot pass finds grants still to be made into lots by a marker the claim sets and the lot's
-- transaction clears (docs/expiry.md), with an index, instead of searching every grant of every
-- occurrence with lot terms at every pass. Grants already waiting for their lot are marked.

-- AlterTable
ALTER TABLE "quota_execute" ADD COLUMN     "lot_due" BOOLEAN;

-- CreateIndex
CREATE INDEX "quota_execute_lot_due_status_id_idx" ON "quota_execute"("lot_due", "status", "id");

-- Backfill
UPDATE "quota_execute" SET "lot_due" = true
WHERE EXISTS (SELECT 1 FROM "credit_lot_terms" t WHERE t."strategy_id" = "quota_execute"."strategy_id" AND t."occurrence" = "quota_execute"."occurrence")
  AND NOT EXISTS (SELECT 1 FROM "credit_lot" l WHERE l."grant_id" = "quota_execute"."id");
