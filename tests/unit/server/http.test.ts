import { availableParallelism } from 'node:os';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createKeyCheck } from '../../../server/auth';
import { readConfig } from '../../../server/config';
import { limitRequestBody } from '../../../server/http/body';
import { parseJsonBytes } from '../../../server/http/results';
import { settleUnreadBody } from '../../../server/http/unread-body';
import { selectPipeline } from '../../../server/pipeline';
import { workerHeapMbFromEnv } from '../../../server/worker-limits';

/** A POST whose body arrives in chunks without Content-Length, as a chunked upload does. */
function chunkedRequest(chunks: number, chunkBytes: number): Request {
	let sent = 0;
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (sent++ === chunks) return controller.close();
			controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
		}
	});
	return new Request('http://localhost/api/v1/pipeline', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

describe('createKeyCheck', () => {
	it('accepts only the configured bearer key, and everything without a key', () => {
		const check = createKeyCheck('s3cret-key-with-length');
		expect(check('Bearer s3cret-key-with-length')).toBe(true);
		expect(check('bearer   s3cret-key-with-length ')).toBe(true);
		for (const header of [
			null,
			'',
			'Bearer',
			'Bearer s3cret',
			'Bearer s3cret-key-with-length2',
			's3cret-key-with-length',
			'Basic s3cret-key-with-length'
		]) {
			expect(check(header), String(header)).toBe(false);
		}
		expect(createKeyCheck(undefined)(null)).toBe(true);
	});
});

describe('readConfig', () => {
	it('has defaults, treats empty variables as unset and names a bad variable', () => {
		expect(readConfig({})).toEqual({
			maxBodyBytes: 1024 * 1024,
			apiKey: undefined,
			pipelineName: undefined,
			pipelineWorkers: Math.min(availableParallelism(), 4),
			workerHeapMb: 256
		});
		expect(readConfig({ CONVINCE_API_KEY: '', CONVINCE_MAX_BODY_BYTES: '2048' }).maxBodyBytes).toBe(2048);
		expect(readConfig({ CONVINCE_PIPELINE_WORKERS: '0' }).pipelineWorkers).toBe(0);
		expect(() => readConfig({ CONVINCE_MAX_BODY_BYTES: 'lots' })).toThrow(/CONVINCE_MAX_BODY_BYTES/);
		expect(() => readConfig({ CONVINCE_PIPELINE_WORKERS: '-1' })).toThrow(/CONVINCE_PIPELINE_WORKERS/);
		// Each worker loads the models: a thousand took the machine's memory.
		expect(() => readConfig({ CONVINCE_PIPELINE_WORKERS: '1000' })).toThrow(/CONVINCE_PIPELINE_WORKERS: at most 4 per core/);
		expect(() => readConfig({ CONVINCE_WORKER_HEAP_MB: 'lots' })).toThrow(/CONVINCE_WORKER_HEAP_MB/);
		expect(() => workerHeapMbFromEnv('-1')).toThrow(/CONVINCE_WORKER_HEAP_MB/);
		expect(workerHeapMbFromEnv('')).toBe(256);
		expect(() => readConfig({ CONVINCE_API_KEY: 'short' })).toThrow(/CONVINCE_API_KEY/);
	});

	it('rejects an unknown pipeline listing the known ones', () => {
		expect(() => selectPipeline('nope')).toThrow(/"nope".*known: .*wordcount/);
	});
});

describe('limitRequestBody', () => {
	it('passes a body within the limit through unchanged', async () => {
		expect((await limitRequestBody(chunkedRequest(4, 100), 400).arrayBuffer()).byteLength).toBe(400);
	});

	it('fails a streamed body once it passes the limit, and a declared one at once', async () => {
		const streamed = await limitRequestBody(chunkedRequest(5, 100), 400)
			.text()
			.catch((e: unknown) => e);
		expect(streamed).toBeInstanceOf(TRPCError);
		expect((streamed as TRPCError).code).toBe('PAYLOAD_TOO_LARGE');
		const declared = new Request('http://localhost/', {
			method: 'POST',
			body: 'x'.repeat(500),
			headers: { 'content-length': '500' }
		});
		await expect(limitRequestBody(declared, 400).text()).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
	});

	it('leaves a body alone whose declared length is within the limit (the HTTP layer holds it to that length)', () => {
		const request = new Request('http://localhost/', {
			method: 'POST',
			body: 'x'.repeat(300),
			headers: { 'content-length': '300' }
		});
		expect(limitRequestBody(request, 400)).toBe(request);
	});

	it('does not touch the body until a handler reads it', () => {
		const request = chunkedRequest(1, 10);
		limitRequestBody(request, 400);
		expect(request.body?.locked).toBe(false);
	});
});

describe('settleUnreadBody', () => {
	it('reads an unread body before answering, and closes the connection when it is too large to read', async () => {
		const small = chunkedRequest(3, 100);
		const answered = await settleUnreadBody(small, new Response('no', { status: 415 }), 400);
		expect([small.bodyUsed, answered.headers.get('connection')]).toEqual([true, null]);
		const large = await settleUnreadBody(chunkedRequest(10, 100), new Response('no', { status: 404 }), 400);
		expect(large.headers.get('connection')).toBe('close');
	});
});

describe('parseJsonBytes', () => {
	const utf8 = (text: string) => [...new TextEncoder().encode(text)];
	const refusal = (bytes: number[]) => {
		const parsed = parseJsonBytes(new Uint8Array(bytes));
		return parsed.ok ? undefined : parsed.result;
	};

	it('reads UTF-8 JSON, a byte order mark dropped', () => {
		expect(parseJsonBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":"é😀"}')]))).toEqual({ ok: true, value: { a: 'é😀' } });
	});

	it('refuses an empty body, which no operation takes, saying so', () => {
		for (const bytes of [new Uint8Array(), new Uint8Array(utf8(' \n'))])
			expect(parseJsonBytes(bytes)).toEqual({
				ok: false,
				result: { status: 400, body: { code: 'BAD_REQUEST', message: expect.stringMatching(/^The request body is empty/) } }
			});
	});

	it('refuses other bytes with 415, naming the first that is not part of a whole character', () => {
		expect(refusal([...utf8('"é'), 0xff, ...utf8('"')])).toEqual({
			status: 415,
			body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Request body is not valid UTF-8 (byte 3): send JSON as UTF-8' }
		});
		const at = (bytes: number[]) => /\(byte (\d+)\)/.exec(String((refusal(bytes)?.body as { message: string }).message))?.[1];
		expect(at([0xff])).toBe('0');
		// A character cut short, in the middle or at the end: its lead byte.
		expect(at([...utf8('"a'), 0xe2, 0x82, ...utf8('x"')])).toBe('2');
		expect(at([...utf8('"'), 0xf0, 0x9f, 0x98])).toBe('1');
		// Latin-1 "é" in a JSON string.
		expect(at([...utf8('{"s":"Caf'), 0xe9, ...utf8('"}')])).toBe('9');
	});
});
