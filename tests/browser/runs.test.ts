import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Db, openDb } from '../../db/client';
import { createRun, updateRun } from '../../db/queries/runs';
import { startBatch } from '../../server/batch/runner';
import { type TestServer, startTestServer } from '../setup/server';
import { type WatchedPage, openBrowser, screenshot, watchedPage } from './browser';
import { HOSTILE_TEXT, WORDCOUNT_DATASET } from './fixtures';

/**
 * The batch-run pages against the production build, over a database of real runs: two wordcount runs
 * that differ in one flag, and one still running (this process plays its batch, so it is alive).
 */

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-runs-pages-'));
// Outside the project: the debug page opens files there only when a stored run used them.
const dataset = path.join(scratch, 'runs-pages.jsonl');
const HOSTILE_ID = `<img src=x onerror="window.__pwned = 'id'">`;
let db: Db;
let server: TestServer;
let chromium: Browser;
let running: number;

beforeAll(async () => {
	const extra = [
		{ id: HOSTILE_ID, input: { text: HOSTILE_TEXT }, label: { long: false } },
		{ id: 'bad', input: { text: 3 }, label: { long: false } }
	];
	writeFileSync(
		dataset,
		readFileSync(WORDCOUNT_DATASET, 'utf8').trimEnd() + '\n' + extra.map((line) => JSON.stringify(line)).join('\n') + '\n'
	);
	db = openDb(path.join(scratch, 'runs.db'));
	const reportsDir = path.join(scratch, 'reports');
	await startBatch({ db, pipeline: 'wordcount', dataset, name: 'baseline', reportsDir });
	await startBatch({ db, pipeline: 'wordcount', dataset, name: 'strict', flags: { threshold: 10 }, reportsDir });
	running = createRun(db, {
		name: 'in progress',
		status: 'running',
		startedAt: new Date(),
		pipeline: 'wordcount',
		pipelineVersion: '1.0.0',
		gitCommit: 'unknown',
		flags: {},
		datasetName: dataset,
		datasetPath: dataset,
		datasetHash: '-',
		itemsTotal: 10,
		itemsDone: 1,
		host: hostname(),
		pid: process.pid,
		heartbeatAt: new Date()
	}).id;
	server = await startTestServer({
		buildDir: inject('buildDir'),
		env: {
			CONVINCE_DB: path.join(scratch, 'runs.db'),
			CONVINCE_REPORTS: reportsDir,
			CONVINCE_PIPELINE: 'wordcount',
			CONVINCE_DATASETS: dataset
		}
	});
	chromium = await openBrowser();
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
	db?.$client.close();
	rmSync(scratch, { recursive: true, force: true });
});

async function expectClean(watched: WatchedPage) {
	await watched.page.waitForLoadState('networkidle');
	expect(await watched.page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
	expect(watched.dialogs).toEqual([]);
	expect(watched.errors).toEqual([]);
}

describe('/runs', () => {
	it('lists every run, sorts by a column, shows live progress, and opens the comparison of two ticked runs', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${server.baseUrl}/runs`);
		const names = () => page.locator('tbody tr td:nth-child(3)').allInnerTexts();
		expect(await names()).toEqual(['in progress', 'strict', 'baseline']);
		// What sets each run apart: its flags not at their defaults.
		expect(await page.locator('tbody tr td.flags').allInnerTexts()).toEqual(['defaults', 'threshold=10', 'defaults']);

		await page.getByRole('link', { name: 'Name' }).click();
		await page.waitForURL(/sort=name&order=asc/);
		expect(await names()).toEqual(['baseline', 'in progress', 'strict']);
		expect(await page.locator('th[aria-sort=ascending]').innerText()).toContain('Name');
		// The order is in the address: a run's page and Back keep it.
		await page.getByRole('link', { name: 'strict' }).click();
		await page.waitForURL(/\/runs\/2$/);
		await page.goBack();
		await page.waitForURL(/\/runs\?sort=name&order=asc$/);
		await expect.poll(names).toEqual(['baseline', 'in progress', 'strict']);

		const progress = page.getByRole('progressbar', { name: `Run ${running} progress` });
		expect(await progress.getAttribute('value')).toBe('1');
		updateRun(db, running, { itemsDone: 7, heartbeatAt: new Date() });
		await expect.poll(() => progress.getAttribute('value'), { timeout: 10_000 }).toBe('7');
		const stage = page.getByText('computing metrics, writing the report');
		// A malformed line counts as handled; the items' end starts the metrics and report stage.
		updateRun(db, running, { itemsDone: 9, datasetProblems: [{ line: 4, message: 'not valid JSON' }], heartbeatAt: new Date() });
		await expect.poll(() => progress.getAttribute('value'), { timeout: 10_000 }).toBe('10');
		expect(await stage.count()).toBe(0);
		updateRun(db, running, { itemsEndedAt: new Date(), heartbeatAt: new Date() });
		await expect.poll(() => stage.count(), { timeout: 10_000 }).toBe(1);

		await page.getByRole('checkbox', { name: /baseline/ }).check();
		await page.getByRole('checkbox', { name: /strict/ }).check();
		await page.getByRole('button', { name: 'Compare selected' }).click();
		await page.waitForURL(/\/runs\/compare\?a=1&b=2$/);
		await expectClean(watched);
		await page.context().close();
	});

	it('sorts and compares two runs without JavaScript, keeping a lone tick the server refused', async () => {
		const watched = await watchedPage(chromium, { javaScriptEnabled: false });
		const { page } = watched;
		await page.goto(`${server.baseUrl}/runs`);
		await page.getByRole('link', { name: 'Name' }).click();
		await page.waitForURL(/sort=name&order=asc/);
		await page.getByRole('link', { name: 'Name' }).click();
		await page.waitForURL(/sort=name&order=desc/);
		expect(await page.locator('tbody tr td:nth-child(3)').allInnerTexts()).toEqual(['strict', 'in progress', 'baseline']);
		await page.getByRole('checkbox', { name: /baseline/ }).check();
		await page.getByRole('button', { name: 'Compare selected' }).click();
		await page.waitForURL(/\/runs\?run=1$/);
		expect(await page.getByRole('alert').innerText()).toContain('1 ticked');
		expect(await page.getByRole('checkbox', { name: /baseline/ }).isChecked()).toBe(true);
		await page.getByRole('checkbox', { name: /strict/ }).check();
		await page.getByRole('button', { name: 'Compare selected' }).click();
		await page.waitForURL(/\/runs\/compare\?a=1&b=2$/);
		// A hand-edited address: what is not a run id is not a tick.
		await page.goto(`${server.baseUrl}/runs?run=abc&run=1`);
		expect(await page.getByRole('alert').innerText()).toContain('1 ticked');
		await page.context().close();
	});

	it('keeps filters chosen but not yet applied while a running run refreshes', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		updateRun(db, running, { itemsDone: 2, datasetProblems: [], itemsEndedAt: null, heartbeatAt: new Date() });
		await page.goto(`${server.baseUrl}/runs/${running}`);
		await page.waitForLoadState('networkidle');
		// Said once, beside the progress: the facts below leave it out.
		expect(await page.locator('.badge', { hasText: 'running' }).count()).toBe(1);
		const show = page.getByLabel('Show');
		await show.selectOption('errors');
		const progress = page.getByRole('progressbar', { name: 'Progress' });
		expect(await progress.getAttribute('value')).toBe('2');
		updateRun(db, running, { itemsDone: 5, heartbeatAt: new Date() });
		await expect.poll(() => progress.getAttribute('value'), { timeout: 10_000 }).toBe('5');
		expect(await show.inputValue()).toBe('errors');
		await expectClean(watched);
		await page.context().close();
	});
});

describe('/runs/compare', () => {
	it('shows the flag change, metric deltas and changed items, and explains one at its first differing step', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${server.baseUrl}/runs/compare?a=1&b=2`);
		expect(await page.locator('#differences + ul').innerText()).toMatch(/threshold: 5 → 10/);
		// Each run's flags read as named fields.
		expect(await page.locator('section[aria-labelledby=run-b] .fields > li').allInnerTexts()).toContain('threshold 10');
		const accuracy = page.locator('tr', { has: page.locator('code', { hasText: /^accuracy$/ }) });
		expect(await accuracy.locator('.verdict').innerText()).toMatch(/better|worse|same/);
		// A time's change in its unit, and in the direction the verdict reads however small it is; within
		// the timing noise (hundredths of a millisecond here) the verdict is "same" whatever the change, and
		// "incomparable" when other processes kept the machine busy (as other test files do, in parallel).
		const latency = page.locator('tr', { has: page.locator('code', { hasText: /^latency\./ }) }).first();
		const [change, verdict] = await Promise.all([
			latency.locator('td').nth(2).innerText(),
			latency.locator('.verdict').innerText()
		]);
		expect(change).toMatch(verdict === 'worse' || verdict === 'better' ? /^[+-]<?\d[\d.]* ms$/ : /^(0|[+-]<?\d[\d.]* ms)$/);

		const rose = page.locator('tbody tr', { hasText: 'rose' });
		expect(await rose.innerText()).toMatch(/Right to wrong/);
		// Each output shows the field the two differ in, by name, and the rest unfolds.
		const outputs = await Promise.all(
			[3, 4].map((column) => rose.locator('td').nth(column).locator('.fields > li').allInnerTexts())
		);
		expect(outputs.map((fields) => fields.join(' | ')).sort()).toEqual(['long no', 'long yes']);
		await rose.locator('td').nth(3).getByText('all fields').click();
		expect(await rose.locator('td').nth(3).locator('details').innerText()).toMatch(/words[^]*distinct[^]*long/);
		// Which step each change comes from, over all the changed items.
		await page.getByRole('link', { name: 'Find the step behind each change' }).click();
		await page.waitForURL(/why=1/);
		const why = page.locator('#why table tbody tr');
		expect(await why.count()).toBeGreaterThan(0);
		expect(await why.first().innerText()).toMatch(/^verdict\s+\d+\s+\S/);
		await rose.getByRole('link', { name: 'Explain' }).click();
		await page.locator('#explain').waitFor();
		expect(await page.locator('#explain').innerText()).toMatch(/first step whose output differs is verdict/);
		// Its output changed: the note for a difference that stays inside the steps is not there.
		expect(await page.locator('#explain').innerText()).not.toMatch(/final output is the same/);
		await screenshot(page, 'runs-compare');
		// Another kind of change leaves the explained item behind.
		expect(await page.getByRole('link', { name: /^Other changes/ }).getAttribute('href')).not.toMatch(/explain=/);
		await expectClean(watched);

		// A run still going says so beside its partial numbers, without a duration it does not have yet.
		await page.goto(`${server.baseUrl}/runs/compare?a=1&b=${running}`);
		const runB = await page.locator('section[aria-labelledby=run-b]').innerText();
		expect(runB).toMatch(/Status\s+running/);
		expect(runB).not.toMatch(/ran 0/);
		await page.context().close();
	});
});

describe('/runs/<id>', () => {
	it('shows metrics and the latency chart, filters items, and opens an item in the debug page with the run flags', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${server.baseUrl}/runs/2`);
		expect(await page.locator('#metrics ~ div table').innerText()).toMatch(/accuracy/);
		expect(await page.getByRole('img', { name: /milliseconds per item, by step/i }).count()).toBe(1);
		expect(await page.locator('details', { hasText: 'malformed dataset lines' }).innerText()).toMatch(/1 malformed/);
		expect(await page.locator('tbody tr', { hasText: 'window.__pwned' }).count()).toBe(1);
		// Outputs, labels and scores read as named fields, not JSON.
		const firstRow = page.locator('#items ~ .scroll tbody tr').first();
		expect(await firstRow.locator('td').nth(3).locator('.fields > li').allInnerTexts()).toEqual([
			expect.stringMatching(/^words \d+$/),
			expect.stringMatching(/^distinct \d+$/),
			expect.stringMatching(/^long (yes|no)$/)
		]);
		expect(await firstRow.locator('td').nth(4).locator('.fields > li').allInnerTexts()).toEqual([
			expect.stringMatching(/^long (yes|no)$/)
		]);
		// Shown whole, an output has nothing more to unfold.
		expect(await firstRow.getByText('all fields').count()).toBe(0);

		await page.getByLabel('Show').selectOption('errors');
		await page.getByRole('button', { name: 'Filter' }).click();
		await page.waitForURL(/filter=errors/);
		// The keyboard stays where it was, not back at the top of the page.
		await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Filter');
		const rows = page.locator('#items ~ .scroll tbody tr');
		expect(await rows.count()).toBe(1);
		expect(await rows.innerText()).toMatch(/bad[^]*input\.text/);

		// Slowest first: the Time column only falls down the page.
		await page.getByLabel('Show').selectOption('all');
		await page.getByLabel('order').selectOption('slowest');
		await page.getByRole('button', { name: 'Filter' }).click();
		await page.waitForURL(/order=slowest/);
		const ms = (text: string) => parseFloat(text) * (text.endsWith(' s') ? 1000 : 1);
		const times = (await rows.locator('td:last-child').allInnerTexts()).map(ms);
		expect(times.length).toBeGreaterThan(1);
		expect(times).toEqual([...times].sort((x, y) => y - x));

		// "Changed" without a run to compare against, and a page past the end, answer on the page itself.
		await page.goto(`${server.baseUrl}/runs/2?filter=changed`);
		expect(await page.locator('.error-message').innerText()).toMatch(/Pick the run to compare against/);
		expect(await rows.count()).toBeGreaterThan(1);
		await page.goto(`${server.baseUrl}/runs/2?offset=9999`);
		expect(await page.getByText(/items, none from 10000 on/).count()).toBe(1);
		await page.getByRole('link', { name: '← Previous' }).click();
		await page.waitForURL(/offset=0/);
		expect(await rows.count()).toBeGreaterThan(1);

		await page.goto(`${server.baseUrl}/runs/2`);
		const link = page.getByRole('link', { name: 'rose', exact: true });
		const href = (await link.getAttribute('href')) ?? '';
		expect(JSON.parse(new URL(href, server.baseUrl).searchParams.get('flags') ?? '{}')).toMatchObject({ threshold: 10 });
		await link.click();
		await page.locator('[data-testid=summary]').waitFor();
		await screenshot(page, 'runs-item-debug');
		await expectClean(watched);
		// Any other file outside the project stays closed to links: a 404 (which the console reports), saying why.
		const elsewhere = path.join(scratch, 'elsewhere.jsonl');
		writeFileSync(elsewhere, readFileSync(dataset));
		const refused = await page.goto(`${server.baseUrl}/?dataset=${encodeURIComponent(elsewhere)}&id=x`);
		expect(refused?.status()).toBe(404);
		expect(await page.getByText('is outside the project folder').count()).toBeGreaterThan(0);
		await page.context().close();
	});

	it('opens the report of a done run from its page', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${server.baseUrl}/runs/1`);
		await page.getByRole('link', { name: 'Report' }).click();
		await page.waitForURL(/\/runs\/1\/report$/);
		expect(await page.locator('h1').innerText()).toBe('Run 1: baseline');
		await expectClean(watched);
		await page.context().close();
	});

	it('answers 404 for a missing run and serves the report of a done one', async () => {
		expect((await fetch(`${server.baseUrl}/runs/999`)).status, server.output()).toBe(404);
		const report = await fetch(`${server.baseUrl}/runs/1/report`);
		expect(report.status).toBe(200);
		expect(await report.text()).toMatch(/<h1>Run 1: baseline<\/h1>/);
		expect((await fetch(`${server.baseUrl}/runs/${running}/report`)).status).toBe(404);
	});

	// Last: it leaves a run behind that the lists above do not expect.
	it('notices a run resumed or started from a terminal while nothing was running when the page opened', async () => {
		const { page } = await watchedPage(chromium);
		updateRun(db, running, { status: 'interrupted' });
		await page.goto(`${server.baseUrl}/runs/${running}`);
		const status = page.locator('h1 + p .badge');
		expect(await status.innerText()).toBe('interrupted');
		expect(
			await page
				.getByRole('note')
				.filter({ hasText: `npm run batch -- --resume ${running}` })
				.count()
		).toBe(1);
		expect(await page.getByText('Step timings come with the metrics, when the run is done.').count()).toBe(1);
		updateRun(db, running, { status: 'running', heartbeatAt: new Date() });
		await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe('running');

		updateRun(db, running, { status: 'interrupted' });
		await page.goto(`${server.baseUrl}/runs`);
		await startBatch({
			db,
			pipeline: 'wordcount',
			dataset,
			name: 'started meanwhile',
			reportsDir: path.join(scratch, 'reports')
		});
		await expect.poll(() => page.getByRole('link', { name: 'started meanwhile' }).count(), { timeout: 15_000 }).toBe(1);
		await page.context().close();
	});
});
