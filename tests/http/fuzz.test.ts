import fc from 'fast-check';
import type { OpenAPIObject } from 'trpc-to-openapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, openApiDocument, operationsOf, postJson } from './request';

let document: OpenAPIObject;
let bodyPaths: string[];
let example: unknown;

beforeAll(async () => {
	document = await openApiDocument();
	const operations = operationsOf(document);
	bodyPaths = operations.filter((o) => o.method === 'post').map((o) => `/api/v1${o.path}`);
	example = operations.find((o) => o.operationId === 'runPipeline')?.examples[0]?.value;
});

const encoder = new TextEncoder();

/** A request body that prints as a short preview when fast-check reports it (some are a megabyte). */
interface Payload {
	kind: string;
	bytes: string | Uint8Array<ArrayBuffer>;
}
const payload =
	(kind: string) =>
	(bytes: string | Uint8Array<ArrayBuffer>): Payload =>
		({
			kind,
			bytes,
			[fc.toStringMethod]: () =>
				`${kind} (${bytes.length} units): ${String(typeof bytes === 'string' ? bytes : [...bytes.slice(0, 40)]).slice(0, 120)}`
		}) as Payload;

/** Bytes that are not UTF-8 at all: lone continuation bytes, overlong forms, surrogates, 0xFF. */
const invalidUtf8 = fc
	.array(fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xed, 0xa0, 0xf5, 0xff, 0xfe), { minLength: 1, maxLength: 16 })
	.map((bad) => new Uint8Array([...encoder.encode('{"input": {"text": "'), ...bad, ...encoder.encode('"}}')]))
	.map(payload('invalid UTF-8'));

const deepNesting = fc
	.tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('[]', '{}'))
	.map(([depth, kind]) => {
		const open = kind === '[]' ? '[' : '{"a":';
		const close = kind === '[]' ? ']' : '}';
		return `{"input": ${open.repeat(depth)}1${close.repeat(depth)}, "debug": true}`;
	})
	.map(payload('deep nesting'));

const pollution = fc
	.constantFrom(
		'{"__proto__": {"polluted": true}, "input": {"text": "x"}}',
		'{"input": {"__proto__": {"text": "x"}, "constructor": {"prototype": {"polluted": true}}}}',
		'{"input": {"text": "x"}, "flags": {"__proto__": {"debug": true}}, "debug": true}',
		'{"constructor": {"prototype": {"polluted": true}}, "input": {"raw": "x"}}'
	)
	.map(payload('prototype pollution'));

/** The documented example with one field replaced by something of any JSON type. */
const wrongTypes = fc
	.tuple(fc.constantFrom('input', 'flags', 'debug'), fc.jsonValue())
	.map(([key, value]) => JSON.stringify({ ...(example as object), [key]: value }))
	.map(payload('wrong type'));

/** Around the 1 MB limit, in multi-byte characters too. */
const hugeString = fc
	.integer({ min: 100_000, max: 1_100_000 })
	.map((length) => JSON.stringify({ input: { text: 'é'.repeat(length / 4), raw: 'x'.repeat(length / 2) } }))
	.map(payload('huge strings'));

const body = fc.oneof(
	fc
		.jsonValue()
		.map((value) => JSON.stringify(value))
		.map(payload('random JSON')),
	fc.string({ unit: 'binary' }).map(payload('random text')),
	wrongTypes,
	pollution,
	deepNesting,
	hugeString,
	invalidUtf8
);

const contentType = fc.constantFrom(
	'application/json',
	'application/json; charset=utf-8',
	'text/plain',
	'application/octet-stream',
	'multipart/form-data; boundary=x'
);

describe('random and malformed requests', () => {
	it('never get a 5xx from a REST operation', async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...bodyPaths), body, contentType, async (path, sent, type) => {
				const { status, body: answer } = await call(path, {
					method: 'POST',
					headers: { 'content-type': type },
					body: sent.bytes
				});
				expect(status, JSON.stringify(answer).slice(0, 300)).toBeLessThan(500);
				if (status >= 400) expect(answer).toMatchObject({ code: expect.any(String), message: expect.any(String) });
			}),
			{ numRuns: 150 }
		);
	});

	it('never get a 5xx from tRPC', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom('pipeline.run', 'steps.' + (bodyPaths[1] ?? '').split('/').pop()),
				body,
				async (procedure, sent) => {
					const wrapped = typeof sent.bytes === 'string' ? `{"json": ${sent.bytes}}` : sent.bytes;
					const { status } = await call(`/api/trpc/${procedure}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: wrapped
					});
					expect(status).toBeLessThan(500);
				}
			),
			{ numRuns: 80 }
		);
	});

	it('never get a 5xx from query strings on GET operations', async () => {
		const getPaths = Object.keys(document.paths ?? {}).filter((path) => document.paths?.[path]?.get && !path.includes('{'));
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...getPaths), fc.dictionary(fc.string(), fc.string()), async (path, query) => {
				const { status } = await call(`/api/v1${path}?${new URLSearchParams(query)}`);
				expect(status).toBeLessThan(500);
			}),
			{ numRuns: 60 }
		);
	});

	it('leave the server healthy and answering as before', async () => {
		const { status, body: health } = await call('/api/v1/health');
		expect([status, (health as { ok: boolean }).ok]).toEqual([200, true]);
		const again = await postJson('/api/v1/pipeline', example);
		expect(again.status).toBe(200);
		expect(JSON.stringify(again.body)).not.toContain('polluted');
		expect(baseUrl).toBeTruthy();
	});
});
