-- AlterTable (ADD COLUMN keeps the rows in place)
ALTER TABLE "quota_execute" ADD COLUMN "lease_token" BIGINT;
ALTER TABLE "quota_execute" ADD COLUMN "settle_after" BIGINT;
ALTER TABLE "quota_execute" ADD COLUMN "reconcile_basis" TEXT;

-- AlterTable
ALTER TABLE "strategy_lease" ADD COLUMN "token" BIGINT NOT NULL DEFAULT 0;
