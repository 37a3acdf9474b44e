import { describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { createRestHandler } from '../../../server/http/rest';
import { InputError, pipelines, runPipeline } from '../../../src/lib/pipeline';
import { fragile } from './fragile';

const config = { maxBodyBytes: 1024 * 1024 };

/** The REST handler of a server serving `pipeline`, called with plain Requests (the HTTP tests cover the socket). */
function restFor(pipeline: typeof fragile | typeof pipelines.wordcount, apiKey?: string) {
	const handle = createRestHandler(createApp({ ...config, apiKey }, pipeline));
	return async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
		const init: RequestInit =
			body === undefined
				? {}
				: { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
		if (body === undefined) init.headers = headers;
		const response = await handle(new Request(`http://localhost/api/v1${path}`, init));
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};
}

describe('REST handler', () => {
	it('answers 400, not 500, to query parameters named like Object.prototype members (found by the fuzzer)', async () => {
		const rest = restFor(pipelines.wordcount);
		for (const name of ['toString', 'constructor', '__proto__']) {
			const { status, body } = await rest(`/runs/compare?a=1&b=2&${name}=x`);
			expect(status).toBe(400);
			expect(body).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: [name] }] });
		}
	});

	it('says a run id is missing or malformed, not that zod received NaN', async () => {
		const rest = restFor(pipelines.wordcount);
		for (const path of ['/runs/compare?a=1', '/runs/abc', '/runs/compare?a=1&b=two']) {
			const { status, body } = await rest(path);
			expect([path, status]).toEqual([path, 400]);
			expect(body.message, path).toMatch(/: Give a run id \(a positive integer\)$/);
		}
	});

	it('answers 422 naming the failing step, with the trace only in debug mode', async () => {
		const rest = restFor(fragile);
		const plain = await rest('/pipeline', { input: { text: 'boom' } });
		expect(plain).toEqual({
			status: 422,
			body: { code: 'UNPROCESSABLE_CONTENT', message: expect.stringContaining('echo'), step: 'echo' }
		});
		const traced = await rest('/pipeline', { input: { text: 'boom' }, debug: true });
		expect(traced.status).toBe(422);
		expect(traced.body.trace).toMatchObject([{ step: 'echo', status: 'error', error: { name: 'Error' } }]);
		expect((await rest('/steps/echo', { input: { text: 'boom' } })).body).toMatchObject({
			code: 'UNPROCESSABLE_CONTENT',
			step: 'echo'
		});
	});

	it('answers 500 with a generic message for bugs, without stack or internal detail', async () => {
		const rest = restFor(fragile);
		for (const [path, body] of [
			['/pipeline', { input: { text: 'x' }, flags: { crash: true } }],
			['/steps/brokenOutput', { input: {} }]
		] as const) {
			const response = await rest(path, body);
			expect(response).toEqual({ status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
		}
	});

	it('rejects booleans and numbers sent as strings instead of coercing them', async () => {
		const rest = restFor(pipelines.wordcount);
		const response = await rest('/pipeline', {
			input: { text: 'a b c' },
			flags: { verdict: 'false', threshold: '2' },
			debug: 'false'
		});
		expect(response.status).toBe(400);
		expect((response.body.issues as { path: string[] }[]).map((i) => i.path.join('.')).sort()).toEqual([
			'debug',
			'flags.threshold',
			'flags.verdict'
		]);
		// The pipeline's own schemas stay strict for the kit and the batch runner in the same process.
		await expect(runPipeline(pipelines.wordcount, { text: 'a' }, { flags: { verdict: 'false' } })).rejects.toBeInstanceOf(
			InputError
		);
	});

	it('requires the API key on every operation when one is configured', async () => {
		const rest = restFor(pipelines.wordcount, 'k'.repeat(32));
		expect((await rest('/health')).status).toBe(401);
		expect((await rest('/pipeline', { input: { text: 'a' } })).body).toMatchObject({ code: 'UNAUTHORIZED' });
		expect((await rest('/pipeline', { input: { text: 'a' } }, { authorization: `Bearer ${'k'.repeat(32)}` })).status).toBe(200);
	});
});
