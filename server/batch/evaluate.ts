import { workerData } from 'node:worker_threads';
import { type EncodedRunItem, encodeRunItem } from '../../db/queries/items';
import type { ItemError, NewRunItem } from '../../db/schema';
import { type AnyPipeline, StepError, runPipeline, toErrorInfo } from '../../src/lib/pipeline';
import { type DatasetItem, decodeItems } from './dataset';
import { type Registry, pipelineNamed } from './registry';
import { oneRunPerTurn } from '../turns';

/** One item's result as the runner stores it (the run id is added on write). */
export type ItemResult = Omit<NewRunItem, 'runId'>;

export interface ChunkTask {
	/** Resolved flags (defaults filled in). */
	flags: Record<string, unknown>;
	/**
	 * The chunk's items as one JSON string (ChunkPacker): the sending thread keeps a flat string while the chunk
	 * runs, instead of object graphs that outlive its young generation and pile up as garbage.
	 */
	items: string;
}

function itemError(error: unknown): ItemError {
	if (error instanceof StepError) return { ...toErrorInfo(error.cause), step: error.step };
	return toErrorInfo(error);
}

/** The label as the pipeline's evaluation takes it; the runner has made labels it rejects dataset problems. */
function parseLabel(pipeline: AnyPipeline, label: unknown): unknown {
	return pipeline.label ? pipeline.label.parse(label) : label;
}

/** Runs one item with debug off; a failure becomes the item's recorded error, never the batch's. */
export async function evaluateItem(
	pipeline: AnyPipeline,
	flags: Record<string, unknown>,
	item: DatasetItem
): Promise<ItemResult> {
	const started = performance.now();
	const identity = { itemId: item.id, line: item.line, label: item.label ?? null };
	let run;
	try {
		run = await runPipeline(pipeline, item.input, { flags });
	} catch (error) {
		return {
			...identity,
			output: null,
			score: null,
			correct: null,
			error: itemError(error),
			durationMs: performance.now() - started,
			timings: []
		};
	}
	const result = { ...identity, output: run.output, durationMs: run.durationMs, timings: run.timings };
	if (item.label === undefined || !pipeline.evaluation) return { ...result, score: null, correct: null, error: null };
	try {
		const score = pipeline.evaluation.score(run.output, parseLabel(pipeline, item.label));
		return { ...result, score, correct: score.correct, error: null };
	} catch (error) {
		return { ...result, score: null, correct: null, error: toErrorInfo(error) };
	}
}

export interface WorkerSetup {
	/** Module exporting `pipelines`, bundled into the worker (see worker-bundle.ts). */
	registry: string;
	pipeline: string;
}

/** Runs a chunk's items one after another (chunks amortise message passing). */
export async function evaluateChunk(pipeline: AnyPipeline, task: ChunkTask): Promise<EncodedRunItem[]> {
	const results: EncodedRunItem[] = [];
	for (const item of decodeItems(task.items)) results.push(encodeRunItem(await evaluateItem(pipeline, task.flags, item)));
	return results;
}

/**
 * The worker's task function for the pipeline its pool was opened for. Piscina imports the worker
 * module as the worker starts, so the models load while the main thread reads the dataset.
 */
export async function startWorker(pipelines: Registry): Promise<(task: ChunkTask) => Promise<EncodedRunItem[]>> {
	const pipeline = pipelineNamed(pipelines, (workerData as WorkerSetup).pipeline);
	await pipeline.load();
	// Piscina hands a worker its next chunk while it runs one (see openPool): they start one per turn.
	const inTurn = oneRunPerTurn();
	return (task) => inTurn(() => evaluateChunk(pipeline, task));
}
