import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';

/**
 * The server runs without ORIGIN here, as `npm start` does: a page's form must work from whatever name
 * the browser reached the machine by, over plain HTTP, and still be refused from another site.
 */

const baseUrl = new URL(inject('baseUrl'));

/** Posts the run page's form as a browser that reached the server as `host` sends it; answers the status. */
function postRunForm(host: string, origin: string, headers: Record<string, string> = {}): Promise<number> {
	const body = 'flags.unknown=1';
	return new Promise((resolve, reject) => {
		request(
			{
				hostname: baseUrl.hostname,
				port: baseUrl.port,
				path: '/?/run',
				method: 'POST',
				headers: {
					host,
					origin,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded',
					'content-length': Buffer.byteLength(body),
					...headers
				}
			},
			(response) => {
				response.resume();
				resolve(response.statusCode ?? 0);
			}
		)
			.on('error', reject)
			.end(body);
	});
}

describe('page forms over plain HTTP without ORIGIN', () => {
	it('run from any name of the machine', async () => {
		for (const host of [baseUrl.host, 'convince.lan:3000', '192.0.2.7:8080'])
			expect(await postRunForm(host, `http://${host}`), host).toBe(303);
	});

	it('are refused when posted from another site, whatever the client says its protocol is', async () => {
		expect(await postRunForm(baseUrl.host, 'http://evil.example')).toBe(403);
		expect(await postRunForm('convince.lan:3000', 'https://convince.lan:3000')).toBe(403);
		const claimsHttps = { 'x-convince-protocol': 'https', 'x-forwarded-proto': 'https' };
		expect(await postRunForm('convince.lan:3000', 'https://convince.lan:3000', claimsHttps)).toBe(403);
	});
});
