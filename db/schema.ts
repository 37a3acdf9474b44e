import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import {
	type ItemScore,
	type Metrics,
	type StepTiming,
	errorInfoSchema,
	itemScoreSchema,
	metricsSchema,
	stepTimingSchema
} from '../src/lib/pipeline/kit';

export const runStatuses = ['running', 'interrupted', 'failed', 'done'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** A dataset line the runner could not use, kept so evaluators can fix the file. */
export const datasetProblemSchema = z.object({ line: z.number().int(), message: z.string() });
export type DatasetProblem = z.infer<typeof datasetProblemSchema>;

/** Why an item has no output: the failing step (when known) and the error as clients see it. */
export const itemErrorSchema = errorInfoSchema.extend({ step: z.string().optional().describe('The step that failed') });
export type ItemError = z.infer<typeof itemErrorSchema>;

/** One batch evaluation of a pipeline over a dataset, with the code and flags that produced it. */
export const runsTable = sqliteTable(
	'runs',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		name: text('name').notNull(),
		status: text('status', { enum: runStatuses }).notNull(),
		startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
		endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
		/** When every item was stored and the metrics and report began (null while items run): the pages show that stage. */
		itemsEndedAt: integer('items_ended_at', { mode: 'timestamp_ms' }),
		pipeline: text('pipeline').notNull(),
		pipelineVersion: text('pipeline_version').notNull(),
		gitCommit: text('git_commit').notNull(),
		/** Null when the commit is unknown (no git). */
		gitDirty: integer('git_dirty', { mode: 'boolean' }),
		flags: text('flags', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
		datasetName: text('dataset_name').notNull(),
		datasetPath: text('dataset_path').notNull(),
		datasetHash: text('dataset_hash').notNull(),
		/** `--limit`, kept so a resumed run stops where the original would have. */
		itemLimit: integer('item_limit'),
		itemsTotal: integer('items_total').notNull(),
		itemsDone: integer('items_done').notNull().default(0),
		itemsErrors: integer('items_errors').notNull().default(0),
		datasetProblems: text('dataset_problems', { mode: 'json' })
			.$type<DatasetProblem[]>()
			.notNull()
			.default(sql`'[]'`),
		metrics: text('metrics', { mode: 'json' }).$type<Metrics>(),
		/** Why a run failed (a worker crashed, the database refused a write); null otherwise. */
		failure: text('failure'),
		/** Wall time spent running, summed over the original run and its resumes. */
		durationMs: real('duration_ms').notNull().default(0),
		/**
		 * CPU time other processes of the machine used meanwhile, summed likewise: what makes timings of
		 * two runs comparable or not. Null for runs stored before it was measured.
		 */
		othersCpuMs: real('others_cpu_ms'),
		/** Which process runs it, and when it last wrote: a run left "running" by a killed process is stale. */
		host: text('host'),
		pid: integer('pid'),
		heartbeatAt: integer('heartbeat_at', { mode: 'timestamp_ms' })
	},
	(table) => [index('runs_started_at').on(table.startedAt)]
);

/** One dataset item's result in a run; the primary key makes a re-run replace, never duplicate. */
export const runItemsTable = sqliteTable(
	'run_items',
	{
		runId: integer('run_id')
			.notNull()
			.references(() => runsTable.id, { onDelete: 'cascade' }),
		itemId: text('item_id').notNull(),
		/** 1-based line in the dataset file: item pages and aggregates follow the file's order. */
		line: integer('line').notNull(),
		output: text('output', { mode: 'json' }).$type<unknown>(),
		label: text('label', { mode: 'json' }).$type<unknown>(),
		score: text('score', { mode: 'json' }).$type<ItemScore>(),
		/** Copied from `score.correct` so filters and comparisons need no JSON parsing. */
		correct: integer('correct', { mode: 'boolean' }),
		error: text('error', { mode: 'json' }).$type<ItemError>(),
		durationMs: real('duration_ms').notNull(),
		timings: text('timings', { mode: 'json' }).$type<StepTiming[]>().notNull()
	},
	(table) => [primaryKey({ columns: [table.runId, table.itemId] }), index('run_items_run_line').on(table.runId, table.line)]
);

export type Run = typeof runsTable.$inferSelect;
export type NewRun = typeof runsTable.$inferInsert;
export type RunItem = typeof runItemsTable.$inferSelect;
export type NewRunItem = typeof runItemsTable.$inferInsert;

/** A run as the API returns it (JSON columns typed; the process bookkeeping left out). */
export const runSchema = createSelectSchema(runsTable, {
	flags: z.record(z.string(), z.unknown()),
	metrics: metricsSchema.nullable(),
	datasetProblems: z.array(datasetProblemSchema)
}).omit({ host: true, pid: true, heartbeatAt: true });

export const runItemSchema = createSelectSchema(runItemsTable, {
	output: z.unknown(),
	label: z.unknown(),
	score: itemScoreSchema.nullable(),
	error: itemErrorSchema.nullable(),
	timings: z.array(stepTimingSchema)
});
export type RunView = z.infer<typeof runSchema>;

/**
 * Inputs typed on the debug pages that are too long to travel in a link: stored under a hash of their
 * content, so the page's URL names them (`?saved=<id>`) and reloads or shares like any other link.
 */
export const savedInputsTable = sqliteTable('saved_inputs', {
	id: text('id').primaryKey(),
	/** The input as JSON text, stored as sent so it reads back exactly. */
	input: text('input').notNull(),
	savedAt: integer('saved_at', { mode: 'timestamp_ms' }).notNull()
});
