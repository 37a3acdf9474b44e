import { isDeepStrictEqual } from 'node:util';
import type { Run } from '../../db/schema';
import { type AnyPipeline, type TraceEntry, StepError, runPipeline, toErrorInfo } from '../../src/lib/pipeline';
import { codeVersion } from './code-version';
import { findDatasetItem, resolveDataset } from './dataset';
import { registeredPipeline } from '../pipeline';

/** The item or its pipeline is gone since the run (dataset file moved, pipeline no longer served). */
export class ExplainUnavailableError extends Error {
	override readonly name = 'ExplainUnavailableError';
}

async function tracedRun(pipeline: AnyPipeline, input: unknown, flags: Record<string, unknown>) {
	try {
		const run = await runPipeline(pipeline, input, { flags, debug: true });
		return { flags, output: run.output as unknown, error: null, trace: run.trace ?? [] };
	} catch (error) {
		const trace = error instanceof StepError ? ((error.trace ?? []) as TraceEntry[]) : [];
		return { flags, output: null, error: toErrorInfo(error instanceof StepError ? error.cause : error), trace };
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

/**
 * Re-runs one item under both runs' flags with debug on, with the code running now, and finds the first
 * step whose output differs. Says when the code now differs from either run's recorded commit.
 */
export async function explainItem(a: Run, b: Run, itemId: string) {
	const pipelineA = registeredPipeline(a.pipeline);
	const pipelineB = registeredPipeline(b.pipeline);
	if (!pipelineA || !pipelineB)
		throw new ExplainUnavailableError(`pipeline ${pipelineA ? b.pipeline : a.pipeline} is not served by this build`);
	let item;
	try {
		item = await findDatasetItem(resolveDataset(a.datasetPath), itemId);
	} catch (error) {
		throw new ExplainUnavailableError(`dataset of run ${a.id} is unavailable: ${(error as Error).message}`);
	}
	if (!item) throw new ExplainUnavailableError(`item "${itemId}" is not in ${a.datasetPath}`);
	const [runA, runB] = await Promise.all([tracedRun(pipelineA, item.input, a.flags), tracedRun(pipelineB, item.input, b.flags)]);
	const index = firstDifference(runA.trace, runB.trace);
	const current = codeVersion();
	const sameAs = (run: Run) =>
		current.commit !== 'unknown' && current.commit === run.gitCommit && !current.dirty && !run.gitDirty;
	return {
		itemId,
		line: item.line,
		input: item.input,
		label: item.label ?? null,
		a: runA,
		b: runB,
		firstDifference: index === null ? null : { index, step: (runA.trace[index] ?? runB.trace[index]).step },
		code: { current, matchesA: sameAs(a), matchesB: sameAs(b) }
	};
}
export type Explanation = Awaited<ReturnType<typeof explainItem>>;
