CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`from_number` text NOT NULL,
	`to_number` text NOT NULL,
	`status` text NOT NULL,
	`duration_seconds` integer,
	`recording_url` text,
	`contact_id` text,
	`carrier` text NOT NULL,
	`carrier_sid` text,
	`created_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `calls_account_idx` ON `calls` (`account_id`,`livemode`,`id`);--> statement-breakpoint
CREATE INDEX `calls_carrier_sid_idx` ON `calls` (`carrier_sid`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`phone` text NOT NULL,
	`name` text,
	`tags` text NOT NULL,
	`opted_out` integer NOT NULL,
	`opted_out_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_phone_idx` ON `contacts` (`account_id`,`livemode`,`phone`);--> statement-breakpoint
CREATE INDEX `contacts_account_idx` ON `contacts` (`account_id`,`livemode`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_pk` ON `idempotency_keys` (`account_id`,`livemode`,`key`);--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`livemode` integer NOT NULL,
	`direction` text NOT NULL,
	`from_number` text NOT NULL,
	`to_number` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`custom_id` text,
	`error_code` text,
	`error_message` text,
	`segments` integer NOT NULL,
	`contact_id` text,
	`carrier` text NOT NULL,
	`carrier_sid` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_account_idx` ON `messages` (`account_id`,`livemode`,`id`);--> statement-breakpoint
CREATE INDEX `messages_carrier_sid_idx` ON `messages` (`carrier_sid`);--> statement-breakpoint
CREATE INDEX `messages_created_idx` ON `messages` (`created_at`);