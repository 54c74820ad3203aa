-- Text compares as on PostgreSQL and SQLite, every character counting. utf8mb4_bin is a PAD
-- SPACE collation: it compared `bob` and `bob ` as equal, so the primary key merged two users
-- (an import of both kept one row, PUT /users/carol%20 rewrote `carol`), a starred repository
-- `zgsm ` collided with `zgsm` (500), and `belong-to("acme")` matched the org `acme ` in SQL
-- but not in memory. utf8mb4_nopad_bin (MariaDB 10.2+) orders by code point like utf8mb4_bin
-- and compares trailing spaces too. Every table is converted, so its default for columns added
-- later is the same. Keys only become more distinct, so existing rows never collide.
-- The foreign key's two columns must agree on their collation while it exists.

-- DropForeignKey
ALTER TABLE `user_github_star` DROP FOREIGN KEY `user_github_star_user_id_fkey`;

-- AlterTable
ALTER TABLE `user_info` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `user_github_star` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `quota_strategy` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `quota_execute` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `strategy_occurrence` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `strategy_lease` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `audit_event` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `change_counter` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE `strategy_scan_position` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;

-- AddForeignKey
ALTER TABLE `user_github_star` ADD CONSTRAINT `user_github_star_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `user_info`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
