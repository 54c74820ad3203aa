-- AlterTable
ALTER TABLE "user_info" ADD COLUMN     "change_seq" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "change_counter" (
    "id" INTEGER NOT NULL,
    "value" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "change_counter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "strategy_scan_position" (
    "strategy_id" INTEGER NOT NULL,
    "change_seq" BIGINT NOT NULL,
    "strategy_version" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "strategy_scan_position_pkey" PRIMARY KEY ("strategy_id")
);

-- CreateIndex
CREATE INDEX "user_info_change_idx" ON "user_info"("change_seq", "id");

