import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

	it('names the bearer scheme on every 401 (RFC 9110), REST fast path, SvelteKit path and tRPC', async () => {
		const answers = [
			await call('/api/v1/health', {}, keyed.baseUrl),
			await postJson('/api/v1/pipeline', { input: {} }, {}, keyed.baseUrl),
			await postJson('/api/v1/pipeline', { input: {} }, { 'content-type': 'application/json; charset=utf-8' }, keyed.baseUrl),
			await call('/api/trpc/pipeline.manifest', {}, keyed.baseUrl)
		];
		for (const { status, headers } of answers) {
			expect(status).toBe(401);
			expect(headers.get('www-authenticate')).toBe('Bearer realm="convince"');
		}
	});

	it('checks the key on HEAD as on GET', async () => {
		expect((await fetch(new URL('/api/v1/runs', keyed.baseUrl), { method: 'HEAD' })).status).toBe(401);
		const keyedHead = await fetch(new URL('/api/v1/runs', keyed.baseUrl), { method: 'HEAD', headers: bearer(apiKey) });
		expect(keyedHead.status).toBe(200);
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

	it('checks the key before anything else under /api/v1: a stranger learns no path, method or media type', async () => {
		const json = { 'content-type': 'application/json' };
		const strangers = [
			call('/api/v1/nope', {}, keyed.baseUrl),
			call('/api/v1/pipeline', {}, keyed.baseUrl),
			call('/api/v1/pipeline', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }, keyed.baseUrl),
			call('/api/v1/pipeline', { method: 'POST', headers: json, body: '{"input": ' }, keyed.baseUrl),
			call('/api/v1/pipeline', { method: 'POST', headers: json, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, keyed.baseUrl),
			call('/api/v1/runs/1/items?filter=nope', {}, keyed.baseUrl)
		];
		for (const { status, body } of await Promise.all(strangers)) {
			expect(status, JSON.stringify(body)).toBe(401);
			expect(body).toMatchObject({ code: 'UNAUTHORIZED' });
		}
		// With the key, the same requests get their own answers.
		const known = await call('/api/v1/nope', { headers: bearer(apiKey) }, keyed.baseUrl);
		expect(known.status).toBe(404);
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

describe('pages with CONVINCE_API_KEY set', () => {
	const page = (path: string, init: RequestInit = {}) =>
		fetch(new URL(path, keyed.baseUrl), { redirect: 'manual', ...init, headers: { accept: 'text/html', ...init.headers } });
	const form = (fields: Record<string, string>) => {
		const body = new FormData();
		for (const [name, value] of Object.entries(fields)) body.set(name, value);
		return body;
	};
	const signIn = (key: string, next = '/runs') =>
		page('/signin?/in', { method: 'POST', headers: { origin: keyed.baseUrl }, body: form({ key, next }) });

	it('sends anyone not signed in to the sign-in page, for pages, page data, forms and report files', async () => {
		for (const [path, init, back] of [
			['/runs?sort=name', {}, '/runs?sort=name'],
			['/', { method: 'POST', headers: { origin: keyed.baseUrl }, body: form({ 'input.raw': 'hi' }) }, '/'],
			// A download would leave the browser on the sign-in form: its run's page links it.
			['/runs/1/items.csv', {}, '/runs/1'],
			['/no-such-page', {}, '/no-such-page']
		] as const) {
			const response = await page(path, init);
			expect([path, response.status, response.headers.get('location')]).toEqual([
				path,
				303,
				`/signin?next=${encodeURIComponent(back)}`
			]);
		}
		// A client-side navigation asks for the page's data: SvelteKit's own redirect answer, no run data.
		const data = await page('/runs/__data.json', { headers: { accept: '*/*' } });
		expect(await data.json()).toEqual({ type: 'redirect', location: '/signin?next=%2Fruns' });
	});

	it('keeps the API docs and the sign-in page open', async () => {
		for (const path of ['/docs', '/signin', '/api/openapi.json']) expect([path, (await page(path)).status]).toEqual([path, 200]);
	});

	it('signs in with the API key only, into an HttpOnly cookie that opens the pages but not the API', async () => {
		const refused = await signIn('wrong-key-0123456789abcdef');
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('That is not the API key this server was started with.');
		expect(refused.headers.get('set-cookie')).toBeNull();

		const signedIn = await signIn(apiKey, '//elsewhere.example/');
		expect(signedIn.status).toBe(303);
		expect(signedIn.headers.get('location')).toBe('/');
		const setCookie = signedIn.headers.get('set-cookie') ?? '';
		expect(setCookie).toMatch(/^convince_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
		expect(setCookie).not.toContain(apiKey);
		const cookie = setCookie.split(';')[0];

		expect((await page('/runs', { headers: { cookie } })).status).toBe(200);
		// Signed in, the sign-in page sends straight on: never to another site, dot segments and all.
		const onward = await page(`/signin?next=${encodeURIComponent('/.//evil.example')}`, { headers: { cookie } });
		expect([onward.status, onward.headers.get('location')]).toEqual([303, '/']);
		expect((await page('/runs', { headers: { cookie: `${cookie}x` } })).status).toBe(303);
		expect((await call('/api/v1/health', { headers: { cookie } }, keyed.baseUrl)).status).toBe(401);

		const signedOut = await page('/signin?/out', { method: 'POST', headers: { origin: keyed.baseUrl, cookie }, body: form({}) });
		expect(signedOut.headers.get('location')).toBe('/signin');
		// Deleted with the attributes it was set with: a Secure deletion over plain HTTP would be dropped.
		expect(signedOut.headers.get('set-cookie')).toMatch(/^convince_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/);
	});
});

/** Starts the production server with these settings; answers its exit code and what it printed on stderr. */
async function failedStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
	const server = spawn(process.execPath, ['server/serve.js', inject('buildDir')], {
		// A key, so that the only line on stderr is not the warning that the server runs open.
		env: { ...process.env, CONVINCE_API_KEY: 'a-key-long-enough-to-start', PORT: '0', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stderr = '';
	server.stderr.on('data', (chunk) => (stderr += chunk));
	const [code] = await once(server, 'exit');
	return { code, stderr: stderr.trim() };
}

describe('a setting the server cannot work with', () => {
	it('stops start-up with one line naming it, no stack trace', async () => {
		const notAFolder = path.join(mkdtempSync(path.join(tmpdir(), 'convince-start-')), 'file');
		writeFileSync(notAFolder, '');
		const busy = createServer().listen(0, '127.0.0.1');
		await once(busy, 'listening');
		const busyPort = String((busy.address() as AddressInfo).port);
		try {
			const cases: [Record<string, string>, string | RegExp][] = [
				[{ CONVINCE_API_KEY: 'short' }, 'Invalid server environment: CONVINCE_API_KEY: use at least 16 characters'],
				// A passphrase, or a key file's trailing newline: it would start, then refuse every bearer call.
				[
					{ CONVINCE_API_KEY: 'correct horse battery staple' },
					'Invalid server environment: CONVINCE_API_KEY: use printable ASCII without spaces or line breaks'
				],
				[{ CONVINCE_PIPELINE: 'nope' }, /^CONVINCE_PIPELINE="nope" is not a registered pipeline; known: .*triage/],
				[{ CONVINCE_DB: path.join(notAFolder, 'runs.db') }, /^CONVINCE_DB: the database .*file\/runs\.db cannot be opened: /],
				[{ PORT: 'abc' }, 'PORT must be a port number, got "abc"'],
				[
					{ PORT: busyPort, HOST: '127.0.0.1' },
					`127.0.0.1:${busyPort} is in use: another server listens there (set PORT to another one)`
				]
			];
			for (const [env, expected] of cases) {
				const { code, stderr } = await failedStart(env);
				expect(code, JSON.stringify(env)).toBe(1);
				expect(stderr.split('\n'), JSON.stringify(env)).toHaveLength(1);
				const line = stderr.replace(/^\[convince\] /, '');
				if (typeof expected === 'string') expect(line).toBe(expected);
				else expect(line).toMatch(expected);
			}
		} finally {
			busy.close();
		}
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
