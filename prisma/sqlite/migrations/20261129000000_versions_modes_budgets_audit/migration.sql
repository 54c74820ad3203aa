-- AlterTable
ALTER TABLE "strategy_occurrence" ADD COLUMN "approved_by" TEXT;
ALTER TABLE "strategy_occurrence" ADD COLUMN "approved_at" DATETIME;

-- CreateTable
CREATE TABLE "audit_event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "changes" TEXT,
    "request_id" TEXT
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_quota_strategy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "amount" DECIMAL NOT NULL,
    "model" TEXT,
    "periodic_expr" TEXT,
    "timezone" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "max_exec_per_user" INTEGER NOT NULL DEFAULT 0,
    "start_at" DATETIME,
    "end_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "missed_runs" TEXT NOT NULL DEFAULT 'skip',
    "max_catch_up" INTEGER NOT NULL DEFAULT 10,
    "version" INTEGER NOT NULL DEFAULT 1,
    "mode" TEXT NOT NULL DEFAULT 'add',
    "max_users_per_occurrence" INTEGER,
    "max_amount_per_occurrence" DECIMAL
);
INSERT INTO "new_quota_strategy" ("amount", "condition", "created_at", "enabled", "end_at", "id", "max_catch_up", "max_exec_per_user", "missed_runs", "model", "name", "periodic_expr", "start_at", "timezone", "title", "type", "updated_at") SELECT "amount", "condition", "created_at", "enabled", "end_at", "id", "max_catch_up", "max_exec_per_user", "missed_runs", "model", "name", "periodic_expr", "start_at", "timezone", "title", "type", "updated_at" FROM "quota_strategy";
DROP TABLE "quota_strategy";
ALTER TABLE "new_quota_strategy" RENAME TO "quota_strategy";
CREATE UNIQUE INDEX "quota_strategy_name_key" ON "quota_strategy"("name");
CREATE INDEX "quota_strategy_enabled_type_idx" ON "quota_strategy"("enabled", "type");
CREATE TABLE "new_quota_execute" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "amount" DECIMAL NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "catch_up" BOOLEAN NOT NULL DEFAULT false,
    "strategy_version" INTEGER,
    "mode" TEXT NOT NULL DEFAULT 'add',
    "balance_before" DECIMAL,
    "delta_sent" DECIMAL,
    "target" DECIMAL,
    "total_before" DECIMAL
);
INSERT INTO "new_quota_execute" ("amount", "attempts", "catch_up", "created_at", "id", "idempotency_key", "last_error", "occurrence", "status", "strategy_id", "updated_at", "user_id") SELECT "amount", "attempts", "catch_up", "created_at", "id", "idempotency_key", "last_error", "occurrence", "status", "strategy_id", "updated_at", "user_id" FROM "quota_execute";
DROP TABLE "quota_execute";
ALTER TABLE "new_quota_execute" RENAME TO "quota_execute";
CREATE INDEX "quota_execute_strategy_id_user_id_status_idx" ON "quota_execute"("strategy_id", "user_id", "status");
CREATE INDEX "quota_execute_status_strategy_id_idx" ON "quota_execute"("status", "strategy_id");
CREATE INDEX "quota_execute_user_id_idx" ON "quota_execute"("user_id");
CREATE UNIQUE INDEX "quota_execute_strategy_id_occurrence_user_id_key" ON "quota_execute"("strategy_id", "occurrence", "user_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "audit_event_target_type_target_id_id_idx" ON "audit_event"("target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_idx" ON "audit_event"("actor", "id");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at");

