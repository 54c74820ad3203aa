-- DropForeignKey
ALTER TABLE "quota_execute" DROP CONSTRAINT "quota_execute_user_id_fkey";

-- AlterTable
ALTER TABLE "quota_strategy" ADD COLUMN     "max_amount_per_occurrence" DECIMAL(14,2),
ADD COLUMN     "max_users_per_occurrence" INTEGER,
ADD COLUMN     "mode" TEXT NOT NULL DEFAULT 'add',
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "quota_execute" ADD COLUMN     "balance_before" DECIMAL(14,2),
ADD COLUMN     "delta_sent" DECIMAL(14,2),
ADD COLUMN     "mode" TEXT NOT NULL DEFAULT 'add',
ADD COLUMN     "strategy_version" INTEGER,
ADD COLUMN     "target" DECIMAL(14,2),
ADD COLUMN     "total_before" DECIMAL(14,2);

-- AlterTable
ALTER TABLE "strategy_occurrence" ADD COLUMN     "approved_at" TIMESTAMP(3),
ADD COLUMN     "approved_by" TEXT;

-- CreateTable
CREATE TABLE "audit_event" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "changes" TEXT,
    "request_id" TEXT,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_event_target_type_target_id_id_idx" ON "audit_event"("target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_idx" ON "audit_event"("actor", "id");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at");

