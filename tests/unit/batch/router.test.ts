import { TRPCError } from '@trpc/server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../db/client';
import { createRun, updateRun } from '../../../db/queries/runs';
import { startBatch } from '../../../server/batch/runner';
import { createContextInner } from '../../../server/context';
import { runsRouter } from '../../../server/routers/runs';
import { createCallerFactory, router } from '../../../server/trpc';
import { wordcount } from '../../../src/lib/pipeline/wordcount';
import { newRun } from '../db/fixtures';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-runs-router-'));
process.env.CONVINCE_DB = path.join(scratch, 'router.db');
const dataset = path.join(import.meta.dirname, 'fixtures', 'words.jsonl');
const caller = (authorized = true) => createCallerFactory(runsRouter)(createContextInner({ pipeline: wordcount, authorized }));

beforeAll(async () => {
	const reportsDir = path.join(scratch, 'reports');
	await startBatch({ db: getDb(), pipeline: 'wordcount', dataset, name: 'baseline', reportsDir });
	await startBatch({ db: getDb(), pipeline: 'wordcount', dataset, name: 'lower threshold', flags: { threshold: 3 }, reportsDir });
});
afterAll(() => {
	getDb().$client.close();
	rmSync(scratch, { recursive: true, force: true });
});

async function failure(call: Promise<unknown>): Promise<TRPCError> {
	const error = await call.catch((e: unknown) => e);
	expect(error).toBeInstanceOf(TRPCError);
	return error as TRPCError;
}

describe('runs procedures', () => {
	it('lists runs newest first, without process bookkeeping', async () => {
		const runs = await caller().list();
		expect(runs.map((run) => run.name)).toEqual(['lower threshold', 'baseline']);
		expect(runs[0]).not.toHaveProperty('pid');
		expect(runs[0]).toMatchObject({ status: 'done', itemsDone: 5, itemsErrors: 1, flags: { threshold: 3 } });
	});

	it("describes a run's metrics from its pipeline, with per-step latency and the filters its scores allow", async () => {
		const detail = await caller().get({ id: 1 });
		expect(detail.metrics.find((m) => m.name === 'accuracy')).toMatchObject({
			value: 0.5,
			higherIsBetter: true,
			description: expect.stringMatching(/long\/short/)
		});
		expect(detail.metrics.find((m) => m.name === 'latency.count.p95')).toMatchObject({ higherIsBetter: false });
		expect(detail.latency.map((l) => l.step)).toEqual(['tokens', 'count', 'verdict']);
		expect(detail.confusion).toEqual({});
		expect(detail.filters).toEqual(['all', 'errors', 'wrong', 'correct', 'changed']);
		expect((await failure(caller().get({ id: 99 }))).code).toBe('NOT_FOUND');
	});

	it('pages through items with filters, and needs a run to compare against for "changed"', async () => {
		expect(await caller().items({ id: 1, filter: 'wrong', offset: 0, limit: 10 })).toMatchObject({
			total: 3,
			items: [{ itemId: 'c' }, { itemId: 'd' }, { itemId: 'e' }]
		});
		expect(
			(await caller().items({ id: 2, filter: 'changed', against: 1, offset: 0, limit: 10 })).items.map((i) => i.itemId)
		).toEqual(['c']);
		const missing = await failure(caller().items({ id: 2, filter: 'changed', offset: 0, limit: 10 }));
		expect(missing.code).toBe('BAD_REQUEST');
		expect(missing.message).toMatch(/against/);
	});

	it('compares two runs and explains a changed item at its first differing step', async () => {
		const comparison = await caller().compare({ a: 1, b: 2, offset: 0, limit: 50 });
		expect(comparison.flags).toEqual([{ name: 'threshold', a: 5, b: 3 }]);
		expect(comparison.counts).toMatchObject({ wrongToRight: 1, rightToWrong: 0 });
		expect(comparison.metrics.find((m) => m.name === 'accuracy')).toMatchObject({ delta: 0.25, verdict: 'better' });
		const explanation = await caller().explain({ a: 1, b: 2, item: 'c' });
		expect(explanation.firstDifference).toEqual({ index: 2, step: 'verdict' });
		expect([explanation.a.output, explanation.b.output]).toEqual([
			{ words: 3, distinct: 3, long: false },
			{ words: 3, distinct: 3, long: true }
		]);
		expect(explanation.code.current.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
		expect((await failure(caller().explain({ a: 1, b: 2, item: 'nope' }))).code).toBe('NOT_FOUND');
	});

	it('finds the steps behind the changes, apart from items that differ nowhere now or left the dataset', async () => {
		const file = path.join(scratch, 'why.jsonl');
		const lines = ['one two three', 'one two', 'a b c d e f g h', 'x y z'].map((text, i) =>
			JSON.stringify({ id: `w${i}`, input: { text }, label: { long: true } })
		);
		writeFileSync(file, lines.join('\n'));
		const reportsDir = path.join(scratch, 'reports');
		const a = (await startBatch({ db: getDb(), pipeline: 'wordcount', dataset: file, name: 'why a', reportsDir })).run.id;
		const b = (
			await startBatch({ db: getDb(), pipeline: 'wordcount', dataset: file, name: 'why b', flags: { threshold: 3 }, reportsDir })
		).run.id;
		// w0 and w3 (three words) turn long at the verdict. w1 and w2 get stored outputs no code makes now
		// (as from another build), and then w2 leaves the file.
		getDb()
			.$client.prepare(`update run_items set output = json_object('words', 0) where run_id = ? and item_id in ('w1', 'w2')`)
			.run(b);
		writeFileSync(file, [lines[0], lines[1], lines[3]].join('\n'));
		expect(await caller().explainChanges({ a, b })).toMatchObject({
			items: 4,
			steps: [{ step: 'verdict', items: 2, examples: ['w0', 'w3'] }],
			noDifference: 1,
			noDifferenceExamples: ['w1'],
			notInDataset: 1
		});
		const wrongToRight = await caller().explainChanges({ a, b, kind: 'wrongToRight', limit: 1 });
		expect([wrongToRight.items, wrongToRight.steps]).toEqual([1, [{ step: 'verdict', items: 1, examples: ['w0'] }]]);
		rmSync(file);
		const gone = await failure(caller().explainChanges({ a, b }));
		expect([gone.code, gone.message]).toEqual(['NOT_FOUND', expect.stringMatching(/^dataset of run \d+ is unavailable: /)]);
	});

	it('refuses callers without the API key', async () => {
		expect((await failure(caller(false).list())).code).toBe('UNAUTHORIZED');
	});

	it('joins the OpenAPI document, /runs/compare and the explanations before /runs/{id}', () => {
		const document = generateOpenApiDocument(router({ runs: runsRouter }), { title: 'runs', version: '1', baseUrl: '/api/v1' });
		expect(Object.keys(document.paths ?? {})).toEqual([
			'/runs',
			'/runs/compare',
			'/runs/explain',
			'/runs/explain-changes',
			'/runs/{id}',
			'/runs/{id}/items'
		]);
	});
});

describe('item filters', () => {
	it('offer right and wrong wherever items were scored: in a run cut short too, not over unlabelled items', async () => {
		const reportsDir = path.join(scratch, 'reports');
		const cut = await startBatch({ db: getDb(), pipeline: 'wordcount', dataset, name: 'cut short', reportsDir });
		updateRun(getDb(), cut.run.id, { status: 'interrupted', metrics: null });
		expect((await caller().get({ id: cut.run.id })).filters).toEqual(['all', 'errors', 'wrong', 'correct', 'changed']);

		const unlabelled = path.join(scratch, 'unlabelled.jsonl');
		const texts = ['one two three four five six', 'one two'];
		writeFileSync(unlabelled, texts.map((text, i) => JSON.stringify({ id: `u${i}`, input: { text } })).join('\n'));
		const plain = await startBatch({ db: getDb(), pipeline: 'wordcount', dataset: unlabelled, name: 'unlabelled', reportsDir });
		expect((await caller().get({ id: plain.run.id })).filters).toEqual(['all', 'errors', 'changed']);
	});
});

describe('runs on training data', () => {
	it("say so in the run's detail and in a comparison, for the pipeline whose models learnt from that dataset", async () => {
		const onAll = createRun(getDb(), newRun({ name: 'on all', pipeline: 'triage', datasetName: 'all' }));
		const detail = await caller().get({ id: onAll.id });
		expect(detail.datasetCaveat).toMatch(/^Dataset all holds the items the triage models learnt from: its metrics overstate/);
		expect((await caller().get({ id: 1 })).datasetCaveat).toBeNull();

		const comparison = await caller().compare({ a: 1, b: onAll.id, offset: 0, limit: 10 });
		expect(comparison.datasetCaveats).toEqual({ a: null, b: detail.datasetCaveat });
	});
});
