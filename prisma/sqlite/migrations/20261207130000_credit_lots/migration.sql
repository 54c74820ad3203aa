-- Credit lots (docs/expiry.md): SQLite twin of prisma/migrations/20261207130000_credit_lots.

-- AlterTable
ALTER TABLE "quota_strategy" ADD COLUMN "expires_after" TEXT;
ALTER TABLE "quota_strategy" ADD COLUMN "expires_at" DATETIME;
ALTER TABLE "quota_strategy" ADD COLUMN "rollover_max" DECIMAL;
ALTER TABLE "quota_strategy" ADD COLUMN "lot_priority" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "credit_lot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "grant_id" INTEGER,
    "amount" DECIMAL NOT NULL,
    "consumed" DECIMAL NOT NULL,
    "granted_at" DATETIME NOT NULL,
    "expires_at" DATETIME NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rollover_max" DECIMAL,
    "carry_expires_at" DATETIME,
    "state" TEXT NOT NULL DEFAULT 'active',
    "expired_amount" DECIMAL,
    "carried" DECIMAL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "credit_lot_terms" (
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "expires_at" DATETIME,
    "expires_after" TEXT,
    "timezone" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rollover_max" DECIMAL,
    "carry_expires_at" DATETIME,

    PRIMARY KEY ("strategy_id", "occurrence")
);

-- CreateTable
CREATE TABLE "credit_lot_usage" (
    "user_id" TEXT NOT NULL PRIMARY KEY,
    "used_seen" DECIMAL NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "credit_lot_grant_id_key" ON "credit_lot"("grant_id");

-- CreateIndex
CREATE INDEX "credit_lot_state_expires_at_idx" ON "credit_lot"("state", "expires_at");

-- CreateIndex
CREATE INDEX "credit_lot_user_id_state_idx" ON "credit_lot"("user_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "credit_lot_strategy_id_occurrence_user_id_source_key" ON "credit_lot"("strategy_id", "occurrence", "user_id", "source");
