CREATE TABLE `rate_buckets` (
	`key_id` text PRIMARY KEY NOT NULL,
	`tokens` real NOT NULL,
	`updated_at` integer NOT NULL
);
