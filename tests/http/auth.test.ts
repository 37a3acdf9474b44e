import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TestServer, startTestServer } from '../setup/server';
import { baseUrl, call, expectSameOnBothPaths, postJson } from './request';

const apiKey = 'test-key-0123456789abcdef';
let keyed: TestServer;

beforeAll(async () => {
	keyed = await startTestServer({ buildDir: inject('buildDir'), env: { CONVINCE_API_KEY: apiKey } });
});
afterAll(() => keyed?.stop());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('with CONVINCE_API_KEY set', () => {
	it('rejects REST and tRPC calls without the key or with a wrong one (401)', async () => {
		for (const headers of [{}, bearer('wrong-key-0123456789abcdef'), bearer(`${apiKey}x`), { authorization: apiKey }]) {
			const rest = await postJson('/api/v1/pipeline', { input: {} }, headers, keyed.baseUrl);
			expect(rest.status).toBe(401);
			expect(rest.body).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('Bearer') });
			const health = await call('/api/v1/health', { headers }, keyed.baseUrl);
			expect(health.status).toBe(401);
			const trpc = await call('/api/trpc/pipeline.manifest', { headers }, keyed.baseUrl);
			expect(trpc.status).toBe(401);
		}
	});

	it('answers with the key, on REST and tRPC', async () => {
		expect((await call('/api/v1/health', { headers: bearer(apiKey) }, keyed.baseUrl)).status).toBe(200);
		expect((await call('/api/v1/manifest', { headers: { authorization: `bearer  ${apiKey}` } }, keyed.baseUrl)).status).toBe(200);
		expect((await call('/api/trpc/pipeline.manifest', { headers: bearer(apiKey) }, keyed.baseUrl)).status).toBe(200);
	});

	it('checks the key the same way on the REST fast path and through SvelteKit', async () => {
		const statuses: number[] = [];
		for (const headers of [{}, bearer('wrong-key-0123456789abcdef'), bearer(apiKey)]) {
			const answer = await expectSameOnBothPaths((type) =>
				call(
					'/api/v1/pipeline',
					{ method: 'POST', headers: { 'content-type': type, ...headers }, body: '{"input": 42}' },
					keyed.baseUrl
				)
			);
			statuses.push(answer.status);
		}
		expect(statuses).toEqual([401, 401, 400]);
	});

	it('checks the key before reading the input', async () => {
		const { status } = await postJson('/api/v1/pipeline', { input: { wrong: true } }, {}, keyed.baseUrl);
		expect(status).toBe(401);
	});

	it('still serves the OpenAPI document, which declares the bearer scheme', async () => {
		const { status, body } = await call('/api/openapi.json', {}, keyed.baseUrl);
		expect(status).toBe(200);
		expect(body).toMatchObject({ components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } } });
	});

	it('does not print the open-server warning', () => {
		expect(keyed.output()).not.toContain('CONVINCE_API_KEY is not set');
	});
});

describe('without a key', () => {
	it('runs open', async () => {
		expect((await call('/api/v1/health')).status).toBe(200);
		expect((await call('/api/trpc/pipeline.manifest')).status).toBe(200);
		expect(baseUrl).not.toBe(keyed.baseUrl);
	});

	it('says so once at start-up', async () => {
		const open = await startTestServer({ buildDir: inject('buildDir') });
		try {
			await call('/api/v1/health', {}, open.baseUrl);
			expect(open.output().match(/CONVINCE_API_KEY is not set/g)).toHaveLength(1);
		} finally {
			await open.stop();
		}
	});
});
