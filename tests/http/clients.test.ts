import { TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { once } from 'node:events';
import { type Server, createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createRestClient } from '../../clients/rest';
import { createTrpcClient } from '../../clients/trpc';
import type { AppRouter } from '../../server/routers/_app';
import { baseUrl, call } from './request';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** The pipeline's first documented example, from the running server (whatever pipeline it serves). */
async function example(): Promise<Inputs['pipeline']['run']> {
	const { body } = await call('/api/v1/manifest');
	return { input: (body as Outputs['pipeline']['manifest']).examples[0].input as Inputs['pipeline']['run']['input'] };
}

describe('typed tRPC client', () => {
	const trpc = createTrpcClient({ baseUrl });

	it('runs the pipeline, a step and the manifest with the router types', async () => {
		const manifest = await trpc.pipeline.manifest.query();
		const run = await trpc.pipeline.run.mutate({ ...(await example()), debug: true });
		expectTypeOf(run).toEqualTypeOf<Outputs['pipeline']['run']>();
		expectTypeOf(trpc.steps).toHaveProperty(manifest.steps[0].name as keyof typeof trpc.steps);
		expect(run.timings.map((t) => t.step)).toEqual(expect.arrayContaining([manifest.steps[0].name]));
		expect(run.trace?.[0]).toMatchObject({ step: manifest.steps[0].name, status: 'ok' });
		const health = await trpc.health.query();
		expect(health.ok).toBe(true);
	});

	it('surfaces bad input as a typed client error with the field issues', async () => {
		const error = await trpc.pipeline.run.mutate({ input: { nope: true } as never }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TRPCClientError);
		const { data } = error as TRPCClientError<AppRouter>;
		expect(data?.code).toBe('BAD_REQUEST');
		expect(data?.issues?.[0].path[0]).toBe('input');
		// The message spells the issues out as REST's does, not as zod's JSON dump.
		expect((error as TRPCClientError<AppRouter>).message).toMatch(/^Invalid input: input(\.\w+)*: /);
	});
});

describe('typed REST client (openapi-fetch on the committed types)', () => {
	const rest = createRestClient({ baseUrl });

	it('calls the documented operations', async () => {
		const { data: manifest } = await rest.GET('/manifest');
		expect(manifest?.steps.length).toBeGreaterThan(0);
		const { data: run, response } = await rest.POST('/pipeline', { body: { ...(await example()), debug: false } });
		expect(response.status).toBe(200);
		expect(run?.output).toBeDefined();
		const { error } = await rest.POST('/pipeline', { body: { input: 42 } as never });
		expect(error).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: ['input'] }] });
	});
});

/** A reverse proxy serving the app under `prefix` only (as e.g. nginx's `location /convince/`), and 404 elsewhere. */
async function startPrefixProxy(prefix: string): Promise<{ url: string; paths: string[]; server: Server }> {
	const target = new URL(baseUrl);
	const paths: string[] = [];
	const server = createServer((request, response) => {
		const url = request.url ?? '';
		paths.push(url);
		if (!url.startsWith(`${prefix}/`)) return void response.writeHead(404).end();
		const upstream = { host: target.hostname, port: target.port, method: request.method, headers: request.headers };
		const proxied = forward({ ...upstream, path: url.slice(prefix.length) }, (answer) => {
			response.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(response);
		});
		request.pipe(proxied);
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`, paths, server };
}

describe('both clients behind a proxy with a path prefix', () => {
	let proxy: Awaited<ReturnType<typeof startPrefixProxy>>;
	beforeAll(async () => (proxy = await startPrefixProxy('/convince')));
	afterAll(() => proxy.server.close());

	it('keep the path of the base address, with or without a trailing slash', async () => {
		const { data, response } = await createRestClient({ baseUrl: proxy.url }).GET('/manifest');
		expect(response.status).toBe(200);
		expect(data?.steps.length).toBeGreaterThan(0);
		const health = await createTrpcClient({ baseUrl: `${proxy.url}/` }).health.query();
		expect(health.ok).toBe(true);
		expect(proxy.paths).toEqual(['/convince/api/v1/manifest', expect.stringMatching(/^\/convince\/api\/trpc\/health\b/)]);
	});
});
