import { type AnyPipeline, type PipelineRun, type RunOptions, runPipeline } from '../../src/lib/pipeline';
import { registeredPipeline } from '../pipeline';
import { type PipelinePool, openPipelinePool } from './pool';

export interface PipelineRunner<P extends AnyPipeline = AnyPipeline> {
	run(input: unknown, options: RunOptions): Promise<PipelineRun<P>>;
	/** Worker threads the runs go to; 0 while they run on the event loop. */
	workers(): number;
	/** Stops the workers, if any; runs still in flight finish first. */
	close(): Promise<void>;
}

function poolFor(
	pipeline: AnyPipeline,
	workers: number,
	module: typeof import('./worker'),
	onCrash: (error: unknown) => void
): PipelinePool | undefined {
	// Run from source (vite dev, vitest) the module is TypeScript, which worker threads cannot load; a
	// pipeline outside the registry (a test's) is unknown to the workers. Checking the task function
	// also keeps the bundler from dropping it: nothing on this thread calls it.
	if (typeof module.default !== 'function' || !module.workerModuleUrl.endsWith('.js')) return undefined;
	if (registeredPipeline(pipeline.name) !== pipeline) return undefined;
	console.log(`[convince] pipeline runs for API calls go to ${workers} worker thread${workers === 1 ? '' : 's'}`);
	return openPipelinePool(module.workerModuleUrl, pipeline.name, workers, onCrash);
}

/**
 * Runs the served pipeline on `workers` worker threads (0: on the event loop), so that a run neither
 * blocks other requests for its milliseconds nor leaves the other cores idle. Runs go to the event loop
 * until the pool has started, and always where no pool can run (see poolFor) or its workers cannot start.
 */
export function createPipelineRunner<P extends AnyPipeline>(pipeline: P, workers: number): PipelineRunner<P> {
	let pool: PipelinePool | undefined;
	const onCrash = (error: unknown) => {
		if (!pool) return;
		console.error('[convince] a pipeline worker could not start; running the pipeline on the event loop:', error);
		// Runs waiting for a worker fail (500) rather than wait for ever; later ones run here.
		void pool?.close();
		pool = undefined;
	};
	const started =
		workers > 0
			? import('./worker').then(
					(module) => void (pool = poolFor(pipeline, workers, module, onCrash)),
					(error: unknown) => console.error('[convince] pipeline workers unavailable, running on the event loop:', error)
				)
			: Promise.resolve();
	return {
		run: (input, options) =>
			pool ? (pool.run(input, options) as Promise<PipelineRun<P>>) : runPipeline(pipeline, input, options),
		workers: () => pool?.workers() ?? 0,
		close: async () => {
			await started;
			await pool?.close();
		}
	};
}
