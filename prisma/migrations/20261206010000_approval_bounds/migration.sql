-- AlterTable
ALTER TABLE "strategy_occurrence" ADD COLUMN     "approved_amount" DECIMAL(14,2),
ADD COLUMN     "approved_users" INTEGER,
ADD COLUMN     "approved_version" INTEGER;
