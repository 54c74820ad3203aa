-- Hand-written instead of Prisma's table rebuild: SQLite can append columns with a constant
-- default in place, which keeps this migration instant on a large ledger. The columns are
-- last in their models, so the result is identical to a fresh build (test/db/schema-drift).
ALTER TABLE "quota_strategy" ADD COLUMN "missed_runs" TEXT NOT NULL DEFAULT 'skip';
ALTER TABLE "quota_strategy" ADD COLUMN "max_catch_up" INTEGER NOT NULL DEFAULT 10;
ALTER TABLE "quota_execute" ADD COLUMN "catch_up" BOOLEAN NOT NULL DEFAULT false;
