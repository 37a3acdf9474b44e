import { TRPCError } from '@trpc/server';
import { createServerCaller } from '$server/app';
import { errorDetails, logInternalError } from '$server/errors';
import {
	type AnyPipeline,
	type AnyStep,
	type Issue,
	type Manifest,
	type PipelineRun,
	type StepRun,
	type TraceEntry,
	StepError,
	toErrorInfo
} from '$lib/pipeline';

/**
 * The pages' only way to the pipeline: the in-process tRPC caller (no HTTP hop, no API key), with its
 * errors turned into plain data a page can show beside the field or step they concern.
 */

/** Why a call gave no result, in words for the page. */
export interface PageError {
	kind: 'input' | 'step' | 'notFound' | 'server';
	message: string;
	issues?: Issue[];
	/** The step that failed, and the trace up to it (debug runs). */
	step?: string;
	trace?: TraceEntry[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PageError };

type PipelineRunResult = PipelineRun<AnyPipeline>;
type StepRunResult = StepRun<AnyStep>;

/**
 * The caller is typed for the default pipeline (`AppRouter`), while a server serves whichever pipeline
 * `CONVINCE_PIPELINE` names; the pages work from the manifest, so they see it through plain shapes.
 */
export interface PageCaller {
	pipeline: {
		run(request: { input: unknown; flags?: unknown; debug: boolean }): Promise<PipelineRunResult>;
		manifest(): Promise<Manifest>;
	};
	steps: Record<string, (request: { input: unknown; debug: boolean }) => Promise<StepRunResult>>;
	samples: ReturnType<typeof createServerCaller>['samples'];
	inputs: ReturnType<typeof createServerCaller>['inputs'];
}

export function pageCaller(): PageCaller {
	return createServerCaller() as unknown as PageCaller;
}

/** What bad input was wrong in, by its issues' paths: a step has no flags to blame. */
function invalidWhat(issues: Issue[] = []): string {
	const parts = new Set(issues.map((issue) => (issue.path[0] === 'flags' ? 'flags' : 'input')));
	if (parts.size === 2) return 'The input and the flags are not valid.';
	return parts.has('flags') ? 'The flags are not valid.' : 'The input is not valid.';
}

export function toPageError(error: unknown, path?: string): PageError {
	if (!(error instanceof TRPCError)) {
		console.error(`[pages] ${path ?? 'call'} failed:`, error);
		return { kind: 'server', message: 'Internal server error' };
	}
	const { issues, step, trace } = errorDetails(error);
	switch (error.code) {
		case 'BAD_REQUEST':
			return { kind: 'input', message: invalidWhat(issues), issues };
		case 'UNPROCESSABLE_CONTENT': {
			// The pages title the failure with its step: the message is its cause's, not StepError's "Step … failed: …".
			const message = error.cause instanceof StepError ? toErrorInfo(error.cause.cause).message : error.message;
			return { kind: 'step', message, step, trace: trace as TraceEntry[] | undefined };
		}
		case 'NOT_FOUND':
			return { kind: 'notFound', message: error.message };
		case 'SERVICE_UNAVAILABLE':
			// Models that did not load: the message names the step, the log has the cause.
			logInternalError({ error, path });
			return { kind: 'server', message: error.message };
		default:
			logInternalError({ error, path });
			// The pages are for the people who build and review the pipeline: this bug is theirs to see.
			// By name: from a pipeline worker it comes back as a plain Error.
			if (error.cause instanceof Error && error.cause.name === 'PipelineOutputError')
				return { kind: 'server', message: error.cause.message };
			return { kind: 'server', message: 'Internal server error' };
	}
}

/** The HTTP status of a form action that failed this way. */
export function failureStatus(error: PageError): number {
	return { input: 400, notFound: 404, step: 422, server: 500 }[error.kind];
}

/**
 * Gives the page of a broken link (bad parameters, an unknown example, sample or saved input) the status
 * of its error, as the API would answer: the page still says what is wrong beside the form, and link
 * checkers and scripts see the 400 or 404. A run that failed at a step is a result, shown with 200.
 */
export function withLinkStatus<T extends { error?: PageError }>(locals: App.Locals, data: T): T {
	if (data.error && data.error.kind !== 'step') locals.pageStatus = failureStatus(data.error);
	return data;
}

/** Runs a call, keeping its failure as data instead of an exception. */
export async function attempt<T>(path: string, call: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await call() };
	} catch (error) {
		return { ok: false, error: toPageError(error, path) };
	}
}

/** The manifest as pages receive it: example inputs (whole emails) stay on the server, their names travel. */
export function pageManifest(manifest: Manifest): Manifest {
	return { ...manifest, examples: manifest.examples.map(({ name }) => ({ name, input: undefined })) };
}
