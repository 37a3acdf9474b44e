import { type Stats, statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import type { Db } from '../../db/client';
import {
	type EncodedRunItem,
	encodeRunItem,
	encodedItemFailed,
	finishedItemIds,
	iterateRunItemsAsStored
} from '../../db/queries/items';
import { countRunItems, createRun, getRun, updateRun } from '../../db/queries/runs';
import type { DatasetProblem, Run } from '../../db/schema';
import { type AnyPipeline, InputError, formatIssues, issuesFromZod, resolveFlags } from '../../src/lib/pipeline';
import { codeVersion } from './code-version';
import {
	type DatasetItem,
	type DatasetRef,
	type ItemRecord,
	DatasetError,
	decodeItems,
	encodeItems,
	fingerprintDataset,
	readDataset,
	resolveDataset
} from './dataset';
import type { ItemResult, WorkerSetup } from './evaluate';
import { HEARTBEAT_MS, isRunAlive } from './liveness';
import { ItemsCsvStream, writeItemsCsv } from './items-csv';
import { machineLoadMetrics, metricsCollector } from './metrics';
import { othersCpuWatch } from './machine-load';
import { defaultPipelineName } from '../pipeline';
import { DEFAULT_REGISTRY, UnknownPipelineError, loadPipeline } from './registry';
import { type PoolOptions, type WorkerPool, withPool } from './pool';
import { writeRunSummary } from './report';
import { ItemWriter } from './writer';
import { ChunkPacker } from './chunks';

/** Problems kept per run: enough to fix a file, bounded for a file that is not a dataset at all. */
const MAX_PROBLEMS = 1000;

export interface Progress {
	runId: number;
	/** Running the items, then (a done run only) computing the metrics and writing the report. */
	stage: 'items' | 'report';
	/** Dataset records handled so far, including earlier sessions of a resumed run and malformed lines. */
	done: number;
	total: number;
	errors: number;
	problems: number;
	/** Since this session's first result: the workers' start-up (a second or so) would make early ETAs minutes long. */
	itemsPerSecond: number;
	etaSeconds: number | null;
}

interface SessionOptions extends PoolOptions {
	db: Db;
	/** Module exporting `pipelines`; the app's registry unless a test brings its own. */
	registry?: string;
	/** Most items per worker task (default CHUNK_ITEMS; fewer when they are long, see CHUNK_CHARS). */
	chunkSize?: number;
	/** Aborting stops reading, lets running items finish and marks the run interrupted. */
	signal?: AbortSignal;
	onProgress?: (progress: Progress) => void;
	onProblem?: (problem: DatasetProblem) => void;
	/** Reports go to `<reportsDir>/run-<id>/`; default env `CONVINCE_REPORTS` or `reports`. */
	reportsDir?: string;
}

export interface StartOptions extends SessionOptions {
	/** A dataset name (`test`) or a .jsonl/.csv path. */
	dataset: string;
	pipeline?: string;
	name?: string;
	/** Partial flags; defaults are filled in and stored with the run. */
	flags?: Record<string, unknown>;
	/** Stop after this many dataset records. */
	limit?: number;
}

export interface ResumeOptions extends SessionOptions {
	runId: number;
}

export interface BatchOutcome {
	run: Run;
	/** Where the report was written (done runs only). */
	reportDir?: string;
}

/** The batch cannot start or resume (bad arguments, run not resumable); nothing was written. */
export class BatchError extends Error {
	override readonly name: string = 'BatchError';
}

/** A BatchError in what the caller asked for (a pipeline, dataset, flag, limit or run that is not there): usage. */
export class BatchArgumentError extends BatchError {
	override readonly name = 'BatchArgumentError';
}

const reportsDirOf = (options: SessionOptions) => options.reportsDir ?? process.env.CONVINCE_REPORTS ?? 'reports';

interface Session {
	options: SessionOptions;
	run: Run;
	pipeline: AnyPipeline;
	dataset: DatasetRef;
	/** Items stored by earlier sessions of this run. */
	finished: Set<string>;
}

/** Runs `resolve`, turning a bad pipeline name or dataset into a BatchArgumentError saying what to give instead. */
async function asBatchArguments<T>(resolve: () => T | Promise<T>): Promise<T> {
	try {
		return await resolve();
	} catch (error) {
		if (error instanceof UnknownPipelineError || error instanceof DatasetError) throw new BatchArgumentError(error.message);
		throw error;
	}
}

function resolveBatchFlags(pipeline: AnyPipeline, flags: Record<string, unknown>) {
	try {
		return resolveFlags(pipeline, flags);
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		const names = Object.keys(pipeline.flags.shape).join(', ') || 'none';
		throw new BatchArgumentError(`${error.message} (flags of pipeline ${pipeline.name}: ${names})`);
	}
}

/** More workers than this per core only share the cores, each holding its own models (~150 MB). */
const MAX_WORKERS_PER_CORE = 4;

/** Refuses a pool that would only crowd the machine (64 workers on 2 cores took 7 GB and a minute for 20 items). */
function checkConcurrency(concurrency: number | undefined): void {
	const most = MAX_WORKERS_PER_CORE * availableParallelism();
	if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0 && concurrency <= most))
		throw new BatchArgumentError(
			`--concurrency must be an integer from 1 to ${most} (${MAX_WORKERS_PER_CORE} per core: more workers only share the cores, each with its own models in memory)`
		);
}

export async function startBatch(options: StartOptions): Promise<BatchOutcome> {
	checkConcurrency(options.concurrency);
	if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0))
		throw new BatchArgumentError('--limit must be a positive integer');
	const pipeline = await asBatchArguments(() => loadPipeline(options.pipeline ?? defaultPipelineName(), options.registry));
	const flags = resolveBatchFlags(pipeline, options.flags ?? {});
	const dataset = await asBatchArguments(() => resolveDataset(options.dataset));
	return withPool(workerSetup(options, pipeline), options, async (pool) => {
		const { hash, records } = await fingerprintDataset(dataset);
		if (!records) throw new BatchArgumentError(`dataset ${dataset.path} has no records`);
		const code = codeVersion();
		const now = new Date();
		const run = createRun(options.db, {
			name: options.name ?? `${pipeline.name} on ${dataset.name}`,
			status: 'running',
			startedAt: now,
			pipeline: pipeline.name,
			pipelineVersion: pipeline.version,
			gitCommit: code.commit,
			gitDirty: code.dirty,
			flags,
			datasetName: dataset.name,
			datasetPath: dataset.path,
			datasetHash: hash,
			itemLimit: options.limit ?? null,
			itemsTotal: Math.min(records, options.limit ?? Infinity),
			host: hostname(),
			pid: process.pid,
			heartbeatAt: now
		});
		return execute({ options, run, pipeline, dataset, finished: new Set() }, pool);
	});
}

/** Finishes an interrupted run: items already stored are skipped, never redone or duplicated. */
export async function resumeBatch(options: ResumeOptions): Promise<BatchOutcome> {
	checkConcurrency(options.concurrency);
	const { db, runId } = options;
	const run = getRun(db, runId);
	if (!run) throw new BatchArgumentError(`run ${runId} not found`);
	if (run.status === 'done') throw new BatchError(`run ${runId} is already done`);
	if (isRunAlive(run)) throw new BatchError(`run ${runId} is still running (process ${run.pid} on ${run.host})`);
	const pipeline = await asBatchArguments(() => loadPipeline(run.pipeline, options.registry));
	if (pipeline.version !== run.pipelineVersion)
		throw new BatchError(
			`run ${runId} used ${run.pipeline} ${run.pipelineVersion}, now ${pipeline.version}: resuming would mix versions`
		);
	const dataset = { ...(await asBatchArguments(() => resolveDataset(run.datasetPath))), name: run.datasetName };
	return withPool(workerSetup(options, pipeline), options, async (pool) => {
		if ((await fingerprintDataset(dataset)).hash !== run.datasetHash)
			throw new BatchError(`dataset ${run.datasetPath} changed since run ${runId} started`);
		const resumed = updateRun(db, runId, {
			status: 'running',
			failure: null,
			itemsEndedAt: null,
			host: hostname(),
			pid: process.pid,
			heartbeatAt: new Date()
		});
		return execute({ options, run: resumed, pipeline, dataset, finished: finishedItemIds(db, runId) }, pool);
	});
}

/**
 * A label the pipeline's label schema rejects makes its line a dataset problem, like a line that is not
 * JSON: the pipeline did not fail on it, so it must not count in the error rate, and it has nothing to
 * be scored against.
 */
function labelProblem(pipeline: AnyPipeline, record: ItemRecord): DatasetProblem | undefined {
	// Without an evaluation nothing reads labels: the item runs whatever its label says.
	if (!pipeline.label || !pipeline.evaluation || record.label === undefined) return undefined;
	const parsed = pipeline.label.safeParse(record.label);
	if (parsed.success) return undefined;
	return {
		line: record.line,
		message: `label rejected by pipeline ${pipeline.name}: ${formatIssues(issuesFromZod(parsed.error, ['label']))}`
	};
}

function workerSetup(options: SessionOptions, pipeline: AnyPipeline): WorkerSetup {
	return { registry: options.registry ?? DEFAULT_REGISTRY, pipeline: pipeline.name };
}

/** Node's errors for a worker that ran out of memory or exited while running a task. */
function killedWorker(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && code.startsWith('ERR_WORKER');
}

/** A worker died running this item (e.g. out of memory): recorded as the item's error, like a failing step. */
function crashedItem(item: DatasetItem, error: unknown): ItemResult {
	const message = error instanceof Error ? error.message : String(error);
	return {
		itemId: item.id,
		line: item.line,
		label: item.label ?? null,
		output: null,
		score: null,
		correct: null,
		error: { name: 'WorkerError', message: `the worker running this item died: ${message}` },
		durationMs: 0,
		timings: []
	};
}

async function execute(session: Session, pool: WorkerPool): Promise<BatchOutcome> {
	const { options, run, dataset, finished } = session;
	const { db, signal } = options;
	const writer = new ItemWriter(db, run.id);
	// A resumed run's items.csv needs the items of its earlier sessions: it is read back at the end.
	const csv = finished.size
		? undefined
		: new ItemsCsvStream(
				reportsDirOf(options),
				run.id,
				session.pipeline.steps.map((step) => step.name)
			);
	const started = performance.now();
	const datasetAtStart = statSync(dataset.path);
	const othersCpuMs = othersCpuWatch();
	// The time spent so far goes with each heartbeat: a killed session's time counts in the run's duration
	// (and its rate), not only that of the sessions that ended on their own.
	const timeSoFar = () => ({
		durationMs: run.durationMs + (performance.now() - started),
		// Unknown for a run begun before it was measured: its earlier sessions' share is lost.
		othersCpuMs: run.othersCpuMs === null && run.durationMs > 0 ? null : (run.othersCpuMs ?? 0) + othersCpuMs()
	});
	const heartbeat = setInterval(() => updateRun(db, run.id, { heartbeatAt: new Date(), ...timeSoFar() }), HEARTBEAT_MS);
	heartbeat.unref();

	const problems = new Map(run.datasetProblems.map((problem) => [problem.line, problem]));
	const counters = { done: finished.size, errors: run.itemsErrors, problemLines: 0, sessionItems: 0 };
	const inFlight = new Set<Promise<void>>();
	/** Chunks whose worker died under them, one of their items perhaps the cause: run alone once the rest is done. */
	const suspects: string[] = [];
	let failure: unknown;
	let interrupted = false;
	const noteProblem = ({ line, message }: DatasetProblem) => {
		counters.problemLines++;
		if (problems.size < MAX_PROBLEMS) problems.set(line, { line, message });
		options.onProblem?.({ line, message });
	};
	const sortedProblems = () => [...problems.values()].sort((x, y) => x.line - y.line);

	/** The session's first stored result: items and time the rate counts from. */
	let firstResult: { items: number; at: number } | undefined;
	const report = (stage: Progress['stage'] = 'items') => {
		const now = performance.now();
		firstResult ??= { items: counters.sessionItems, at: now };
		const seconds = (now - firstResult.at) / 1000;
		const itemsPerSecond = seconds > 0 ? (counters.sessionItems - firstResult.items) / seconds : 0;
		const done = counters.done + counters.problemLines;
		options.onProgress?.({
			runId: run.id,
			stage,
			done,
			total: run.itemsTotal,
			errors: counters.errors,
			problems: counters.problemLines,
			itemsPerSecond,
			etaSeconds: itemsPerSecond > 0 ? Math.max(0, run.itemsTotal - done) / itemsPerSecond : null
		});
	};

	const store = (results: EncodedRunItem[]) => {
		writer.add(results);
		counters.done += results.length;
		counters.sessionItems += results.length;
		counters.errors += results.filter(encodedItemFailed).length;
		report();
	};

	/**
	 * Runs a chunk; when its worker dies under it, `onKilled` decides. Anything else failing (the models
	 * did not load, the pool is closing) fails the run with nothing recorded for the chunk, so a resume
	 * redoes it. Only the JSON text of the chunk stays referenced while it runs (see `ChunkTask.items`).
	 */
	const dispatch = (items: string, onKilled: (error: unknown) => void, onStored?: (results: EncodedRunItem[]) => void) => {
		const task = pool.piscina
			.run({ flags: run.flags, items })
			.then(
				(results: EncodedRunItem[]) => {
					store(results);
					onStored?.(results);
				},
				(error: unknown) => {
					if (pool.crash || !killedWorker(error)) return void (failure ??= pool.crash ?? error);
					onKilled(error);
				}
			)
			.catch((error: unknown) => {
				failure ??= error;
			})
			.finally(() => inFlight.delete(task));
		inFlight.add(task);
		return task;
	};
	// A worker holds two chunks (see openPool): when it dies, the items of both are suspects.
	const dispatchChunk = (items: string) => {
		const chunk = csv?.nextChunk() ?? 0;
		const killed = () => {
			// Its items are stored later, out of their turn.
			csv?.abandon();
			suspects.push(items);
		};
		return dispatch(items, killed, (results) => csv?.add(chunk, results));
	};
	/** Runs each suspect item with nothing else in the pool, so a worker that dies now died of that item. */
	const runSuspectsAlone = async () => {
		for (const item of suspects.splice(0).flatMap(decodeItems)) {
			if (signal?.aborted || failure || pool.crash) return;
			const killed = (error: unknown) => store([encodeRunItem(crashedItem(item, error))]);
			await Promise.race([dispatch(encodeItems([{ kind: 'item', ...item }]), killed), pool.crashed]);
		}
	};

	try {
		let records = 0;
		const packer = new ChunkPacker(options.chunkSize);
		for await (const record of readDataset(dataset)) {
			failure ??= pool.crash;
			if (signal?.aborted || failure || (run.itemLimit !== null && records >= run.itemLimit)) break;
			records++;
			if (record.kind === 'problem') {
				noteProblem(record);
				continue;
			}
			// Before the label: a resumed run keeps what its earlier sessions stored.
			if (finished.has(record.id)) continue;
			const labelIssue = labelProblem(session.pipeline, record);
			if (labelIssue) {
				noteProblem(labelIssue);
				continue;
			}
			const chunk = packer.add(record);
			if (!chunk) continue;
			dispatchChunk(chunk);
			// Backpressure: read no further ahead than the workers can take, so memory stays flat.
			while (inFlight.size >= pool.size * 2 && !pool.crash) await Promise.race([...inFlight, pool.crashed]);
		}
		// The hash the run records was taken at the start: a file written since is not what the run read.
		if (!signal?.aborted && !failure && changedSince(dataset.path, datasetAtStart))
			failure = new BatchError(
				`dataset ${run.datasetPath} changed while the run read it (${records} records read, ${run.itemsTotal} when it started)`
			);
		const last = packer.take();
		if (last && !signal?.aborted && !failure) dispatchChunk(last);
		while (inFlight.size && !pool.crash) await Promise.race([...inFlight, pool.crashed]);
		// Suspects can take a while (every death restarts a worker): what is finished is kept meanwhile.
		writer.flush();
		await runSuspectsAlone();
		failure ??= pool.crash;
		writer.flush();
		// Read here: a run whose every item is stored is done, even if Ctrl-C comes while the workers stop.
		interrupted = Boolean(signal?.aborted);
		// A long run's metrics and report take seconds: say so rather than sit at 100%, here and on the
		// pages (which count the malformed lines as handled too).
		if (!failure && !interrupted) {
			updateRun(db, run.id, { itemsEndedAt: new Date(), datasetProblems: sortedProblems() });
			report('report');
		}
	} catch (error) {
		failure ??= error;
	} finally {
		clearInterval(heartbeat);
		// Free the workers' memory before the metrics and the report.
		await pool.piscina.destroy();
	}
	return finish(session, csv, {
		...timeSoFar(),
		datasetProblems: sortedProblems(),
		failure,
		interrupted
	});
}

/** Whether the file was written since `before` was taken of it (or is gone). */
function changedSince(file: string, before: Stats): boolean {
	try {
		const now = statSync(file);
		return now.size !== before.size || now.mtimeMs !== before.mtimeMs;
	} catch {
		return true;
	}
}

interface SessionEnd {
	durationMs: number;
	othersCpuMs: number | null;
	datasetProblems: DatasetProblem[];
	failure: unknown;
	interrupted: boolean;
}

function finish(session: Session, csv: ItemsCsvStream | undefined, end: SessionEnd): BatchOutcome {
	const { db } = session.options;
	const reportsDir = reportsDirOf(session.options);
	const { done, errors } = countRunItems(db, session.run.id);
	const common = {
		itemsDone: done,
		itemsErrors: errors,
		durationMs: end.durationMs,
		othersCpuMs: end.othersCpuMs,
		datasetProblems: end.datasetProblems,
		pid: null
	};
	const failed = (failure: string): BatchOutcome => ({
		run: updateRun(db, session.run.id, { ...common, status: 'failed', failure, endedAt: new Date() })
	});
	const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
	// A resumed session writes no items.csv as it goes: a file left by an earlier session, killed, is stale.
	if (!csv) ItemsCsvStream.discard(reportsDir, session.run.id);
	if (end.failure) {
		csv?.abandon();
		return failed(messageOf(end.failure));
	}
	if (end.interrupted) {
		csv?.abandon();
		return { run: updateRun(db, session.run.id, { ...common, status: 'interrupted' }) };
	}
	// Metrics over no item would read as a run that went well.
	const [first] = end.datasetProblems;
	if (!done && first) {
		csv?.abandon();
		const lines = end.datasetProblems.length;
		const count = lines >= MAX_PROBLEMS ? `at least ${lines} lines` : `${lines} line${lines === 1 ? '' : 's'}`;
		return failed(`no line of the dataset is an item it could run: ${count} refused (line ${first.line}: ${first.message})`);
	}
	// The report is written before the run is marked done: a run whose report could not be written stays
	// resumable (failed), and its resume, with every item stored, only writes the report.
	const reportFailed = (error: unknown) => failed(`could not write the report: ${messageOf(error)}`);
	const measures = metricsCollector(session.pipeline);
	let reportDir: string;
	try {
		const written = csv?.complete();
		if (written) for (const item of iterateRunItemsAsStored(db, session.run.id)) measures.add(item);
		reportDir = written ?? writeItemsCsv(db, session.run.id, session.pipeline, reportsDir, measures.add);
	} catch (error) {
		return reportFailed(error);
	}
	const ended = {
		...common,
		status: 'done' as const,
		metrics: { ...measures.metrics(), ...machineLoadMetrics(end) },
		endedAt: new Date()
	};
	try {
		writeRunSummary(db, { ...session.run, ...ended }, session.pipeline, reportDir);
	} catch (error) {
		return reportFailed(error);
	}
	return { run: updateRun(db, session.run.id, ended), reportDir };
}
