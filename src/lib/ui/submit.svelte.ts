import type { SubmitFunction } from '@sveltejs/kit';
import { tick } from 'svelte';
import { page } from '$app/state';

/** What a debug form's submission is doing: its button says running, its error line says why it failed. */
export class Submission {
	/** The page the form was sent from, while its answer is awaited. */
	sentFrom = $state<string>();
	failure = $state<string>();

	/** Awaiting an answer for this page: not once the user has gone to another one, where it would be dropped. */
	get running(): boolean {
		return this.sentFrom !== undefined && this.sentFrom === page.url.href;
	}
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
 * page is dropped. `submission` is the page's own Submission. While `busy()` (by default, while the
 * form's answer is awaited) a submission is ignored: the buttons say so with `aria-disabled` rather than
 * `disabled`, which would take the keyboard focus off the button just pressed.
 */
export function submitInPlace(submission: Submission, busy = () => submission.running): SubmitFunction {
	return ({ formElement, submitter, cancel }) => {
		if (busy()) return cancel();
		submission.sentFrom = page.url.href;
		submission.failure = undefined;
		return async ({ result, update }) => {
			// Unless the user went to another page meanwhile (a sample, say), which the answer would replace.
			const stayed = submission.running;
			if (stayed) {
				if (result.type === 'error') submission.failure = failureText(result.status, result.error);
				else await update({ reset: false });
			}
			submission.sentFrom = undefined;
			if (stayed) await refocus(formElement, submitter);
		};
	};
}

/**
 * The answer's navigation puts the keyboard focus on the page's top: it goes back to the submit button,
 * or to the first field the answer marks invalid. Not when the user has focused something else meanwhile.
 */
async function refocus(form: HTMLFormElement, submitter: HTMLElement | null): Promise<void> {
	await tick();
	if (document.activeElement && document.activeElement !== document.body) return;
	const target = form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? submitter;
	if (target?.isConnected) target.focus();
}
