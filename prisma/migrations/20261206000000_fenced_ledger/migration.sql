-- AlterTable
ALTER TABLE "quota_execute" ADD COLUMN     "lease_token" BIGINT,
ADD COLUMN     "settle_after" BIGINT,
ADD COLUMN     "reconcile_basis" TEXT;

-- AlterTable
ALTER TABLE "strategy_lease" ADD COLUMN     "token" BIGINT NOT NULL DEFAULT 0;
