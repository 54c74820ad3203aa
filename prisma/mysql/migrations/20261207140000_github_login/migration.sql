-- MySQL / MariaDB twin of prisma/migrations/20261207140000_github_login: a lowercased copy of
-- github_username that the database keeps itself (a stored generated column; MariaDB has no
-- functional indexes), with an index. Same type as github_username.

-- AlterTable
ALTER TABLE `user_info` ADD COLUMN `github_login` VARCHAR(255) AS (LOWER(`github_username`)) STORED;

-- CreateIndex
CREATE INDEX `user_info_github_login_idx` ON `user_info`(`github_login`);
