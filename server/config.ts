import { availableParallelism } from 'node:os';
import { dbPath, getDb } from '../db/client';
import { z } from 'zod';
import { formatIssues, issuesFromZod } from '../src/lib/pipeline/kit';
import { workerHeapMbSchema } from './worker-limits';

const MEGABYTE = 1024 * 1024;

/** One worker per core, but not so many that the default's memory (each loads the models) grows without bound. */
export const DEFAULT_PIPELINE_WORKERS = Math.min(availableParallelism(), 4);
const MAX_PIPELINE_WORKERS = 4 * availableParallelism();

const envSchema = z.object({
	CONVINCE_PIPELINE: z.string().min(1).optional(),
	CONVINCE_API_KEY: z
		.string()
		.min(16, 'use at least 16 characters')
		// Clients send it as a bearer token, which cannot hold spaces: a key with one (or with the trailing
		// newline of a secret file) would start the server and then refuse every call.
		.regex(/^[\x21-\x7e]+$/, 'use printable ASCII without spaces or line breaks')
		.optional()
		.describe('When set, every /api procedure requires `Authorization: Bearer <key>`'),
	CONVINCE_MAX_BODY_BYTES: z.coerce.number().int().positive().default(MEGABYTE).describe('Largest request body the API reads'),
	CONVINCE_PIPELINE_WORKERS: z.coerce
		.number()
		.int()
		.min(0)
		// Each worker loads its own copy of the models (~60 MB for triage).
		.max(MAX_PIPELINE_WORKERS, `at most 4 per core (${MAX_PIPELINE_WORKERS} here): each loads its own models`)
		.default(DEFAULT_PIPELINE_WORKERS)
		.describe('Worker threads running the pipeline for API calls (default: one per core, at most 4; 0: on the event loop)'),
	CONVINCE_WORKER_HEAP_MB: workerHeapMbSchema
});

export interface ServerConfig {
	pipelineName?: string;
	apiKey?: string;
	maxBodyBytes: number;
	/** Worker threads running the pipeline (see createPipelineRunner); absent, as in apps that tests build: 0, on the event loop. */
	pipelineWorkers?: number;
	/** Heap limit of each worker thread in MB. */
	workerHeapMb?: number;
}

/** A setting in the environment is wrong: start-up stops with this one-line message (server/serve.js), no stack. */
export class ConfigError extends Error {
	override readonly name = 'ConfigError';
}

/** Reads the server's settings from the environment; a bad value stops start-up naming the variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
	// An empty variable counts as unset, as shells and .env files often leave them.
	const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
	const parsed = envSchema.safeParse(present);
	if (!parsed.success) throw new ConfigError(`Invalid server environment: ${formatIssues(issuesFromZod(parsed.error))}`);
	return {
		pipelineName: parsed.data.CONVINCE_PIPELINE,
		apiKey: parsed.data.CONVINCE_API_KEY,
		maxBodyBytes: parsed.data.CONVINCE_MAX_BODY_BYTES,
		pipelineWorkers: parsed.data.CONVINCE_PIPELINE_WORKERS,
		workerHeapMb: parsed.data.CONVINCE_WORKER_HEAP_MB
	};
}

/**
 * Opens the database now (creating it and applying migrations): one that cannot be opened (a folder
 * that cannot be made, a read-only or corrupt file) stops start-up naming CONVINCE_DB, rather than
 * every page and call that reads runs failing later with a 500.
 */
export function openDatabaseAtStart(): void {
	try {
		getDb();
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new ConfigError(`CONVINCE_DB: the database ${dbPath()} cannot be opened: ${reason}`);
	}
}
