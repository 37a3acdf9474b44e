import { z } from 'zod';
import { formatIssues, issuesFromZod } from '../src/lib/pipeline/kit';

/** `CONVINCE_WORKER_HEAP_MB`: bounds the memory of every worker thread (batch runs and the pipeline pool). */
export const workerHeapMbSchema = z.coerce
	.number()
	.int()
	.positive()
	.default(256)
	.describe('Old-generation heap of each worker thread in MB; a run needing more fails alone');

/** The heap limit from the environment; a bad value throws naming the variable. */
export function workerHeapMbFromEnv(value = process.env.CONVINCE_WORKER_HEAP_MB): number {
	const parsed = workerHeapMbSchema.safeParse(value || undefined);
	if (!parsed.success) throw new Error(`Invalid CONVINCE_WORKER_HEAP_MB: ${formatIssues(issuesFromZod(parsed.error))}`);
	return parsed.data;
}

/**
 * Caps the young generation too, whose default can grow with the machine's memory, at V8's usual
 * 48 MB (two 16 MB semi-spaces, what the main thread gets here). Smaller, it is collected more often:
 * at 16 MB two batch workers spent ~5% more CPU per item than at 64 MB (in six of six interleaved
 * pairs) and took 86 s instead of 79 s over 100,000 items (against 48 MB), for 28 MB less peak RSS
 * (407 vs 435 MB); at 8 MB a fifth of the throughput went.
 */
export function workerResourceLimits(heapMb = workerHeapMbFromEnv()) {
	return { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 48 };
}

/**
 * The Node flags of worker threads, none inherited: worker modules are plain JavaScript, and this
 * process's flags would bring tsx's loader (the batch CLI runs under `--import tsx`: ~130 ms more per
 * worker start) or V8 flags a worker refuses. require(esm) is off: piscina require()s a worker module
 * before it import()s it, and Node 20.20's require(esm) of our top-level-await bundle can race that
 * import and abort the whole process ("IsGraphAsync must be used on an instantiated module"), as it did
 * once in CI. With it off, require() refuses the module before any ES module work.
 */
export function workerExecArgv(): string[] {
	const noRequireEsm = '--no-experimental-require-module';
	return process.allowedNodeEnvironmentFlags.has(noRequireEsm) ? [noRequireEsm] : [];
}
