import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { baseUrl, postJson } from './request';

interface RawResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** A GET whose body is read as sent (fetch would decode it and hide what came over the wire). */
function getRaw(path: string, acceptEncoding: string): Promise<RawResponse> {
	const url = new URL(path, baseUrl);
	return new Promise((resolve, reject) => {
		request(
			{ hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: { 'accept-encoding': acceptEncoding } },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) })
				);
			}
		)
			.on('error', reject)
			.end();
	});
}

describe('response compression', () => {
	it('gzips a page for a client that accepts it, and sends it plain to one that does not', async () => {
		const plain = await getRaw('/', 'identity');
		const gzipped = await getRaw('/', 'gzip');
		expect(plain.status).toBe(200);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(gzipped.headers['content-encoding']).toBe('gzip');
		expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
		expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
		// The page itself, not only its size: the decoded HTML starts as the plain one does.
		const html = gunzipSync(gzipped.body).toString('utf8');
		expect(html.slice(0, 200)).toBe(plain.body.toString('utf8').slice(0, 200));
	});

	it('compresses the API answers SvelteKit gives, such as the OpenAPI document', async () => {
		const response = await getRaw('/api/openapi.json', 'br, gzip');
		expect(response.headers['content-encoding']).toBe('br');
		expect(JSON.parse(brotliDecompressSync(response.body).toString('utf8')).openapi).toMatch(/^3\.1/);
	});

	it("leaves the REST fast path's answers as they are", async () => {
		const input = { raw: 'Subject: hi\n\nPlease review the invoice attached.' };
		const response = await postJson('/api/v1/pipeline', { input, debug: true }, { 'accept-encoding': 'gzip' });
		expect(response.status).toBe(200);
		// Large enough that the middleware would have compressed it (its threshold is 1 KB).
		expect(Number(response.headers.get('content-length'))).toBeGreaterThan(2048);
		expect(response.headers.get('content-encoding')).toBeNull();
		expect(response.headers.get('content-length')).not.toBeNull();
	});
});

describe('page headers', () => {
	it('keep other sites from framing a page, and browsers from guessing a file type', async () => {
		for (const path of ['/', '/runs']) {
			const { headers } = await getRaw(path, 'identity');
			expect(headers['x-frame-options'], path).toBe('DENY');
			expect(headers['x-content-type-options'], path).toBe('nosniff');
			expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
		}
	});
});
