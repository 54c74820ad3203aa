-- AlterTable (ADD COLUMN keeps the rows in place; nullable columns need no default)
ALTER TABLE "strategy_occurrence" ADD COLUMN "approved_version" INTEGER;
ALTER TABLE "strategy_occurrence" ADD COLUMN "approved_users" INTEGER;
ALTER TABLE "strategy_occurrence" ADD COLUMN "approved_amount" DECIMAL;
