import {
	type AnyPipeline,
	type AnyStep,
	type MaybePromise,
	type PipelineRun,
	type RunOptions,
	type StepRun,
	runPipeline,
	runStepForCaller
} from '../../src/lib/pipeline';
import type { ServerConfig } from '../config';
import { registeredPipeline } from '../pipeline';
import { openPipelinePool } from './pool';

export interface PipelineRunner<P extends AnyPipeline = AnyPipeline> {
	run(input: unknown, options: RunOptions): Promise<PipelineRun<P>>;
	/**
	 * One step of the pipeline on the input, where runs go (an input of little text stays on the event
	 * loop): what the step throws comes as runStepForCaller has it, a failure around it as a bug.
	 */
	runStep<S extends AnyStep>(step: S, input: unknown, options: { debug: boolean }): MaybePromise<StepRun<S>>;
	/** Worker threads the runs go to; 0 while they run on the event loop. */
	workers(): number;
	/** Stops the workers, if any: runs queued for them fail, runs in flight finish. */
	close(): Promise<void>;
}

type WorkerModule = typeof import('./worker');

/**
 * Steps cost about their text's length: most calls take microseconds, less than handing them to a
 * thread, but sentiment over 100,000 characters took 0.3 s of the event loop, holding up every other
 * request. Above this many characters, a step call goes to a worker as pipeline runs do.
 */
const STEP_TEXT_ON_EVENT_LOOP = 2_000;

/** Whether the strings in `value` add up to more characters than a step call may take on the event loop. */
function holdsMuchText(value: unknown, budget = { left: STEP_TEXT_ON_EVENT_LOOP }): boolean {
	if (typeof value === 'string') return (budget.left -= value.length) < 0;
	if (typeof value !== 'object' || value === null) return false;
	for (const item of Object.values(value)) if (holdsMuchText(item, budget)) return true;
	return false;
}

/** Whether worker threads can run `pipeline` from `module` (see createPipelineRunner). */
function canRunOnWorkers(pipeline: AnyPipeline, module: WorkerModule): boolean {
	// Reading the default export also keeps the bundler from dropping it: nothing on this thread calls it.
	if (typeof module.default !== 'function' || !module.workerModuleUrl.endsWith('.js')) return false;
	// Workers run the registry's pipeline of that name, which must be this one.
	return registeredPipeline(pipeline.name) === pipeline;
}

/**
 * Runs the served pipeline on `pipelineWorkers` worker threads (0: on the event loop), so that a run
 * neither holds up every request queued behind it for its milliseconds of CPU nor leaves the other
 * cores idle. Runs go to the event loop until the pool has started, and for good where workers cannot
 * run the pipeline: run from source (vite dev, vitest) the worker module is TypeScript, which worker
 * threads cannot load, and a pipeline outside the registry (a test's) is unknown to them. Workers that
 * cannot start hand the runs back to the event loop too.
 */
export function createPipelineRunner<P extends AnyPipeline>(
	pipeline: P,
	{ pipelineWorkers = 0, workerHeapMb }: Pick<ServerConfig, 'pipelineWorkers' | 'workerHeapMb'> = {}
): PipelineRunner<P> {
	let pool: PipelineRunner | undefined;
	const onCrash = (error: unknown) => {
		if (!pool) return;
		console.error('[convince] a pipeline worker could not start; running the pipeline on the event loop:', error);
		void pool.close();
		pool = undefined;
	};
	const started =
		pipelineWorkers > 0
			? import('./worker')
					.then((module) => {
						if (!canRunOnWorkers(pipeline, module)) return;
						pool = openPipelinePool({
							workerModule: module.workerModuleUrl,
							pipeline: pipeline.name,
							size: pipelineWorkers,
							heapMb: workerHeapMb,
							onCrash
						});
						console.log(
							`[convince] pipeline runs for API calls go to ${pipelineWorkers} worker thread${pipelineWorkers === 1 ? '' : 's'}`
						);
					})
					.catch((error: unknown) => console.error('[convince] pipeline workers unavailable, running on the event loop:', error))
			: Promise.resolve();
	return {
		run: (input, options) =>
			pool ? (pool.run(input, options) as Promise<PipelineRun<P>>) : runPipeline(pipeline, input, options),
		runStep: (step, input, options) =>
			pool && holdsMuchText(input) ? pool.runStep(step, input, options) : runStepForCaller(step, input, options),
		workers: () => pool?.workers() ?? 0,
		close: async () => {
			await started;
			const closing = pool;
			pool = undefined;
			await closing?.close();
		}
	};
}
