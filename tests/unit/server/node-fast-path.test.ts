import { type IncomingMessage, type RequestOptions, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { createNodeFastPath } from '../../../server/http/node-fast-path';
import { createRestHandler } from '../../../server/http/rest';
import { type AnyPipeline, pipelines } from '../../../src/lib/pipeline';
import { withoutTimings } from '../../http/timings';
import { fragile } from './fragile';

const MAX_BODY_BYTES = 64 * 1024;
const API_KEY = 'k'.repeat(32);

interface Answer {
	/** Which handler answered: the fast path, or the fallback standing in for SvelteKit. */
	by: 'fast path' | 'fallback';
	status: number;
	contentType: string | undefined;
	body: unknown;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/**
 * A real node:http server as server/serve.js wires it: the fast path first, else a fallback that
 * checks the body is still unread and answers 299, so every test sees which one answered.
 */
async function serve(pipeline: AnyPipeline, apiKey?: string): Promise<string> {
	const fastPath = createNodeFastPath(createApp({ maxBodyBytes: MAX_BODY_BYTES, apiKey }, pipeline));
	server = createServer((request, response) => {
		if (fastPath(request, response)) return;
		let unread = 0;
		request.on('data', (chunk: Buffer) => (unread += chunk.length));
		request.on('end', () => response.writeHead(299, { 'x-unread-bytes': String(unread) }).end());
	});
	await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

async function send(url: string, init: RequestInit): Promise<Answer> {
	const response = await fetch(url, init);
	const text = await response.text();
	return {
		by: response.status === 299 ? 'fallback' : 'fast path',
		status: response.status,
		contentType: response.headers.get('content-type') ?? undefined,
		body: text ? withoutTimings(JSON.parse(text)) : undefined
	};
}

/** A request exactly as written (fetch would normalise the path and always frame the body its own way). */
function rawRequest(origin: string, options: RequestOptions, body?: string): Promise<IncomingMessage> {
	const { hostname, port } = new URL(origin);
	return new Promise((resolve, reject) => {
		const request = httpRequest({ ...options, host: hostname, port }, (response) => resolve(response.resume()));
		request.on('error', reject);
		request.end(body);
	});
}

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
	method: 'POST',
	headers: { 'content-type': 'application/json', ...headers },
	body: JSON.stringify(body)
});

/** The answer of SvelteKit's REST route (its handler, called with a Web Request) to the same request. */
async function restAnswer(pipeline: AnyPipeline, path: string, init: RequestInit, apiKey?: string) {
	const handle = createRestHandler(createApp({ maxBodyBytes: MAX_BODY_BYTES, apiKey }, pipeline));
	const response = await handle(new Request(`http://localhost${path}`, init));
	return {
		status: response.status,
		contentType: response.headers.get('content-type') ?? undefined,
		body: withoutTimings(await response.json())
	};
}

describe('the node fast path', () => {
	it('answers step failures (422) and bugs (500) as the REST route does, never with a stack', async () => {
		const origin = await serve(fragile);
		const cases = [
			['/api/v1/pipeline', { input: { text: 'boom' } }],
			['/api/v1/pipeline', { input: { text: 'boom' }, debug: true }],
			['/api/v1/steps/echo', { input: { text: 'boom' } }],
			['/api/v1/pipeline', { input: { text: 'x' }, flags: { crash: true } }],
			['/api/v1/steps/brokenOutput', { input: {} }],
			['/api/v1/steps/brokenDebug', { input: {}, debug: true }],
			['/api/v1/pipeline', { input: { text: 'x'.repeat(101) } }]
		] as const;
		for (const [path, body] of cases) {
			const { by, ...fast } = await send(origin + path, post(body));
			expect(by).toBe('fast path');
			expect(fast).toEqual(await restAnswer(fragile, path, post(body)));
			expect([400, 422, 500]).toContain(fast.status);
			expect(JSON.stringify(fast.body)).not.toMatch(/stack|\bat .+:\d+/);
			// A bug's own message stays in the log; a step failing on the input says why (422).
			if (fast.status === 500) expect(JSON.stringify(fast.body)).not.toContain('secret');
		}
	});

	it('checks the API key as the REST route does', async () => {
		const origin = await serve(pipelines.wordcount, API_KEY);
		const statuses: number[] = [];
		for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${API_KEY}` }] as Record<
			string,
			string
		>[]) {
			// Valid JSON, wrong input: 401 without the key, 400 with it (the key is checked before the input).
			const init = post({ input: { text: 42 } }, headers);
			const { by, ...fast } = await send(`${origin}/api/v1/pipeline`, init);
			expect(by).toBe('fast path');
			expect(fast).toEqual(await restAnswer(pipelines.wordcount, '/api/v1/pipeline', init, API_KEY));
			statuses.push(fast.status);
		}
		expect(statuses).toEqual([401, 401, 400]);
	});

	it('leaves every other request to SvelteKit with its body unread', async () => {
		const origin = await serve(pipelines.wordcount);
		const body = JSON.stringify({ input: { text: 'a b' } });
		const json = 'application/json';
		const cases: { method: string; path: string; type?: string; body?: string; chunked?: boolean }[] = [
			{ method: 'GET', path: '/api/v1/health' },
			{ method: 'GET', path: '/api/v1/pipeline' },
			{ method: 'HEAD', path: '/api/v1/pipeline' },
			{ method: 'PUT', path: '/api/v1/pipeline', type: json, body },
			{ method: 'POST', path: '/api/v1/pipeline', type: 'application/json; charset=utf-8', body },
			{ method: 'POST', path: '/api/v1/pipeline', type: 'text/plain', body },
			{ method: 'POST', path: '/api/v1/pipeline', body },
			{ method: 'POST', path: '/api/v1/pipeline', type: json, body, chunked: true },
			{ method: 'POST', path: '/api/v1/pipeline', type: json, body: 'x'.repeat(MAX_BODY_BYTES + 1) },
			{ method: 'POST', path: '/api/v1/pipeline/', type: json, body },
			{ method: 'POST', path: '/api/v1/./pipeline', type: json, body },
			{ method: 'POST', path: '/api/v1/%70ipeline', type: json, body },
			{ method: 'POST', path: '/api/v1/steps/noSuchStep', type: json, body },
			{ method: 'POST', path: '/api/trpc/pipeline.run', type: json, body }
		];
		for (const { method, path, type, body, chunked } of cases) {
			const headers: Record<string, string> = { ...(type && { 'content-type': type }) };
			if (body !== undefined)
				Object.assign(headers, chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) });
			const response = await rawRequest(origin, { method, path, headers }, body);
			const answer = [response.statusCode, response.headers['x-unread-bytes']];
			expect(answer, `${method} ${path} ${type}`).toEqual([299, String(body?.length ?? 0)]);
		}
	});

	it('survives a client that leaves in the middle of its body', async () => {
		const origin = new URL(await serve(pipelines.wordcount));
		await new Promise<void>((resolve) => {
			const request = httpRequest({
				host: origin.hostname,
				port: origin.port,
				path: '/api/v1/pipeline',
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': '1000' }
			});
			request.on('error', () => resolve());
			request.write('{"input": ', () => setTimeout(() => request.destroy(), 50));
		});
		const after = await send(`${origin.origin}/api/v1/pipeline`, post({ input: { text: 'a b' } }));
		expect([after.by, after.status]).toEqual(['fast path', 200]);
	});
});
