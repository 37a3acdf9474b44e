import { Piscina } from 'piscina';
import type { AnyPipeline, PipelineRun, RunOptions } from '../../src/lib/pipeline';
import { workerResourceLimits } from '../batch/pool';
import { type PoolAnswer, type PoolSetup, type PoolTask, errorOfFailure } from './task';

export interface PipelinePool {
	/** runPipeline on a worker thread: the same run, and the same errors by class. */
	run(input: unknown, options: RunOptions): Promise<PipelineRun<AnyPipeline>>;
	workers(): number;
	close(): Promise<void>;
}

/**
 * Worker threads running a registered pipeline; `workerModule` exports poolWorker's task function as
 * default. `onCrash` hears of a worker dying outside any run (it could not start): piscina would keep
 * replacing it, and runs would wait for a worker that never comes.
 */
export function openPipelinePool(
	workerModule: string,
	pipeline: string,
	size: number,
	onCrash: (error: unknown) => void
): PipelinePool {
	const piscina = new Piscina<PoolTask, PoolAnswer>({
		filename: workerModule,
		minThreads: size,
		maxThreads: size,
		// A worker finishing a run finds the next one already in its queue instead of idling while the
		// server's thread hands it over. Runs never interleave: a run's steps are synchronous, so the
		// worker finishes one before it takes the next message.
		concurrentTasksPerWorker: 2,
		workerData: { poolPipeline: pipeline } satisfies PoolSetup,
		resourceLimits: workerResourceLimits()
	});
	piscina.on('error', onCrash);
	return {
		async run(input, { flags, debug }) {
			const answer = await piscina.run({ input, flags, debug });
			if ('failure' in answer) throw errorOfFailure(answer.failure);
			return answer.run;
		},
		workers: () => size,
		close: () => piscina.destroy()
	};
}
