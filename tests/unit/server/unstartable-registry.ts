import { isMainThread } from 'node:worker_threads';

// A registry whose module fails to load in a worker thread, as a broken install or build would.
if (!isMainThread) throw new Error('this registry cannot start in a worker');

export const pipelines = {};
