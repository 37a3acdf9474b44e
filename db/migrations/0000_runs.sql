CREATE TABLE `run_items` (
	`run_id` integer NOT NULL,
	`item_id` text NOT NULL,
	`line` integer NOT NULL,
	`output` text,
	`label` text,
	`score` text,
	`correct` integer,
	`error` text,
	`duration_ms` real NOT NULL,
	`timings` text NOT NULL,
	PRIMARY KEY(`run_id`, `item_id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_items_run_line` ON `run_items` (`run_id`,`line`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`pipeline` text NOT NULL,
	`pipeline_version` text NOT NULL,
	`git_commit` text NOT NULL,
	`git_dirty` integer,
	`flags` text NOT NULL,
	`dataset_name` text NOT NULL,
	`dataset_path` text NOT NULL,
	`dataset_hash` text NOT NULL,
	`item_limit` integer,
	`items_total` integer NOT NULL,
	`items_done` integer DEFAULT 0 NOT NULL,
	`items_errors` integer DEFAULT 0 NOT NULL,
	`dataset_problems` text DEFAULT '[]' NOT NULL,
	`metrics` text,
	`failure` text,
	`duration_ms` real DEFAULT 0 NOT NULL,
	`host` text,
	`pid` integer,
	`heartbeat_at` integer
);
--> statement-breakpoint
CREATE INDEX `runs_started_at` ON `runs` (`started_at`);