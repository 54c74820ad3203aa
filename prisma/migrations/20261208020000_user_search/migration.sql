-- User search (GET /api/v1/users?q=) matches a prefix of the id, the name or the GitHub username,
-- case-insensitively for ASCII letters only: A-Z match a-z, every other character only itself. That
-- is what SQLite's lower() folds, so the other databases fold exactly as much (translate() here)
-- and a search answers the same on all three. Copies the database keeps itself (rows other
-- programs write are found too), each with an index: collation "C" compares by code point, which
-- lets a btree serve LIKE 'prefix%' whatever the database's own collation. Prisma's schema
-- declares them as plain columns.

-- AlterTable
ALTER TABLE "user_info" ADD COLUMN "search_id" TEXT COLLATE "C" GENERATED ALWAYS AS (translate("id", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) STORED;
ALTER TABLE "user_info" ADD COLUMN "search_name" TEXT COLLATE "C" GENERATED ALWAYS AS (translate("name", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) STORED;
ALTER TABLE "user_info" ADD COLUMN "search_login" TEXT COLLATE "C" GENERATED ALWAYS AS (translate("github_username", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) STORED;

-- CreateIndex
CREATE INDEX "user_info_search_id_idx" ON "user_info"("search_id");

-- CreateIndex
CREATE INDEX "user_info_search_name_idx" ON "user_info"("search_name");

-- CreateIndex
CREATE INDEX "user_info_search_login_idx" ON "user_info"("search_login");
