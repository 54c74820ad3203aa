-- RedefineTables (SQLite cannot ADD COLUMN with a non-constant default; existing rows take the
-- migration's time: their next forced full scan is one SCAN_FULL_EVERY_MS after the upgrade)
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_strategy_scan_position" (
    "strategy_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "change_seq" BIGINT NOT NULL,
    "strategy_version" INTEGER NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "full_scan_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_strategy_scan_position" ("change_seq", "strategy_id", "strategy_version", "updated_at") SELECT "change_seq", "strategy_id", "strategy_version", "updated_at" FROM "strategy_scan_position";
DROP TABLE "strategy_scan_position";
ALTER TABLE "new_strategy_scan_position" RENAME TO "strategy_scan_position";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
