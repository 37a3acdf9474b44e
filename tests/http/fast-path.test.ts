import { TRPCClientError } from '@trpc/client';
import { connect } from 'node:net';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTrpcClient } from '../../clients/trpc';
import { apiError } from '../../server/http/results';
import { baseUrl, call, expectSameOnBothPaths, openApiDocument, operationsOf } from './request';
import { withoutTimings } from './timings';

const encoder = new TextEncoder();

/** Sends raw HTTP/1.1 text on a new connection; resolves with everything read until the server closes it (or goes quiet). */
async function rawExchange(text: string, { hangUp = false } = {}): Promise<string> {
	const { hostname, port } = new URL(baseUrl);
	const socket = connect(Number(port), hostname);
	await once(socket, 'connect');
	socket.write(text);
	if (hangUp) {
		socket.destroy();
		return '';
	}
	let read = '';
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => (read += chunk));
	socket.setTimeout(5000, () => socket.end());
	await once(socket, 'close');
	return read;
}

function rawPost(path: string, body: string, connection = 'keep-alive'): string {
	const length = Buffer.byteLength(body);
	return `POST ${path} HTTP/1.1\r\nHost: test\r\nConnection: ${connection}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`;
}

function post(path: string, body: string | Uint8Array<ArrayBuffer>, contentType: string, headers: Record<string, string> = {}) {
	return call(path, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

let bodyPaths: string[];
let pipelineExample: unknown;
let stepExamples: { path: string; value: unknown }[];

beforeAll(async () => {
	const operations = operationsOf(await openApiDocument()).filter((operation) => operation.method === 'post');
	bodyPaths = operations.map((operation) => `/api/v1${operation.path}`);
	pipelineExample = operations.find((operation) => operation.operationId === 'runPipeline')?.examples[0]?.value;
	stepExamples = operations
		.filter((operation) => operation.path.startsWith('/steps/'))
		.flatMap((operation) => operation.examples.slice(0, 1).map(({ value }) => ({ path: `/api/v1${operation.path}`, value })));
});

describe('the node fast path', () => {
	it('answers documented examples as SvelteKit does, on every operation with a JSON body', async () => {
		expect(pipelineExample).toBeDefined();
		const cases = [{ path: '/api/v1/pipeline', value: pipelineExample }, ...stepExamples];
		for (const { path, value } of cases) {
			for (const debug of [false, true]) {
				const body = JSON.stringify({ ...(value as object), debug });
				const fast = await expectSameOnBothPaths((type) => post(path, body, type));
				expect(fast.status, `${path}: ${JSON.stringify(fast.body).slice(0, 300)}`).toBe(200);
			}
		}
	});

	it('answers errors as SvelteKit does: bad JSON, no body, wrong fields, unknown flags', async () => {
		const wrong = [
			'{"input": ',
			'',
			'null',
			'[1, 2]',
			JSON.stringify({ input: { nope: 1 }, debug: 'yes' }),
			'{"__proto__": {"x": 1}, "input": 42}'
		];
		const cases = [
			...bodyPaths.flatMap((path) => wrong.map((body) => ({ path, body }))),
			{ path: '/api/v1/pipeline', body: JSON.stringify({ ...(pipelineExample as object), flags: { noSuchFlag: true } }) }
		];
		for (const { path, body } of cases) {
			const fast = await expectSameOnBothPaths((type) => post(path, body, type));
			expect(fast.status, `${path} ${body}`).toBe(400);
			expect(fast.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
			expect(JSON.stringify(fast.body)).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/);
			if (!body)
				expect(fast.body).toMatchObject({ message: expect.stringMatching(/^The request body is empty: send a JSON object/) });
		}
	});

	it('decodes bodies as the REST route does: a byte order mark dropped, bytes not UTF-8 refused, a query string', async () => {
		const json = JSON.stringify(pipelineExample);
		const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(json)]);
		const invalidUtf8 = new Uint8Array([
			...encoder.encode('{"input": {"text": "'),
			0xc0,
			0xff,
			0xed,
			0xa0,
			...encoder.encode('"}}')
		]);
		expect((await expectSameOnBothPaths((type) => post('/api/v1/pipeline', withBom, type))).status).toBe(200);
		const refused = await expectSameOnBothPaths((type) => post('/api/v1/pipeline', invalidUtf8, type));
		expect(refused).toMatchObject({
			status: 415,
			body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/not valid UTF-8 \(byte 20\)/) }
		});
		const queried = await expectSameOnBothPaths((type) => post('/api/v1/pipeline?debug=true', json, type));
		expect(queried.status).toBe(200);
	});

	it('answers as the tRPC endpoint, whose procedures share their definitions with it', async () => {
		const trpc = createTrpcClient({ baseUrl }) as unknown as Record<
			string,
			Record<string, { mutate: (input: unknown) => Promise<unknown> }>
		>;
		/** tRPC's answer from the procedure behind a REST path, as REST words it: the data, or the API's error body. */
		async function viaTrpc(path: string, body: unknown) {
			const [group, name] = path === '/api/v1/pipeline' ? ['pipeline', 'run'] : ['steps', path.split('/').pop() ?? ''];
			try {
				return { status: 200, body: withoutTimings(JSON.parse(JSON.stringify(await trpc[group][name].mutate(body)))) };
			} catch (error) {
				if (!(error instanceof TRPCClientError)) throw error;
				const { httpStatus, code, issues, step, trace } = error.data;
				return { status: httpStatus, body: withoutTimings(apiError(code, error.message, { issues, step, trace })) };
			}
		}
		const wrong = [null, [1, 2], { input: { nope: 1 }, debug: 'yes' }, { input: 42 }];
		const cases = [
			...[{ path: '/api/v1/pipeline', value: pipelineExample }, ...stepExamples].flatMap(({ path, value }) =>
				[false, true].map((debug) => ({ path, body: { ...(value as object), debug } }))
			),
			...bodyPaths.flatMap((path) => wrong.map((body) => ({ path, body }))),
			{ path: '/api/v1/pipeline', body: { ...(pipelineExample as object), flags: { noSuchFlag: true } } }
		];
		const statuses = new Set<number>();
		for (const { path, body } of cases) {
			const fast = await post(path, JSON.stringify(body), 'application/json');
			expect(fast.headers.get('content-length'), 'the fast path answered').not.toBeNull();
			expect({ status: fast.status, body: withoutTimings(fast.body) }, `${path} ${JSON.stringify(body)}`).toEqual(
				await viaTrpc(path, body)
			);
			statuses.add(fast.status);
		}
		expect([...statuses].sort()).toEqual([200, 400]);
	});

	it('answers requests that arrive together: pipelined ones in order, whoever hangs up before an answer', async () => {
		const [first, second] = stepExamples;
		const bodies = [first, second, first].map(({ value }) => JSON.stringify(value));
		const paths = [first, second, first].map(({ path }) => path);
		const pipelined = bodies.map((body, i) => rawPost(paths[i], body, i === bodies.length - 1 ? 'close' : 'keep-alive')).join('');
		const [answers] = await Promise.all([
			rawExchange(pipelined),
			...Array.from({ length: 5 }, () => rawExchange(rawPost(paths[1], bodies[1]), { hangUp: true }))
		]);
		const responses = answers.split(/(?=HTTP\/1\.1 )/);
		expect(responses.map((response) => response.slice(0, 15))).toEqual(Array(3).fill('HTTP/1.1 200 OK'));
		const expected = await Promise.all(bodies.map((body, i) => post(paths[i], body, 'application/json')));
		responses.forEach((response, i) => {
			const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
			expect(withoutTimings(body)).toEqual(withoutTimings(expected[i].body));
		});
		expect((await post(paths[0], bodies[0], 'application/json')).status).toBe(200);
	});
});
