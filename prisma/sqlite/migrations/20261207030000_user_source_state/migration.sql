-- CreateTable
CREATE TABLE "user_source_state" (
    "source" TEXT NOT NULL PRIMARY KEY,
    "cursor" TEXT,
    "last_full_at" DATETIME,
    "last_success_at" DATETIME,
    "last_run" TEXT,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
