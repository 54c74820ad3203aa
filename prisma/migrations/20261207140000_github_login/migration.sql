-- The star webhook and poll find users by their GitHub login, case-insensitively: a lowercased
-- copy of github_username that the database keeps itself (so rows other programs write are
-- matched too), with an index. Prisma's schema declares it as a plain column.

-- AlterTable
ALTER TABLE "user_info" ADD COLUMN "github_login" TEXT GENERATED ALWAYS AS (lower("github_username")) STORED;

-- CreateIndex
CREATE INDEX "user_info_github_login_idx" ON "user_info"("github_login");
