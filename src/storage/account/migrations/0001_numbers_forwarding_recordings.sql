CREATE TABLE `phone_numbers` (
	`id` text PRIMARY KEY NOT NULL,
	`livemode` integer NOT NULL,
	`number` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `phone_numbers_number_idx` ON `phone_numbers` (`livemode`,`number`);--> statement-breakpoint
ALTER TABLE `calls` ADD `pending_status` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `pending_duration_seconds` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `origin_account_id` text;