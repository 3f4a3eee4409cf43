ALTER TABLE `webhook_endpoints` ADD `max_in_flight` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `rate_limit_per_second` integer;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `signing_private_key` text;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `signing_public_key` text;