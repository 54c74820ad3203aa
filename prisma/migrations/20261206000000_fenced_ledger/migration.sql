-- AlterTable
ALTER TABLE "quota_execute" ADD COLUMN     "lease_token" BIGINT,
ADD COLUMN     "settle_after" BIGINT;

-- AlterTable
ALTER TABLE "strategy_lease" ADD COLUMN     "token" BIGINT NOT NULL DEFAULT 0;
