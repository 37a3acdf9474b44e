import { isDeepStrictEqual } from 'node:util';
import type { Run } from '../../db/schema';
import {
	type AnyPipeline,
	type TraceEntry,
	InputError,
	LoadError,
	PipelineOutputError,
	StepError,
	runPipeline,
	toErrorInfo
} from '../../src/lib/pipeline';
import { codeVersion } from './code-version';
import { type DatasetItem, readDataset, resolveDataset } from './dataset';
import { registeredPipeline } from '../pipeline';

/** The item or its pipeline is gone since the run (dataset file moved, pipeline no longer served). */
export class ExplainUnavailableError extends Error {
	override readonly name = 'ExplainUnavailableError';
}

/**
 * The item's run, failed or not: a step failing on it, an output its schema refuses, or an input or
 * flags the pipeline refuses now are what the code does with this item. Models that did not load, or a
 * bug, say nothing of the item: they go up, to be answered as 503 and 500 (never compared as outcomes).
 */
async function tracedRun(pipeline: AnyPipeline, input: unknown, flags: Record<string, unknown>) {
	try {
		const run = await runPipeline(pipeline, input, { flags, debug: true });
		return { flags, output: run.output as unknown, error: null, trace: run.trace ?? [] };
	} catch (error) {
		if (error instanceof StepError && error.cause instanceof LoadError) throw error.cause;
		if (error instanceof StepError || error instanceof PipelineOutputError) {
			const trace = (error.trace ?? []) as TraceEntry[];
			return { flags, output: null, error: toErrorInfo(error instanceof StepError ? error.cause : error), trace };
		}
		if (error instanceof InputError) return { flags, output: null, error: toErrorInfo(error), trace: [] };
		throw error;
	}
}

/** What a step did, without timings (which always differ). */
function outcome(entry: TraceEntry | undefined) {
	if (!entry) return undefined;
	if (entry.status === 'ok') return { step: entry.step, status: entry.status, output: entry.output };
	if (entry.status === 'error') return { step: entry.step, status: entry.status, error: entry.error };
	return { step: entry.step, status: entry.status, reason: entry.reason };
}

/** Index of the first step whose outcome differs between the traces, or null when none does. */
export function firstDifference(a: TraceEntry[], b: TraceEntry[]): number | null {
	for (let i = 0; i < Math.max(a.length, b.length); i++) if (!isDeepStrictEqual(outcome(a[i]), outcome(b[i]))) return i;
	return null;
}

function servedPipelines(a: Run, b: Run): [AnyPipeline, AnyPipeline] {
	const pipelineA = registeredPipeline(a.pipeline);
	const pipelineB = registeredPipeline(b.pipeline);
	if (!pipelineA || !pipelineB)
		throw new ExplainUnavailableError(`pipeline ${pipelineA ? b.pipeline : a.pipeline} is not served by this build`);
	return [pipelineA, pipelineB];
}

/**
 * The items of a run's dataset, read again. Reading errors (a file moved or deleted since the run) are
 * the reason nothing can be explained; errors of the caller's loop body are not caught here.
 */
async function* datasetItemsOf(run: Run): AsyncGenerator<DatasetItem> {
	try {
		for await (const record of readDataset(resolveDataset(run.datasetPath))) if (record.kind === 'item') yield record;
	} catch (error) {
		throw new ExplainUnavailableError(`dataset of run ${run.id} is unavailable: ${(error as Error).message}`);
	}
}

/** The item re-run under each run's flags with debug on, and the first step whose outcome differs. */
async function rerun(pipelines: [AnyPipeline, AnyPipeline], a: Run, b: Run, item: DatasetItem) {
	const [runA, runB] = await Promise.all([
		tracedRun(pipelines[0], item.input, a.flags),
		tracedRun(pipelines[1], item.input, b.flags)
	]);
	const index = firstDifference(runA.trace, runB.trace);
	return { runA, runB, firstDifference: index === null ? null : { index, step: (runA.trace[index] ?? runB.trace[index]).step } };
}

/**
 * The code explanations run: this module's, as the checkout was when it loaded (at the server's start;
 * under vite dev, at its last reload). The checkout can move on under a running server, whose code does not.
 */
const runningCode = codeVersion();

/** Whether the code running now is each run's recorded commit (explanations re-run the code of now). */
function codeMatch(a: Run, b: Run) {
	const current = runningCode;
	const sameAs = (run: Run) =>
		current.commit !== 'unknown' && current.commit === run.gitCommit && !current.dirty && !run.gitDirty;
	return { current, matchesA: sameAs(a), matchesB: sameAs(b) };
}

/**
 * Re-runs one item under both runs' flags with debug on, with the code running now, and finds the first
 * step whose output differs. Says when the code now differs from either run's recorded commit.
 */
export async function explainItem(a: Run, b: Run, itemId: string) {
	const pipelines = servedPipelines(a, b);
	let item: DatasetItem | undefined;
	for await (const record of datasetItemsOf(a))
		if (record.id === itemId) {
			item = record;
			break;
		}
	if (!item) throw new ExplainUnavailableError(`item "${itemId}" is not in dataset "${a.datasetName}"`);
	const { runA, runB, firstDifference } = await rerun(pipelines, a, b, item);
	return {
		itemId,
		line: item.line,
		input: item.input,
		label: item.label ?? null,
		a: runA,
		b: runB,
		firstDifference,
		code: codeMatch(a, b)
	};
}
export type Explanation = Awaited<ReturnType<typeof explainItem>>;

/** How many changed items explainChanges re-runs unless told: ~5 ms each, a second or so in all. */
export const DEFAULT_EXPLAINED_CHANGES = 200;

/** Item ids shown per step by explainChanges. */
const EXAMPLES_PER_STEP = 5;

/**
 * Which step caused a comparison's changes: each of these items (changed ones, say) re-run as
 * explainItem does, counted by the first step whose outcome differs; the steps most often first come
 * first. The dataset is read once. Items that differ nowhere now (the code or a model changed since)
 * and items no longer in the dataset are counted apart.
 */
export async function explainChanges(a: Run, b: Run, itemIds: string[]) {
	const pipelines = servedPipelines(a, b);
	const wanted = new Set(itemIds);
	const byStep = new Map<string, string[]>();
	const noDifference: string[] = [];
	for await (const item of datasetItemsOf(a)) {
		if (!wanted.delete(item.id)) continue;
		// The pipeline runs on this thread: between items, the server answers other requests.
		await new Promise((resolve) => setImmediate(resolve));
		const { firstDifference } = await rerun(pipelines, a, b, item);
		if (!firstDifference) noDifference.push(item.id);
		else {
			const ids = byStep.get(firstDifference.step) ?? [];
			ids.push(item.id);
			byStep.set(firstDifference.step, ids);
		}
		if (!wanted.size) break;
	}
	return {
		items: itemIds.length,
		steps: [...byStep]
			.map(([step, ids]) => ({ step, items: ids.length, examples: ids.slice(0, EXAMPLES_PER_STEP) }))
			.sort((x, y) => y.items - x.items),
		noDifference: noDifference.length,
		noDifferenceExamples: noDifference.slice(0, EXAMPLES_PER_STEP),
		notInDataset: wanted.size,
		code: codeMatch(a, b)
	};
}
export type ChangesExplanation = Awaited<ReturnType<typeof explainChanges>>;
