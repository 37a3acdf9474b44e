import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { enrich } from '../../../src/lib/pipeline/triage/steps/enrich';

const ENV = 'CONVINCE_ENRICH_URL';

/** A small CRM stand-in: each path answers one way; every request is recorded. */
let server: Server;
let base: string;
let requests: URL[];
let flakyCalls: number;

function startCrm(): Promise<void> {
	server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', base);
		requests.push(url);
		const json = (status: number, body: unknown) =>
			res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
		switch (url.pathname) {
			case '/ok':
				return json(200, { email: url.searchParams.get('email'), customer: true, tier: 'gold' });
			case '/flaky':
				return ++flakyCalls === 1 ? json(500, { error: 'busy' }) : json(200, { customer: false });
			case '/down':
				return json(503, { error: 'maintenance' });
			case '/missing':
				return json(404, { error: 'no such customer' });
			case '/html':
				return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Login</html>');
			case '/array':
				return json(200, [1, 2, 3]);
			case '/hang':
				return; // never answers
		}
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			resolve();
		})
	);
}

const lookUp = (path: string, input: Record<string, unknown> = {}, debug = false) => {
	process.env[ENV] = `${base}${path}`;
	return runStep(enrich, { address: 'ann.lee@example.com', timeoutMs: 1_000, ...input }, { debug });
};

describe('enrich step against a real HTTP server', () => {
	const saved = process.env[ENV];
	beforeAll(startCrm);
	beforeEach(() => {
		requests = [];
		flakyCalls = 0;
	});
	afterEach(() => {
		if (saved === undefined) delete process.env[ENV];
		else process.env[ENV] = saved;
	});
	afterAll(() => {
		server.closeAllConnections();
		return new Promise<void>((resolve) => server.close(() => resolve()));
	});

	it('returns the JSON record, sending the address as the email query parameter', async () => {
		const { output } = await lookUp('/ok', { address: 'ann+news@example.com' });
		expect(output).toEqual({
			status: 'ok',
			data: { email: 'ann+news@example.com', customer: true, tier: 'gold' },
			error: null,
			attempts: 1
		});
		expect(requests).toHaveLength(1);
	});

	it('retries once after a 500 and then succeeds', async () => {
		const { output, debug } = await lookUp('/flaky', {}, true);
		expect(output).toEqual({ status: 'ok', data: { customer: false }, error: null, attempts: 2 });
		expect(debug?.attempts.map((a) => a.outcome)).toEqual(['the service answered HTTP 500', 'ok']);
		expect(debug?.endpoint).toBe(`${base}/flaky`);
	});

	it('gives up after one retry when the service keeps failing', async () => {
		const { output } = await lookUp('/down');
		expect(output).toEqual({ status: 'failed', data: null, error: 'the service answered HTTP 503', attempts: 2 });
		expect(requests).toHaveLength(2);
	});

	it('times out each attempt of a hanging service, retries once, and reports it', async () => {
		const { output } = await lookUp('/hang', { timeoutMs: 100 });
		expect(output).toEqual({ status: 'failed', data: null, error: 'no answer within 100 ms', attempts: 2 });
		expect(requests).toHaveLength(2);
	});

	it('does not retry answers that will not change: 4xx, non-JSON, JSON that is not an object', async () => {
		expect((await lookUp('/missing')).output).toMatchObject({
			status: 'failed',
			error: 'the service answered HTTP 404',
			attempts: 1
		});
		expect((await lookUp('/html')).output).toMatchObject({ status: 'failed', error: 'the answer is not JSON', attempts: 1 });
		expect((await lookUp('/array')).output).toMatchObject({
			status: 'failed',
			error: 'the answer is JSON but not an object',
			attempts: 1
		});
	});

	it('reports a refused connection after one retry', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		process.env[ENV] = `http://127.0.0.1:${port}/crm`;
		const { output } = await runStep(enrich, { address: 'ann@example.com', timeoutMs: 1_000 });
		expect(output).toEqual({ status: 'failed', data: null, error: 'request failed: ECONNREFUSED', attempts: 2 });
	});

	it('skips without a configured URL or without an address, and fails cleanly on a broken URL', async () => {
		delete process.env[ENV];
		expect((await runStep(enrich, { address: 'ann@example.com' })).output).toEqual({
			status: 'skipped',
			data: null,
			error: `${ENV} is not set`,
			attempts: 0
		});
		expect((await lookUp('/ok', { address: null })).output).toMatchObject({ status: 'skipped', error: 'no sender address' });
		process.env[ENV] = 'not a url';
		expect((await runStep(enrich, { address: 'ann@example.com' })).output).toMatchObject({ status: 'failed', attempts: 0 });
		expect(requests).toHaveLength(0);
	});

	it('cannot be pointed elsewhere by the request', async () => {
		const { output } = await lookUp('/ok', { url: 'http://169.254.169.254/latest/meta-data' });
		expect(output.status).toBe('ok');
		expect(requests.map((r) => r.pathname)).toEqual(['/ok']);
	});

	it('rejects bad input naming the field', async () => {
		const error = await runStep(enrich, { address: 'ann@example.com', timeoutMs: 10 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).issues[0].path).toEqual(['input', 'timeoutMs']);
		await expect(runStep(enrich, { address: 42 })).rejects.toThrow(/input\.address/);
	});
});
