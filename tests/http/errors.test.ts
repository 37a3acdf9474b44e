import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { baseUrl, call, postJson } from './request';
import { withoutTimings } from './timings';

const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON body just over the default limit: valid JSON, so only its size is wrong. */
const oversized = JSON.stringify({ input: { text: 'a'.repeat(MAX_BODY_BYTES) } });

/** Streams a body without Content-Length (chunked), so the limit has to be enforced while reading. */
function streamed(text: string): RequestInit {
	const bytes = new TextEncoder().encode(text);
	const chunk = 64 * 1024;
	let offset = 0;
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (offset >= bytes.length) return controller.close();
			controller.enqueue(bytes.subarray(offset, (offset += chunk)));
		}
	});
	return { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit;
}

/** A HEAD request on a raw socket: fetch and node:http never read a body after HEAD, so only this sees one. */
async function rawHead(path: string): Promise<{ status: number; contentType: string | null; body: string }> {
	const { hostname, port } = new URL(baseUrl);
	const socket = connect(Number(port), hostname);
	socket.end(`HEAD ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
	let answer = '';
	for await (const chunk of socket) answer += String(chunk);
	const [head, ...rest] = answer.split('\r\n\r\n');
	return {
		status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
		contentType: /^content-type: (.*)$/im.exec(head)?.[1] ?? null,
		body: rest.join('\r\n\r\n')
	};
}

function expectApiError(body: unknown, code: string) {
	expect(body).toMatchObject({ code, message: expect.any(String) });
	expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/);
}

describe('REST errors', () => {
	it('400 names each wrong field with its path and message', async () => {
		const { status, body } = await postJson('/api/v1/pipeline', {
			input: { nope: 1 },
			flags: { unknownFlag: true },
			debug: 'yes'
		});
		expect(status).toBe(400);
		expectApiError(body, 'BAD_REQUEST');
		const paths = (body as { issues: { path: (string | number)[]; message: string }[] }).issues.map((i) => i.path.join('.'));
		expect(paths).toEqual(expect.arrayContaining(['flags', 'debug']));
		expect(paths.some((p) => p.startsWith('input'))).toBe(true);
	});

	it('400 for a misspelt key of the body, which would otherwise run on the defaults', async () => {
		const { status, body } = await postJson('/api/v1/pipeline', { input: {}, flag: {} });
		expect(status).toBe(400);
		expect((body as { issues: unknown[] }).issues).toContainEqual({
			path: [],
			message: expect.stringMatching(/Unrecognized key.*"flag"/)
		});
	});

	it("400 for a misspelt key of a step's input, which would otherwise run with the step's default", async () => {
		const { status, body } = await postJson('/api/v1/steps/similar', { input: { subject: 'Razor', body: 'razor', K: 1 } });
		expect(status).toBe(400);
		expect((body as { issues: unknown[] }).issues).toContainEqual({
			path: ['input'],
			message: expect.stringMatching(/Unrecognized key.*"K"/)
		});
	});

	it('400 for a body that is not JSON', async () => {
		const { status, body } = await call('/api/v1/pipeline', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"input": '
		});
		expect(status).toBe(400);
		expectApiError(body, 'PARSE_ERROR');
	});

	it('404 for unknown API paths and steps, as JSON', async () => {
		for (const path of ['/api/nope', '/api/v1/steps/noSuchStep', '/api/v1']) {
			const { status, body } = await call(path);
			expect(status, path).toBe(404);
			expectApiError(body, 'NOT_FOUND');
		}
	});

	it('reads a percent-encoded letter or digit in an API path as itself (RFC 3986)', async () => {
		expect((await call('/api/v1/h%65alth')).status).toBe(200);
		// A path parameter too: the test server has no runs, so run 1 is not found, where "%31" was no id at all (400).
		expect((await call('/api/v1/runs/%31')).status).toBe(404);
		const input = { input: { raw: 'Subject: Hi\n\nSee you at 10.' } };
		const plain = await postJson('/api/v1/steps/parse', input);
		const encoded = await postJson('/api/v1/steps/pars%65', input);
		expect(encoded.status).toBe(200);
		expect(withoutTimings(encoded.body)).toEqual(withoutTimings(plain.body));
	});

	it('400 as JSON for an API path that is not valid percent-encoding', async () => {
		for (const init of [{}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }]) {
			const { status, headers, body } = await call('/api/v1/runs/%zz', init);
			expect(status).toBe(400);
			expect(headers.get('content-type')).toBe('application/json');
			expectApiError(body, 'BAD_REQUEST');
		}
	});

	it('400 naming a path or query parameter the operation does not take, gets twice, or that writes a number otherwise than as a decimal', async () => {
		const cases = {
			'/api/v1/runs/1/items?bogus=1': ['bogus', 'Unknown query parameter'],
			'/api/v1/runs/1/items?toString=1': ['toString', 'Unknown query parameter'],
			'/api/v1/runs/1/items?limit=1&limit=2': ['limit', 'Given more than once: it takes one value'],
			'/api/v1/runs/1/items?limit=1e1': ['limit', 'Expected a decimal number, got "1e1"'],
			'/api/v1/runs/1/items?limit=0x5': ['limit', 'Expected a decimal number, got "0x5"'],
			'/api/v1/runs/1/items?offset=': ['offset', 'Expected a decimal number, got ""'],
			'/api/v1/runs/1e2': ['id', 'Expected a decimal number, got "1e2"']
		};
		for (const [path, [name, message]] of Object.entries(cases)) {
			const { status, body } = await call(path);
			expect(status, path).toBe(400);
			expect(body, path).toEqual({
				code: 'BAD_REQUEST',
				message: `Invalid input: ${name}: ${message}`,
				issues: [{ path: [name], message }]
			});
		}
		// Parameters as documented get as far as the run, which this server does not have.
		expect((await call('/api/v1/runs/1/items?limit=5&offset=0&filter=errors')).status).toBe(404);
		// An operation that takes nothing has nothing to misspell: a probe's cache-buster is let through.
		expect((await call('/api/v1/health?t=123')).status).toBe(200);
		expect((await call('/api/v1/health?constructor=1')).status).toBe(400);
	});

	it('answers an operation path with a trailing slash as without it, not with a redirect', async () => {
		const { status, body } = await postJson('/api/v1/steps/parse/', { input: { raw: 'Subject: Hi\n\nHello' } });
		expect(status).toBe(200);
		expect(body).toMatchObject({ output: { subject: 'Hi' } });
		expect((await call('/api/v1/health/')).status).toBe(200);
	});

	it('405 with Allow for a wrong method', async () => {
		const cases = [
			['GET', '/api/v1/pipeline', 'POST'],
			['DELETE', '/api/v1/health', 'GET, HEAD'],
			['POST', '/api/openapi.json', 'GET, HEAD']
		] as const;
		for (const [method, path, allow] of cases) {
			const { status, headers, body } = await call(path, { method });
			expect(status, `${method} ${path}`).toBe(405);
			expect(headers.get('allow')).toBe(allow);
			expectApiError(body, 'METHOD_NOT_SUPPORTED');
		}
	});

	it('HEAD answers as GET would, without a body', async () => {
		for (const path of ['/api/v1/health', '/api/v1/runs/999999', '/api/v1/pipeline']) {
			const get = await fetch(new URL(path, baseUrl));
			const head = await rawHead(path);
			expect([path, head.status, head.contentType]).toEqual([path, get.status, get.headers.get('content-type')]);
			expect(head.body, path).toBe('');
		}
	});

	it('413 for a body over the limit, declared or streamed', async () => {
		const declared = await call('/api/v1/pipeline', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: oversized
		});
		const chunked = await call('/api/v1/pipeline', streamed(oversized));
		for (const { status, body } of [declared, chunked]) {
			expect(status).toBe(413);
			expectApiError(body, 'PAYLOAD_TOO_LARGE');
			expect((body as { message: string }).message).toContain(String(MAX_BODY_BYTES));
		}
	});

	it('accepts a body above adapter-node’s own 512K default, below the API limit', async () => {
		const { status, body } = await postJson('/api/v1/pipeline', { input: { text: 'x'.repeat(700_000) } });
		// The pipeline's own schema may cap the text (400); what must not happen is the server's 512K cut (413).
		expect([200, 400], JSON.stringify(body).slice(0, 300)).toContain(status);
	});

	it('415 for a body that is not sent as JSON', async () => {
		for (const headers of [
			{ 'content-type': 'text/plain' },
			{ 'content-type': 'application/x-www-form-urlencoded' },
			// JSON is UTF-8 (RFC 8259): read as UTF-8, Latin-1 bytes would quietly become U+FFFD.
			{ 'content-type': 'application/json; charset=iso-8859-1' },
			{}
		] as Record<string, string>[]) {
			const { status, body } = await call('/api/v1/pipeline', { method: 'POST', headers, body: 'input=hello' });
			expect(status, JSON.stringify(headers)).toBe(415);
			expectApiError(body, 'UNSUPPORTED_MEDIA_TYPE');
		}
		// Latin-1 bytes sent as JSON: refused, not run with the "é" turned into U+FFFD.
		const latin1 = Buffer.from(JSON.stringify({ input: { subject: 'Café', body: 'Merci' } }), 'latin1');
		const { status, body } = await call('/api/v1/pipeline', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: latin1
		});
		expect(status).toBe(415);
		expectApiError(body, 'UNSUPPORTED_MEDIA_TYPE');
		expect((body as { message: string }).message).toMatch(/not valid UTF-8 \(byte 24\)/);
	});

	it('415 naming the Content-Encoding of a compressed body, rather than calling its bytes bad UTF-8, on REST and tRPC', async () => {
		const compressed = {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
			body: new Uint8Array(gzipSync(JSON.stringify({ input: { raw: 'Subject: Hi' } })))
		};
		const { status, body } = await call('/api/v1/pipeline', compressed);
		expect(status).toBe(415);
		expectApiError(body, 'UNSUPPORTED_MEDIA_TYPE');
		expect((body as { message: string }).message).toMatch(/Content-Encoding "gzip"/);
		const trpc = await call('/api/trpc/pipeline.run', compressed);
		expect(trpc.status).toBe(415);
		expect(JSON.stringify(trpc.body)).toMatch(/Send the body uncompressed: Content-Encoding \\"gzip\\" is not supported/);
	});
});

describe('early answers', () => {
	it('read the body first, so the connection serves the next request', async () => {
		const body = 'x'.repeat(900_000);
		// Answered before reading: tRPC's 415, the catch-all 404, REST's 415 (three in a row once reset the connection).
		for (const path of ['/api/trpc/pipeline.run', '/api/nope', '/api/v1/pipeline', '/api/trpc/pipeline.run', '/api/nope']) {
			const { status } = await call(path, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
			expect([404, 415], path).toContain(status);
		}
	});
});

describe('tRPC errors', () => {
	const trpc = (path: string, init?: RequestInit) => call(`/api/trpc/${path}`, init);
	const trpcError = (body: unknown) =>
		(body as { error: { json: { data: { code: string; httpStatus: number; issues?: unknown[] } } } }).error.json.data;

	it('answer with the same statuses as REST', async () => {
		const invalid = await postJson('/api/trpc/pipeline.run', { json: { input: { nope: 1 } } });
		expect([invalid.status, trpcError(invalid.body).code]).toEqual([400, 'BAD_REQUEST']);
		expect(trpcError(invalid.body).issues?.length).toBeGreaterThan(0);

		const missing = await trpc('noSuchProcedure');
		expect([missing.status, trpcError(missing.body).code]).toEqual([404, 'NOT_FOUND']);

		const wrongMethod = await trpc('pipeline.run');
		expect([wrongMethod.status, trpcError(wrongMethod.body).code]).toEqual([405, 'METHOD_NOT_SUPPORTED']);

		const tooLarge = await call('/api/trpc/pipeline.run', streamed(oversized));
		expect([tooLarge.status, trpcError(tooLarge.body).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);

		const notJson = await trpc('pipeline.run', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
		expect([notJson.status, trpcError(notJson.body).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);

		const latin1 = await trpc('pipeline.run', {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=iso-8859-1' },
			body: Buffer.from(JSON.stringify({ json: { input: { subject: 'Café' } } }), 'latin1')
		});
		expect([latin1.status, trpcError(latin1.body).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);

		// The test server runs with vitest's NODE_ENV ("test"), as `node server/serve.js` may be started.
		for (const { body } of [invalid, missing, wrongMethod, tooLarge, notJson, latin1])
			expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/);
	});
});

describe('pages of broken links', () => {
	it('answer with the status of what is wrong, and still say it beside the form', async () => {
		const examples = (await call('/api/v1/manifest')).body as { examples: unknown[] };
		for (const [path, status] of [
			['/', 200],
			[`/?example=${examples.examples.length}`, 404],
			['/?example=0&flags={oops', 400],
			['/steps/parse?example=999', 404],
			['/compare?example=0&a={"nope":1}&b={}', 400]
		] as const) {
			const response = await fetch(new URL(path, baseUrl));
			expect(response.status, path).toBe(status);
			expect(await response.text(), path).toMatch(/<form/);
		}
		// The client's data request reads the error from the data: it stays 200.
		expect((await fetch(new URL(`/__data.json?example=${examples.examples.length}`, baseUrl))).status).toBe(200);
	});

	it('of the batch runs say what is wrong in words and lead back to the runs', async () => {
		const response = await fetch(new URL('/runs/compare?a=1&b=2&offset=abc', baseUrl));
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain("This link's parameters are not valid: offset: Expected a number");
		expect(html).toMatch(/<a href="\/runs">All batch runs<\/a>/);
	});
});

describe('the server after all this', () => {
	it('is still healthy', async () => {
		const { status, body } = await call('/api/v1/health');
		expect(status).toBe(200);
		expect(body).toMatchObject({ ok: true });
		expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	});
});
