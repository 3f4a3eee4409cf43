CREATE TABLE `account_ancestors` (
	`account_id` text NOT NULL,
	`ancestor_id` text NOT NULL,
	`depth` integer NOT NULL,
	PRIMARY KEY(`account_id`, `ancestor_id`)
);
--> statement-breakpoint
CREATE INDEX `account_ancestors_ancestor_idx` ON `account_ancestors` (`ancestor_id`,`depth`);--> statement-breakpoint
CREATE TABLE `phone_numbers` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`number` text NOT NULL,
	`livemode` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `phone_numbers_number_idx` ON `phone_numbers` (`livemode`,`number`);--> statement-breakpoint
CREATE INDEX `phone_numbers_account_idx` ON `phone_numbers` (`account_id`,`id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `help_text` text;--> statement-breakpoint
CREATE INDEX `accounts_parent_idx` ON `accounts` (`parent_account_id`,`id`);