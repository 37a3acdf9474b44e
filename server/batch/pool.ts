import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { EncodedRunItem } from '../../db/queries/items';
import type { ChunkTask, WorkerSetup } from './evaluate';
import { workerExecArgv, workerResourceLimits } from '../worker-limits';
import { bundleWorker } from './worker-bundle';

export interface PoolOptions {
	/** Worker threads; defaults to the number of cores. */
	concurrency?: number;
	/**
	 * Old-generation heap of each worker in MB (default env `CONVINCE_WORKER_HEAP_MB` or 256). Bounds a
	 * batch's memory; an item needing more fails alone (its worker is replaced), not the run.
	 */
	workerHeapMb?: number;
}

export interface WorkerPool {
	piscina: Piscina<ChunkTask, EncodedRunItem[]>;
	size: number;
	/** Why a worker died outside any task (its models failed to load): the run fails with it. */
	crash?: unknown;
	/**
	 * Settles on such a death. Waits race it: piscina keeps replacing workers that fail to start, so
	 * queued tasks would otherwise wait forever.
	 */
	crashed: Promise<void>;
}

/** Starts the workers at once: they load their models while the caller hashes the dataset. */
export async function openPool(setup: WorkerSetup, options: PoolOptions): Promise<WorkerPool> {
	const size = options.concurrency ?? availableParallelism();
	let onCrash = () => {};
	const pool: WorkerPool = {
		size,
		crashed: new Promise((resolve) => (onCrash = resolve)),
		piscina: new Piscina({
			filename: await bundleWorker(setup.registry),
			minThreads: size,
			maxThreads: size,
			idleTimeout: 30_000,
			// Each worker holds its next chunk while it runs one (it starts them in turn, see startWorker),
			// so it never waits on the main thread (writing a transaction, reading the dataset) between
			// chunks: with one chunk per worker, a worker sat idle ~6% of a 1-worker run.
			concurrentTasksPerWorker: 2,
			workerData: setup,
			resourceLimits: workerResourceLimits(options.workerHeapMb),
			execArgv: workerExecArgv()
		})
	};
	pool.piscina.on('error', (error: unknown) => {
		pool.crash ??= error;
		onCrash();
	});
	return pool;
}

export async function withPool<T>(setup: WorkerSetup, options: PoolOptions, use: (pool: WorkerPool) => Promise<T>): Promise<T> {
	const pool = await openPool(setup, options);
	try {
		return await use(pool);
	} finally {
		await pool.piscina.destroy();
	}
}
