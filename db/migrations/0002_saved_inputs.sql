CREATE TABLE `saved_inputs` (
	`id` text PRIMARY KEY NOT NULL,
	`input` text NOT NULL,
	`saved_at` integer NOT NULL
);
