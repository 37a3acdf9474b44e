import { pipelines } from '../../src/lib/pipeline';
import { type PoolAnswer, type PoolTask, isPoolWorker, poolWorker } from './task';

/**
 * Where pool workers load their code: this module itself. The server imports it dynamically, so that
 * in a production build it is a chunk of its own (importing the chunks it shares with the server).
 */
export const workerModuleUrl = import.meta.url;

// Awaited here, before piscina reports the worker ready: an idle worker blocks in Atomics.wait, where
// the models' file reads could not finish, so a load started but not awaited would wait for the first run.
const runTask = isPoolWorker() ? await poolWorker(pipelines) : undefined;

/** What piscina calls; on the server's thread, which imports the module for its URL, there is no task to run. */
export default function poolTask(task: PoolTask): Promise<PoolAnswer> {
	if (!runTask) throw new Error('pipeline pool tasks run on worker threads');
	return runTask(task);
}
