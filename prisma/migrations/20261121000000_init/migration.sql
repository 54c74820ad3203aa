-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "user_info" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "github_username" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "vip" INTEGER NOT NULL DEFAULT 0,
    "org" TEXT,
    "register_time" TIMESTAMP(3),
    "access_time" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_info_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_github_star" (
    "user_id" TEXT NOT NULL,
    "repo" TEXT NOT NULL,

    CONSTRAINT "user_github_star_pkey" PRIMARY KEY ("user_id","repo")
);

-- CreateTable
CREATE TABLE "quota_strategy" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "model" TEXT,
    "periodic_expr" TEXT,
    "timezone" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "max_exec_per_user" INTEGER NOT NULL DEFAULT 0,
    "start_at" TIMESTAMP(3),
    "end_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quota_strategy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quota_execute" (
    "id" SERIAL NOT NULL,
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quota_execute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "strategy_occurrence" (
    "strategy_id" INTEGER NOT NULL,
    "occurrence" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "strategy_occurrence_pkey" PRIMARY KEY ("strategy_id","occurrence")
);

-- CreateTable
CREATE TABLE "strategy_lease" (
    "strategy_id" INTEGER NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" BIGINT NOT NULL,

    CONSTRAINT "strategy_lease_pkey" PRIMARY KEY ("strategy_id")
);

-- CreateIndex
CREATE INDEX "user_info_vip_idx" ON "user_info"("vip");

-- CreateIndex
CREATE INDEX "user_info_org_idx" ON "user_info"("org");

-- CreateIndex
CREATE INDEX "user_info_register_time_idx" ON "user_info"("register_time");

-- CreateIndex
CREATE INDEX "user_info_access_time_idx" ON "user_info"("access_time");

-- CreateIndex
CREATE INDEX "user_github_star_repo_user_id_idx" ON "user_github_star"("repo", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "quota_strategy_name_key" ON "quota_strategy"("name");

-- CreateIndex
CREATE INDEX "quota_strategy_enabled_type_idx" ON "quota_strategy"("enabled", "type");

-- CreateIndex
CREATE INDEX "quota_execute_strategy_id_user_id_status_idx" ON "quota_execute"("strategy_id", "user_id", "status");

-- CreateIndex
CREATE INDEX "quota_execute_strategy_id_status_idx" ON "quota_execute"("strategy_id", "status");

-- CreateIndex
CREATE INDEX "quota_execute_status_idx" ON "quota_execute"("status");

-- CreateIndex
CREATE INDEX "quota_execute_user_id_idx" ON "quota_execute"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "quota_execute_strategy_id_occurrence_user_id_key" ON "quota_execute"("strategy_id", "occurrence", "user_id");

-- CreateIndex
CREATE INDEX "strategy_occurrence_status_idx" ON "strategy_occurrence"("status");

-- AddForeignKey
ALTER TABLE "user_github_star" ADD CONSTRAINT "user_github_star_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user_info"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quota_execute" ADD CONSTRAINT "quota_execute_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user_info"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

