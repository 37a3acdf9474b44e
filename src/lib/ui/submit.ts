import type { SubmitFunction } from '@sveltejs/kit';

/** What a debug form's submission is doing: its button says running, its error line says why it failed. */
export interface Submission {
	running: boolean;
	failure?: string;
}

function failureText(status: number | undefined, error: unknown): string {
	if (status === 413) return 'The input is larger than the server accepts (CONVINCE_MAX_BODY_BYTES, 1 MB by default).';
	// The server's error() arrives as a plain { message } object; a failed fetch as an Error.
	const message = (error as { message?: unknown } | undefined)?.message;
	const detail = typeof message === 'string' && message ? `: ${message}` : '';
	return `The server refused the form${status ? ` (HTTP ${status})` : ''}${detail}.`;
}

/**
 * Submits a debug form in place, keeping what was typed. When the request itself fails (a body over the
 * server's limit answers 413), the form stays as it was and says why, instead of the page giving way to
 * the error page and the input being lost. An answer that comes after the user has gone to another
 * page is dropped. `submission` is the page's $state.
 */
export function submitInPlace(submission: Submission): SubmitFunction {
	return () => {
		submission.running = true;
		submission.failure = undefined;
		const submittedAt = location.href;
		return async ({ result, update }) => {
			// Unless the user went to another page meanwhile (a sample, say), which the answer would replace.
			if (location.href === submittedAt) {
				if (result.type === 'error') submission.failure = failureText(result.status, result.error);
				else await update({ reset: false });
			}
			submission.running = false;
		};
	};
}
