import { Piscina } from 'piscina';
import type { AnyPipeline } from '../../src/lib/pipeline';
import { workerExecArgv, workerResourceLimits } from '../worker-limits';
import type { PipelineRunner } from './runner';
import { type PoolAnswer, type PoolSetup, type PoolTask, errorOfFailure } from './task';

export interface PoolOptions {
	/** A module whose default export is poolWorker's task function. */
	workerModule: string;
	/** A pipeline of the registry the module bundles. */
	pipeline: string;
	size: number;
	heapMb?: number;
	/**
	 * Hears of a worker dying outside any run (it could not start): piscina would keep replacing it, and
	 * runs would wait for a worker that never comes.
	 */
	onCrash: (error: unknown) => void;
}

/**
 * Up to this many runs in flight per worker. The worker starts them one per event-loop turn (see
 * poolWorker), so CPU-bound runs go one after another with the next already waiting, and runs that
 * wait on I/O (the enrich lookup) overlap, as they would on the event loop.
 */
const RUNS_PER_WORKER = 16;

/** runPipeline on worker threads: the same runs, and errors the API answers with the same status and body. */
export function openPipelinePool({ workerModule, pipeline, size, heapMb, onCrash }: PoolOptions): PipelineRunner<AnyPipeline> {
	const piscina = new Piscina<PoolTask, PoolAnswer>({
		filename: workerModule,
		minThreads: size,
		maxThreads: size,
		concurrentTasksPerWorker: RUNS_PER_WORKER,
		workerData: { poolPipeline: pipeline } satisfies PoolSetup,
		resourceLimits: workerResourceLimits(heapMb),
		execArgv: workerExecArgv()
	});
	piscina.on('error', onCrash);
	return {
		async run(input, { flags, debug }) {
			const answer = await piscina.run({ input, flags, debug });
			if ('failure' in answer) throw errorOfFailure(answer.failure);
			if (!('run' in answer)) throw new Error('a pipeline worker answered a run with something else');
			return answer.run;
		},
		async runStep(step, input, { debug }) {
			const answer = await piscina.run({ input, debug, step: step.name });
			if ('failure' in answer) throw errorOfFailure(answer.failure);
			if (!('stepRun' in answer)) throw new Error('a pipeline worker answered a step run with something else');
			return answer.stepRun as never;
		},
		workers: () => size,
		// Runs queued for a worker fail; those running finish.
		close: () => piscina.close({ force: true })
	};
}
