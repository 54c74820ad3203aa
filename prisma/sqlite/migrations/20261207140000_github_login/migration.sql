-- SQLite twin of prisma/migrations/20261207140000_github_login: a lowercased copy of
-- github_username that the database keeps itself (a generated column; ALTER TABLE can add only
-- VIRTUAL ones, and the index stores the values), with an index. SQLite's lower() folds ASCII
-- only, which is what GitHub logins are made of.

-- AlterTable
ALTER TABLE "user_info" ADD COLUMN "github_login" TEXT GENERATED ALWAYS AS (lower("github_username")) VIRTUAL;

-- CreateIndex
CREATE INDEX "user_info_github_login_idx" ON "user_info"("github_login");
