import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TestServer, startTestServer } from '../setup/server';
import { call, postJson } from './request';

/** Triage served from an empty model folder: the server's fault, never the caller's. */

const emptyArtifacts = mkdtempSync(path.join(tmpdir(), 'convince-no-models-'));
let server: TestServer;

beforeAll(async () => {
	server = await startTestServer({
		buildDir: inject('buildDir'),
		env: { CONVINCE_PIPELINE: 'triage', CONVINCE_ARTIFACTS: emptyArtifacts },
		healthy: false
	});
});
afterAll(async () => {
	await server?.stop();
	rmSync(emptyArtifacts, { recursive: true, force: true });
});

describe('a server whose models did not load', () => {
	it('answers 503 naming the step, not the missing file, which only its log shows', async () => {
		const step = await postJson('/api/v1/steps/blocklist', { input: { senderDomain: 'example.com' } }, {}, server.baseUrl);
		expect(step.status).toBe(503);
		expect(step.body).toEqual({
			code: 'SERVICE_UNAVAILABLE',
			message: 'Step "blocklist" is not available: its models did not load on the server (its log says why)'
		});
		const run = await postJson('/api/v1/pipeline', { input: { subject: 'Hello', body: 'Lunch at noon?' } }, {}, server.baseUrl);
		expect(run.status).toBe(503);
		expect(run.body).toMatchObject({
			code: 'SERVICE_UNAVAILABLE',
			message: expect.stringMatching(/^Step "\w+" is not available/)
		});
		for (const body of [step.body, run.body]) expect(JSON.stringify(body)).not.toContain(emptyArtifacts);
		expect(server.output()).toContain(`${path.join(emptyArtifacts, 'blocklist.json')} is missing`);
	});

	it('still runs the steps that need no model', async () => {
		const parsed = await postJson('/api/v1/steps/parse', { input: { raw: 'Subject: Hi\n\nHello' } }, {}, server.baseUrl);
		expect(parsed.status).toBe(200);
	});

	it('says so on the debug page too, where reviewers run mails', async () => {
		const form = new FormData();
		form.set('input.raw', 'Subject: Hello\n\nLunch at noon?');
		const page = await fetch(new URL('/?/run', server.baseUrl), {
			method: 'POST',
			headers: { origin: server.baseUrl, accept: 'text/html' },
			body: form
		});
		const html = await page.text();
		expect(html).toMatch(
			/Step &quot;\w+&quot; is not available: its models did not load on the server|Step "\w+" is not available/
		);
		expect(html).not.toContain(emptyArtifacts);
	});

	it('says so in its health check with a 503, for probes that read only the status', async () => {
		const health = await call('/api/v1/health', {}, server.baseUrl);
		expect(health.status).toBe(503);
		expect(health.body).toMatchObject({
			ok: false,
			models: {
				loaded: false,
				// Every step that reads a trained model, not only the first to fail.
				error: 'Steps "spam", "blocklist", "route" and "similar" could not load their models (the server log says why)'
			}
		});
		// The document says so: the same body as a 200, not the API's error shape.
		const { body: document } = await call('/api/openapi.json', {}, server.baseUrl);
		const responses = (document as { paths: Record<string, { get: { responses: Record<string, { content: unknown }> } }> }).paths[
			'/health'
		].get.responses;
		expect(responses[503].content).toEqual(responses[200].content);
		// Probes retry the load; its cause is logged once until the models load, not at every probe.
		await call('/api/v1/health', {}, server.baseUrl);
		expect(server.output().match(/the models did not load/g)).toHaveLength(1);
	});
});
