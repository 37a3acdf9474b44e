import { isMainThread, workerData } from 'node:worker_threads';
import {
	type AnyPipeline,
	type AnyStep,
	type ErrorInfo,
	type Issue,
	InputError,
	LoadError,
	OutputError,
	type PipelineRun,
	type RunOptions,
	StepError,
	type StepRun,
	runPipeline,
	runStepForCaller,
	toErrorInfo
} from '../../src/lib/pipeline';
import { type Registry, pipelineNamed } from '../batch/registry';
import { oneRunPerTurn } from '../turns';

/** A pipeline run as a pool worker receives it (what runPipeline takes), or one step's run. */
export interface PoolTask extends RunOptions {
	input: unknown;
	/** Run only this step of the pipeline on the input (its debug with `debug`; flags are the pipeline's). */
	step?: string;
}

/**
 * What the API tells apart in a failed run, as plain data: class instances lose their class between
 * threads, and the API answers 400, 422, 503 or 500 by class (server/errors.ts).
 */
export type RunFailure =
	| { kind: 'input'; issues: Issue[] }
	| { kind: 'step'; step: string; cause: ErrorInfo; trace?: unknown[] }
	| { kind: 'load'; step?: string; cause: ErrorInfo }
	/** A step broke its own output contract (a bug of the step's). */
	| { kind: 'output'; step: string; issues: Issue[] }
	/** Anything else is a bug: its stack only ever reaches the server log. */
	| { kind: 'bug'; name: string; message: string; stack?: string };

/** A pool worker's answer to a task. */
export type PoolAnswer = { run: PipelineRun<AnyPipeline> } | { stepRun: StepRun<AnyStep> } | { failure: RunFailure };

/** What runPipeline threw, as data the server's thread can rebuild (errorOfFailure). */
export function describeFailure(error: unknown): RunFailure {
	if (error instanceof InputError) return { kind: 'input', issues: error.issues };
	if (error instanceof StepError)
		return { kind: 'step', step: error.step, cause: toErrorInfo(error.cause), ...(error.trace && { trace: error.trace }) };
	if (error instanceof LoadError)
		return { kind: 'load', ...(error.step && { step: error.step }), cause: toErrorInfo(error.cause) };
	if (error instanceof OutputError) return { kind: 'output', step: error.step, issues: error.issues };
	const { name, message } = toErrorInfo(error);
	return { kind: 'bug', name, message, ...(error instanceof Error && { stack: error.stack }) };
}

/** The error runPipeline threw in the worker, as the API's error mapping sees it. */
export function errorOfFailure(failure: RunFailure): Error {
	switch (failure.kind) {
		case 'input':
			return new InputError(failure.issues);
		case 'step':
			return new StepError(failure.step, Object.assign(new Error(failure.cause.message), failure.cause), failure.trace);
		case 'load':
			return new LoadError(failure.step, Object.assign(new Error(failure.cause.message), failure.cause));
		case 'output':
			return new OutputError(failure.step, failure.issues);
		case 'bug': {
			const error = new Error(failure.message);
			error.name = failure.name;
			error.stack = failure.stack;
			return error;
		}
	}
}

/** What a pool's workers are told when they start. */
export interface PoolSetup {
	poolPipeline: string;
}

/** Whether this thread is a pool's worker (not the server's thread, nor another library's worker). */
export function isPoolWorker(): boolean {
	return !isMainThread && typeof (workerData as Partial<PoolSetup> | null)?.poolPipeline === 'string';
}

/**
 * A pool worker's task function, once the pipeline its pool was opened for has loaded its models (a
 * failed load is reported by each run, which tries the load again).
 */
export async function poolWorker(registry: Registry): Promise<(task: PoolTask) => Promise<PoolAnswer>> {
	const pipeline = pipelineNamed(registry, (workerData as PoolSetup).poolPipeline);
	await pipeline.load().catch(() => {});
	// Piscina hands a worker many runs at once (see openPipelinePool): they start one per turn.
	const inTurn = oneRunPerTurn();
	const steps = new Map(pipeline.steps.map((step) => [step.name, step]));
	return async ({ input, flags, debug, step: stepName }) => {
		try {
			const step = stepName === undefined ? undefined : steps.get(stepName);
			if (stepName !== undefined && !step) throw new Error(`pipeline "${pipeline.name}" has no step "${stepName}"`);
			if (step) {
				const stepRun = await inTurn(async () => runStepForCaller(step, input, { debug }));
				if (debug) structuredClone(stepRun.debug);
				return { stepRun };
			}
			const run = await inTurn(() => runPipeline(pipeline, input, { flags, debug }));
			// Debug data is not checked against its schema: what cannot be copied to the server's thread
			// (a function, say) fails this run here instead of the worker, in piscina's postMessage.
			if (debug) structuredClone(run.trace);
			return { run };
		} catch (error) {
			return { failure: describeFailure(error) };
		}
	};
}
