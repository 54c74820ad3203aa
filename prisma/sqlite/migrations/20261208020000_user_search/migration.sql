-- SQLite twin of prisma/migrations/20261208020000_user_search: prefix copies of the id, name and GitHub
-- username lowercased by lower(), which folds ASCII letters only (the fold every database here
-- uses), kept by the database (generated columns; ALTER TABLE can add only VIRTUAL ones, and the
-- indexes store the values). NOCASE lets SQLite serve LIKE 'prefix%' (case-insensitive for ASCII,
-- like the copies themselves) from the index.

-- AlterTable
ALTER TABLE "user_info" ADD COLUMN "search_id" TEXT COLLATE NOCASE GENERATED ALWAYS AS (lower("id")) VIRTUAL;
ALTER TABLE "user_info" ADD COLUMN "search_name" TEXT COLLATE NOCASE GENERATED ALWAYS AS (lower("name")) VIRTUAL;
ALTER TABLE "user_info" ADD COLUMN "search_login" TEXT COLLATE NOCASE GENERATED ALWAYS AS (lower("github_username")) VIRTUAL;

-- CreateIndex
CREATE INDEX "user_info_search_id_idx" ON "user_info"("search_id");

-- CreateIndex
CREATE INDEX "user_info_search_name_idx" ON "user_info"("search_name");

-- CreateIndex
CREATE INDEX "user_info_search_login_idx" ON "user_info"("search_login");
