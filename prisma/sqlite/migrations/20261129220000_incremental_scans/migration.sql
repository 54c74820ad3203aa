-- AlterTable (ADD COLUMN keeps the rows in place; a NOT NULL column with a constant default is allowed)
ALTER TABLE "user_info" ADD COLUMN "change_seq" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "change_counter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "value" BIGINT NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "strategy_scan_position" (
    "strategy_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "change_seq" BIGINT NOT NULL,
    "strategy_version" INTEGER NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "user_info_change_idx" ON "user_info"("change_seq", "id");
