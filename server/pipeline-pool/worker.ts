import { pipelines } from '../../src/lib/pipeline';
import { type PoolAnswer, type PoolTask, isPoolWorker, poolWorker } from './task';

/**
 * Where pool workers load their code: this module itself. The server imports it dynamically, so that
 * in a production build it is a chunk of its own (importing the chunks it shares with the server).
 */
export const workerModuleUrl = import.meta.url;

/** Made as a worker thread imports the module, so that its models load before the first task. */
const runTask = isPoolWorker() ? poolWorker(pipelines) : undefined;

/** Piscina's task function. */
export default function poolTask(task: PoolTask): Promise<PoolAnswer> {
	if (!runTask) throw new Error('pipeline pool tasks run on worker threads');
	return runTask(task);
}
