-- DropIndex
DROP INDEX `user_info_vip_idx` ON `user_info`;

-- DropIndex
DROP INDEX `user_info_org_idx` ON `user_info`;

-- DropIndex
DROP INDEX `user_info_register_time_idx` ON `user_info`;

-- DropIndex
DROP INDEX `user_info_access_time_idx` ON `user_info`;

-- CreateIndex
CREATE INDEX `user_info_scan_idx` ON `user_info`(`id`, `vip`, `org`, `register_time`, `access_time`);
