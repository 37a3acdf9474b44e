import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { MAX_ADDRESS_CHARS } from '../schemas';

/** The CRM endpoint comes from the environment only: a request can never point the server elsewhere. */
const URL_ENV = 'CONVINCE_ENRICH_URL';
const MAX_ATTEMPTS = 2;
/** A CRM record is small; anything bigger is not one. */
const MAX_RESPONSE_CHARS = 1_000_000;

type AttemptResult = { ok: true; data: Record<string, unknown> } | { ok: false; error: string; retry: boolean };

function describeFailure(error: unknown, timeoutMs: number): string {
	if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
	// fetch reports network errors as "fetch failed" and puts the reason (ECONNREFUSED...) in `cause`.
	const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
	const code = (cause as { code?: unknown }).code;
	return `request failed: ${typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function attempt(url: URL, timeoutMs: number): Promise<AttemptResult> {
	let status: number;
	let body: string;
	try {
		// One deadline for the whole attempt: headers and body.
		const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
		status = response.status;
		body = await response.text();
	} catch (error) {
		return { ok: false, error: describeFailure(error, timeoutMs), retry: true };
	}
	if (status >= 500) return { ok: false, error: `the service answered HTTP ${status}`, retry: true };
	if (status >= 400) return { ok: false, error: `the service answered HTTP ${status}`, retry: false };
	if (body.length > MAX_RESPONSE_CHARS)
		return { ok: false, error: `the answer is larger than ${MAX_RESPONSE_CHARS} characters`, retry: false };
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch {
		return { ok: false, error: 'the answer is not JSON', retry: false };
	}
	return isPlainObject(data) ? { ok: true, data } : { ok: false, error: 'the answer is JSON but not an object', retry: false };
}

const attemptLogSchema = z.object({
	attempt: z.number().int(),
	outcome: z.string().describe('"ok" or what went wrong'),
	ms: z.number().describe('Duration of the attempt')
});
type AttemptLog = z.infer<typeof attemptLogSchema>;

const enrichOutputSchema = z.object({
	status: z.enum(['ok', 'failed', 'skipped']).describe(`skipped: no address, or ${URL_ENV} is not set`),
	data: z.record(z.string(), z.unknown()).nullable().describe('The CRM record (a JSON object) when status is ok'),
	error: z.string().nullable().describe('What went wrong when status is failed (or why it was skipped)'),
	attempts: z.number().int().min(0).max(MAX_ATTEMPTS).describe('Requests made')
});
type EnrichOutput = z.infer<typeof enrichOutputSchema>;

export const enrich = defineStep({
	name: 'enrich',
	description: `Looks the sender up in the CRM at ${URL_ENV} (GET ?email=...): one retry on network errors, timeouts and 5xx; failures are reported, never thrown.`,
	input: z.object({
		address: z.string().max(MAX_ADDRESS_CHARS).nullable().describe('Sender e-mail address; nothing is looked up when null'),
		timeoutMs: z.number().int().min(50).max(10_000).default(1_500).describe('Timeout of one attempt in milliseconds')
	}),
	output: enrichOutputSchema,
	debug: z.object({
		endpoint: z.string().nullable().describe('The configured service, without the query'),
		attempts: z.array(attemptLogSchema).meta(display.table(['attempt', 'outcome', 'ms']))
	}),
	examples: [{ address: 'ann.lee@example.com', timeoutMs: 1_500 }],
	async run({ address, timeoutMs }, { debug }) {
		const configured = process.env[URL_ENV];
		const url = configured && URL.canParse(configured) ? new URL(configured) : null;
		const log: AttemptLog[] = [];
		const finish = (output: EnrichOutput) => ({
			output,
			debug: debug ? { endpoint: url ? `${url.origin}${url.pathname}` : null, attempts: log } : undefined
		});
		if (!configured) return finish({ status: 'skipped', data: null, error: `${URL_ENV} is not set`, attempts: 0 });
		if (!address) return finish({ status: 'skipped', data: null, error: 'no sender address', attempts: 0 });
		if (!url) return finish({ status: 'failed', data: null, error: `${URL_ENV} is not a valid URL`, attempts: 0 });

		url.searchParams.set('email', address);
		let result: AttemptResult = { ok: false, error: 'not attempted', retry: true };
		let attempts = 0;
		while (attempts < MAX_ATTEMPTS && !result.ok && result.retry) {
			attempts++;
			const started = performance.now();
			result = await attempt(url, timeoutMs);
			if (debug) log.push({ attempt: attempts, outcome: result.ok ? 'ok' : result.error, ms: performance.now() - started });
		}
		return finish(
			result.ok
				? { status: 'ok', data: result.data, error: null, attempts }
				: { status: 'failed', data: null, error: result.error, attempts }
		);
	}
});
