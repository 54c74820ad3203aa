-- Credit lots (docs/expiry.md): the strategy settings, the lots, their per-occurrence terms and
-- each user's used counter at the last lot event.

-- AlterTable
ALTER TABLE "quota_strategy" ADD COLUMN     "expires_after" TEXT,
ADD COLUMN     "expires_at" TIMESTAMP(3),
ADD COLUMN     "rollover_max" DECIMAL(14,2),
ADD COLUMN     "lot_priority" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "credit_lot" (
    "id" SERIAL NOT NULL,
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "grant_id" INTEGER,
    "amount" DECIMAL(14,2) NOT NULL,
    "consumed" DECIMAL(14,2) NOT NULL,
    "granted_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rollover_max" DECIMAL(14,2),
    "carry_expires_at" TIMESTAMP(3),
    "state" TEXT NOT NULL DEFAULT 'active',
    "expired_amount" DECIMAL(14,2),
    "carried" DECIMAL(14,2),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_lot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_lot_terms" (
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3),
    "expires_after" TEXT,
    "timezone" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rollover_max" DECIMAL(14,2),
    "carry_expires_at" TIMESTAMP(3),

    CONSTRAINT "credit_lot_terms_pkey" PRIMARY KEY ("strategy_id","occurrence")
);

-- CreateTable
CREATE TABLE "credit_lot_usage" (
    "user_id" TEXT NOT NULL,
    "used_seen" DECIMAL(24,2) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_lot_usage_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "credit_lot_grant_id_key" ON "credit_lot"("grant_id");

-- CreateIndex
CREATE INDEX "credit_lot_state_expires_at_idx" ON "credit_lot"("state", "expires_at");

-- CreateIndex
CREATE INDEX "credit_lot_user_id_state_idx" ON "credit_lot"("user_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "credit_lot_strategy_id_occurrence_user_id_source_key" ON "credit_lot"("strategy_id", "occurrence", "user_id", "source");
