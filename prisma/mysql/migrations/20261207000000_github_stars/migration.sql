-- CreateTable
CREATE TABLE `github_repo_sync` (
    `repo` VARCHAR(191) NOT NULL,
    `renamed_to` VARCHAR(191) NULL,
    `started_at` DATETIME(3) NULL,
    `finished_at` DATETIME(3) NULL,
    `stargazers` INTEGER NOT NULL DEFAULT 0,
    `matched` INTEGER NOT NULL DEFAULT 0,
    `requests` INTEGER NOT NULL DEFAULT 0,
    `not_modified` INTEGER NOT NULL DEFAULT 0,
    `last_error` TEXT NULL,

    PRIMARY KEY (`repo`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable (url, link and logins are TEXT: a page's logins run to a few kilobytes)
CREATE TABLE `github_stargazer_page` (
    `repo` VARCHAR(191) NOT NULL,
    `page` INTEGER NOT NULL,
    `url` TEXT NOT NULL,
    `etag` VARCHAR(191) NOT NULL,
    `link` TEXT NULL,
    `logins` MEDIUMTEXT NOT NULL,

    PRIMARY KEY (`repo`, `page`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- CreateTable
CREATE TABLE `github_webhook_delivery` (
    `delivery_id` VARCHAR(191) NOT NULL,
    `received_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `github_webhook_delivery_received_at_idx`(`received_at`),
    PRIMARY KEY (`delivery_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
