-- MySQL / MariaDB twin of prisma/migrations/20261207120000_webhook_outbox: the event outbox,
-- webhook endpoints and their deliveries. An event's body is the envelope as sent (MEDIUMTEXT,
-- never indexed); a URL may be long (VARCHAR(2048), never indexed). utf8mb4_nopad_bin, as every
-- table since 20261207020000_text_keys_no_pad.

-- CreateTable
CREATE TABLE `event_outbox` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `event_id` VARCHAR(191) NOT NULL,
    `type` VARCHAR(191) NOT NULL,
    `occurred_at` DATETIME(3) NOT NULL,
    `body` MEDIUMTEXT NOT NULL,

    UNIQUE INDEX `event_outbox_event_id_key`(`event_id`),
    INDEX `event_outbox_occurred_at_idx`(`occurred_at`),
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- CreateTable
CREATE TABLE `webhook_endpoint` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `url` VARCHAR(2048) NOT NULL,
    `kind` VARCHAR(191) NOT NULL DEFAULT 'webhook',
    `event_types` TEXT NOT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `description` VARCHAR(1000) NOT NULL DEFAULT '',
    `secret` VARCHAR(191) NULL,
    `previous_secret` VARCHAR(191) NULL,
    `previous_secret_until` DATETIME(3) NULL,
    `failing_since` BIGINT NULL,
    `disabled_reason` TEXT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- CreateTable
CREATE TABLE `webhook_delivery` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `endpoint_id` INTEGER NOT NULL,
    `event_id` INTEGER NOT NULL,
    `status` VARCHAR(191) NOT NULL,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `next_attempt_at` BIGINT NOT NULL,
    `lease_holder` VARCHAR(191) NULL,
    `lease_until` BIGINT NOT NULL DEFAULT 0,
    `response_status` INTEGER NULL,
    `last_error` TEXT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `delivered_at` DATETIME(3) NULL,

    INDEX `webhook_delivery_status_next_attempt_at_idx`(`status`, `next_attempt_at`),
    INDEX `webhook_delivery_endpoint_id_id_idx`(`endpoint_id`, `id`),
    INDEX `webhook_delivery_event_id_idx`(`event_id`),
    UNIQUE INDEX `webhook_delivery_endpoint_id_event_id_key`(`endpoint_id`, `event_id`),
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
