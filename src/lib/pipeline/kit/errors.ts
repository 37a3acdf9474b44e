import type { z } from 'zod';

/** One problem with a value, located by its path from the root of what the caller sent. */
export interface Issue {
	path: (string | number)[];
	message: string;
}

/**
 * A field's message as a person reads it. zod words a missing field as a type mismatch, and text that
 * is no number as NaN received, and opens its type messages with "Invalid input: ", which the error's
 * own "Invalid input: " would repeat.
 */
function issueMessage(message: string): string {
	const missing = /^Invalid input: expected (.+), received undefined$/.exec(message);
	if (missing) return `Required: expected ${missing[1]}`;
	// A query parameter's text read as a number: "NaN" is not what the caller sent.
	if (/^Invalid input: expected number, received NaN$/.test(message)) return 'Expected a number';
	return message.replace(/^Invalid input: /, '');
}

/**
 * Bounds on what an error repeats of the request: 80,000 unknown keys, or one key of 900 KB, made a
 * 2 MB answer that quoted them twice (its message and its issues). The first issues say what is wrong.
 */
const MAX_ISSUES = 20;
const MAX_MESSAGE_CHARS = 300;
const MAX_KEY_CHARS = 100;

const clipped = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

export function issuesFromZod(error: z.ZodError, prefix: (string | number)[] = []): Issue[] {
	const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => ({
		path: [...prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : clipped(String(p), MAX_KEY_CHARS)))],
		message: clipped(issueMessage(issue.message), MAX_MESSAGE_CHARS)
	}));
	const unlisted = error.issues.length - issues.length;
	return unlisted ? [...issues, { path: prefix, message: `and ${unlisted} more issue${unlisted === 1 ? '' : 's'}` }] : issues;
}

export function formatIssues(issues: Issue[]): string {
	return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** The caller sent something the schema rejects: a client error, never a bug. */
export class InputError extends Error {
	override readonly name = 'InputError';
	constructor(readonly issues: Issue[]) {
		super(`Invalid input: ${formatIssues(issues)}`);
	}
}

/** A step threw, or returned something its own output schema rejects, while running inside a pipeline. */
export class StepError extends Error {
	override readonly name = 'StepError';
	constructor(
		readonly step: string,
		readonly cause: unknown,
		/** The trace up to and including the failing step; present when the run was in debug mode. */
		readonly trace?: unknown[]
	) {
		// An OutputError names the step already. By name: one rebuilt from a worker thread is a plain Error.
		const message = cause instanceof Error ? cause.message : String(cause);
		super(cause instanceof Error && cause.name === 'OutputError' ? message : `Step "${step}" failed: ${message}`);
	}
}

/**
 * The pipeline's own `run` returned an output its output schema rejects: a bug in the composition, not
 * in the caller's input nor in one step, so the server answers 500 and logs it.
 */
export class PipelineOutputError extends Error {
	override readonly name = 'PipelineOutputError';
	constructor(
		readonly pipeline: string,
		readonly issues: Issue[],
		/** Every step's entry, all having run; present when the run was in debug mode. */
		readonly trace?: unknown[]
	) {
		super(`Pipeline "${pipeline}" returned an output its output schema rejects: ${formatIssues(issues)}`);
	}
}

/** A step broke its own contract (its output does not match its output schema): a bug in the step. */
export class OutputError extends Error {
	override readonly name = 'OutputError';
	constructor(
		readonly step: string,
		readonly issues: Issue[]
	) {
		super(`Step "${step}" returned an invalid output: ${formatIssues(issues)}`);
	}
}

/**
 * A step's models or data did not load (a file missing, say): the server cannot run it whatever the
 * input, so it is never the caller's fault.
 */
export class LoadError extends Error {
	override readonly name = 'LoadError';
	constructor(
		/** The step that could not load; absent when the pipeline's own load failed. */
		readonly step: string | undefined,
		readonly cause: unknown
	) {
		super(`${loadSubject(step)} could not load: ${cause instanceof Error ? cause.message : String(cause)}`);
	}

	/** What could not load, for messages: `Step "similar"`, or `The pipeline`. */
	get what(): string {
		return loadSubject(this.step);
	}
}

function loadSubject(step: string | undefined): string {
	return step ? `Step "${step}"` : 'The pipeline';
}
