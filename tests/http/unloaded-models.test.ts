import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb } from '../../db/client';
import { encodeRunItem, saveRunItems } from '../../db/queries/items';
import { createRun } from '../../db/queries/runs';
import { type TestServer, startTestServer } from '../setup/server';
import { call, postJson } from './request';

/** Triage served from an empty model folder: the server's fault, never the caller's. */

const emptyArtifacts = mkdtempSync(path.join(tmpdir(), 'convince-no-models-'));
const scratch = mkdtempSync(path.join(tmpdir(), 'convince-no-models-runs-'));
let server: TestServer;

/** Two stored runs (blocklist off, then on) over one mail whose outcome changed: something to explain. */
function storeTwoRuns(dbFile: string): void {
	const dataset = path.join(scratch, 'mails.jsonl');
	writeFileSync(dataset, JSON.stringify({ id: 'lunch', input: { subject: 'Hello', body: 'Lunch at noon?' } }) + '\n');
	const db = openDb(dbFile);
	for (const [blocklist, decision] of [
		[false, 'deliver'],
		[true, 'review']
	] as const) {
		const now = new Date();
		const run = createRun(db, {
			name: `blocklist ${blocklist ? 'on' : 'off'}`,
			status: 'done',
			startedAt: now,
			endedAt: now,
			pipeline: 'triage',
			pipelineVersion: '1.0.0',
			gitCommit: 'unknown',
			flags: { blocklist },
			datasetName: dataset,
			datasetPath: dataset,
			datasetHash: '-',
			itemsTotal: 1,
			itemsDone: 1
		});
		const item = { itemId: 'lunch', line: 1, label: null, output: { decision }, score: null, correct: null, error: null };
		saveRunItems(db, run.id, [encodeRunItem({ ...item, durationMs: 1, timings: [] })], now);
	}
	db.$client.close();
}

beforeAll(async () => {
	const dbFile = path.join(scratch, 'runs.db');
	storeTwoRuns(dbFile);
	server = await startTestServer({
		buildDir: inject('buildDir'),
		env: { CONVINCE_PIPELINE: 'triage', CONVINCE_ARTIFACTS: emptyArtifacts, CONVINCE_DB: dbFile },
		healthy: false
	});
});
afterAll(async () => {
	await server?.stop();
	rmSync(emptyArtifacts, { recursive: true, force: true });
	rmSync(scratch, { recursive: true, force: true });
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
		// Logged whole once, when the load failed: each refused request adds a line, not another stack.
		const before = server.output().length;
		await postJson('/api/v1/steps/blocklist', { input: { senderDomain: 'example.com' } }, {}, server.baseUrl);
		await expect.poll(() => server.output().slice(before)).toMatch(/\[api\] steps\.blocklist answered 503: .+\n/);
		expect(server.output().slice(before)).not.toMatch(/\n\s+at /);
	});

	it('cannot explain a changed item, and says why with a 503 rather than comparing two failures', async () => {
		for (const url of ['/api/v1/runs/explain?a=1&b=2&item=lunch', '/api/v1/runs/explain-changes?a=1&b=2']) {
			const answer = await call(url, {}, server.baseUrl);
			expect(answer.status, `${url}: ${JSON.stringify(answer.body)}`).toBe(503);
			expect(answer.body, url).toEqual({
				code: 'SERVICE_UNAVAILABLE',
				message: expect.stringMatching(/^(The pipeline|Step "\w+") is not available: its models did not load/)
			});
			expect(JSON.stringify(answer.body)).not.toContain(emptyArtifacts);
		}
		// The comparison page, which explains in-process, says the same in place of the explanation.
		const page = await fetch(new URL('/runs/compare?a=1&b=2&explain=lunch', server.baseUrl));
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toMatch(/is not available: its models did not load/);
		expect(html).not.toContain(emptyArtifacts);
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
