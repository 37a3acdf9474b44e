import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../db/client';
import { pageRunItems } from '../../../db/queries/items';
import { getRun } from '../../../db/queries/runs';
import type { Run } from '../../../db/schema';
import { writeItemsCsv } from '../../../server/batch/items-csv';
import { BatchArgumentError, BatchError, resumeBatch, startBatch } from '../../../server/batch/runner';
import { runPipeline } from '../../../src/lib/pipeline';
import { wordcount } from '../../../src/lib/pipeline/wordcount';
import { quality } from './quality';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-runner-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
const registry = new URL('./fixtures/registry.ts', import.meta.url).href;
let dbCount = 0;
const freshDb = () => openDb(path.join(scratch, `runner-${++dbCount}.db`));
const reportsDir = path.join(scratch, 'reports');

function writeDataset(name: string, count: number): string {
	const file = path.join(scratch, name);
	const lines = Array.from({ length: count }, (_, i) => {
		const text = Array.from({ length: i % 9 }, (_, j) => `w${j}`).join(' ');
		return JSON.stringify({ id: `item-${i}`, input: { text }, label: { long: i % 3 === 0 } });
	});
	writeFileSync(file, lines.join('\n') + '\n');
	return file;
}

/** Items for the upper-casing fixture pipelines, each labelled with its text upper-cased. */
function writeShouts(name: string, texts: string[]): string {
	const file = path.join(scratch, name);
	writeFileSync(
		file,
		texts.map((text, i) => JSON.stringify({ id: i, input: { text }, label: { text: text.toUpperCase() } })).join('\n')
	);
	return file;
}

describe('batch runs in worker threads', () => {
	it('stores every item with its score, computes the metrics and writes the report', async () => {
		const db = freshDb();
		const stages: string[] = [];
		const etas: (number | null)[] = [];
		let storedAtReport: Run | undefined;
		const { run, reportDir } = await startBatch({
			db,
			registry,
			pipeline: 'wordcount',
			dataset: fixture('words.jsonl'),
			concurrency: 2,
			reportsDir,
			onProgress: (progress) => {
				stages.push(progress.stage);
				etas.push(progress.etaSeconds);
				if (progress.stage === 'report') storedAtReport = getRun(db, progress.runId);
			}
		});
		// The rate counts from the first result: before it there is none to tell an ETA from.
		expect(etas[0]).toBeNull();
		// Progress says when the items are done and the report is being written.
		expect(stages.at(-1)).toBe('report');
		expect(stages.slice(0, -1)).toEqual(stages.slice(0, -1).map(() => 'items'));
		expect(stages.length).toBeGreaterThan(1);
		// The pages see that stage in the database: every record handled, malformed lines included.
		expect(storedAtReport).toMatchObject({ status: 'running', itemsDone: 5, itemsTotal: 8, itemsEndedAt: expect.any(Date) });
		expect(storedAtReport!.datasetProblems.map((p) => p.line)).toEqual([4, 6, 8]);
		expect(run).toMatchObject({
			status: 'done',
			itemsTotal: 8,
			itemsDone: 5,
			itemsErrors: 1,
			pipeline: 'wordcount',
			pipelineVersion: '1.0.0'
		});
		expect(run.flags).toEqual({ minLength: 1, threshold: 5, verdict: true });
		expect(run.datasetProblems.map((p) => p.line)).toEqual([4, 6, 8]);
		expect(run.gitCommit).toMatch(/^([0-9a-f]{40}|unknown)$/);

		// The same items scored in-process give the same aggregate.
		const evaluation = wordcount.evaluation!;
		const scores = [];
		for (const [text, long] of [
			['one two three four five six', true],
			['one two', false],
			['one two three', true],
			['a b c d e f g h', false]
		] as const)
			scores.push(evaluation.score((await runPipeline(wordcount, { text })).output, { long }));
		expect(run.metrics).toMatchObject({ ...evaluation.aggregate(scores), errorRate: 0.2 });
		expect(Object.keys(run.metrics ?? {})).toEqual(
			expect.arrayContaining(['latency.tokens.p50', 'latency.verdict.p95', 'duration.p95'])
		);
		// What the timings are worth: the cores other processes kept busy meanwhile (a share of the machine's).
		expect(run.metrics?.['load.others']).toBeGreaterThanOrEqual(0);
		expect(run.metrics?.['load.others']).toBeLessThanOrEqual(availableParallelism());
		expect(run.othersCpuMs).toBeGreaterThanOrEqual(0);

		const failed = pageRunItems(db, run.id, { filter: 'errors', offset: 0, limit: 10 }).items;
		expect(failed.map((i) => [i.itemId, i.error?.name, i.error?.message])).toEqual([
			['d', 'InputError', expect.stringMatching(/input\.text/)]
		]);

		expect(reportDir).toBe(path.join(reportsDir, `run-${run.id}`));
		const csv = readFileSync(path.join(reportDir ?? '', 'items.csv'), 'utf8')
			.trim()
			.split('\n');
		expect(csv[0]).toBe('id,line,correct,error_step,error,duration_ms,ms_tokens,ms_count,ms_verdict,output,label,score');
		expect(csv).toHaveLength(6);
		// Timings to the microsecond at most.
		const rows = parseCsv(readFileSync(path.join(reportDir ?? '', 'items.csv')), { columns: true }) as Record<string, string>[];
		for (const row of rows) expect(row.duration_ms).toMatch(/^\d+(\.\d{1,3})?$/);
		const summary = readFileSync(path.join(reportDir ?? '', 'summary.md'), 'utf8');
		// A dataset given as its path is named once.
		expect(summary).toMatch(/\| dataset \| \/\S*words\.jsonl \(sha256 [0-9a-f]{12}\) \|/);
		expect(summary).toMatch(/\| accuracy \| 0\.5000 \| higher \|/);
		expect(summary).toMatch(/\| 4 \| not valid JSON/);
		expect(existsSync(path.join(reportDir ?? '', 'summary.html'))).toBe(true);
	});

	it('fails a run of which no line is an item, rather than end it done with metrics over nothing', async () => {
		const file = path.join(scratch, 'all-malformed.jsonl');
		writeFileSync(file, '{"id": 1, "input": \n[1, 2]\n');
		const { run } = await startBatch({ db: freshDb(), registry, pipeline: 'wordcount', dataset: file, reportsDir });
		expect(run).toMatchObject({
			status: 'failed',
			itemsDone: 0,
			metrics: null,
			failure: expect.stringMatching(/^no line of the dataset is an item it could run: 2 lines refused \(line 1: /)
		});
	});

	it("reports a label the pipeline rejects as a malformed line, not as the pipeline's error", async () => {
		const file = path.join(scratch, 'bad-label.jsonl');
		const lines = [
			{ id: 'a', input: { text: 'one two three four five six' }, label: { long: true } },
			{ id: 'b', input: { text: 'one two' }, label: { long: 'no' } },
			{ id: 'c', input: { text: 'one two three' } }
		];
		writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
		const db = freshDb();
		const reported: number[] = [];
		const { run } = await startBatch({
			db,
			registry,
			pipeline: 'wordcount',
			dataset: file,
			concurrency: 1,
			reportsDir,
			onProblem: (problem) => reported.push(problem.line)
		});
		expect(run).toMatchObject({ status: 'done', itemsTotal: 3, itemsDone: 2, itemsErrors: 0, metrics: { errorRate: 0 } });
		expect(run.datasetProblems).toEqual([
			{ line: 2, message: expect.stringMatching(/^label rejected by pipeline wordcount: label\.long: /) }
		]);
		expect(reported).toEqual([2]);
		// The unlabelled item runs and is stored unscored; the one with the bad label is not stored.
		const stored = pageRunItems(db, run.id, { filter: 'all', offset: 0, limit: 10 }).items;
		expect(stored.map((item) => [item.itemId, item.score === null])).toEqual([
			['a', false],
			['c', true]
		]);

		// A pipeline that scores nothing never reads labels: every item runs.
		const unscored = await startBatch({ db, registry, pipeline: 'unscored', dataset: file, concurrency: 1, reportsDir });
		expect(unscored.run).toMatchObject({ status: 'done', itemsDone: 3, datasetProblems: [] });
	});

	it("records a throwing step's error on its item and finishes the others", async () => {
		const file = writeShouts('flaky.jsonl', ['fine', 'boom here', 'also fine']);
		const db = freshDb();
		const { run } = await startBatch({
			db,
			registry,
			pipeline: 'flaky',
			dataset: file,
			concurrency: 1,
			chunkSize: 1,
			reportsDir
		});
		expect(run).toMatchObject({ status: 'done', itemsDone: 3, itemsErrors: 1, metrics: { accuracy: 1 } });
		const [failed] = pageRunItems(db, run.id, { filter: 'errors', offset: 0, limit: 10 }).items;
		expect(failed).toMatchObject({ itemId: '1', error: { step: 'shout', message: 'exploded on purpose' }, output: null });
	});

	it('records an item that kills its worker (out of memory) as failed, and finishes the rest', async () => {
		const file = writeShouts('hungry.jsonl', ['one', 'two', 'a feast', 'four', 'five']);
		const db = freshDb();
		const { run } = await startBatch({
			db,
			registry,
			pipeline: 'hungry',
			dataset: file,
			concurrency: 1,
			workerHeapMb: 64,
			reportsDir
		});
		expect(run).toMatchObject({ status: 'done', itemsDone: 5, itemsErrors: 1, metrics: { accuracy: 1 } });
		const [failed] = pageRunItems(db, run.id, { filter: 'errors', offset: 0, limit: 10 }).items;
		expect(failed).toMatchObject({ itemId: '2', error: { name: 'WorkerError', message: expect.stringMatching(/died/) } });
	});

	it('blames only the item that killed its worker, not those of chunks that shared the worker', async () => {
		const texts = Array.from({ length: 40 }, (_, i) => (i === 13 ? 'a feast' : `item ${i}`));
		const db = freshDb();
		const { run } = await startBatch({
			db,
			registry,
			pipeline: 'hungry',
			dataset: writeShouts('hungry-pool.jsonl', texts),
			concurrency: 2,
			chunkSize: 3,
			workerHeapMb: 64,
			reportsDir
		});
		expect(run).toMatchObject({ status: 'done', itemsDone: 40, itemsErrors: 1 });
		const { items } = pageRunItems(db, run.id, { filter: 'errors', offset: 0, limit: 10 });
		expect(items.map((item) => item.itemId)).toEqual(['13']);
	});

	it('runs the chunks a worker holds one after the other, never interleaved', async () => {
		const texts = Array.from({ length: 12 }, (_, i) => `item ${i}`);
		const { run } = await startBatch({
			db: freshDb(),
			registry,
			pipeline: 'solo',
			dataset: writeShouts('solo.jsonl', texts),
			concurrency: 1,
			chunkSize: 2,
			reportsDir
		});
		expect(run).toMatchObject({ status: 'done', itemsDone: 12, itemsErrors: 0, metrics: { accuracy: 1 } });
	});

	it('fails the run with the reason when the workers cannot load the pipeline', async () => {
		const stages: string[] = [];
		const { run } = await startBatch({
			db: freshDb(),
			registry,
			pipeline: 'broken',
			dataset: writeShouts('broken.jsonl', ['one', 'two', 'three']),
			concurrency: 2,
			reportsDir,
			onProgress: (progress) => stages.push(progress.stage)
		});
		expect(run).toMatchObject({
			status: 'failed',
			failure: 'The pipeline could not load: model file missing',
			metrics: null,
			itemsDone: 0
		});
		expect(stages).not.toContain('report');
	});

	it('honours --limit over dataset records', async () => {
		const { run } = await startBatch({
			db: freshDb(),
			registry,
			pipeline: 'wordcount',
			dataset: fixture('words.jsonl'),
			limit: 3,
			concurrency: 1,
			reportsDir
		});
		expect(run).toMatchObject({ status: 'done', itemsTotal: 3, itemsDone: 3 });
	});

	it('rejects unknown flags and pipelines before creating a run', async () => {
		const db = freshDb();
		await expect(
			startBatch({ db, registry, pipeline: 'wordcount', dataset: fixture('words.jsonl'), flags: { nope: 1 } })
		).rejects.toThrow(
			new BatchArgumentError(
				'Invalid input: flags: Unrecognized key: "nope" (flags of pipeline wordcount: minLength, threshold, verdict)'
			)
		);
		await expect(startBatch({ db, registry, pipeline: 'nope', dataset: fixture('words.jsonl') })).rejects.toThrow(
			BatchArgumentError
		);
		await expect(startBatch({ db, registry, pipeline: 'wordcount', dataset: 'nowhere.csv' })).rejects.toThrow(BatchArgumentError);
		expect(getRun(db, 1)).toBeUndefined();
	});
});

describe('a dataset file that changes during the run', () => {
	it('fails the run, saying so, rather than end it done with counts that disagree', async () => {
		const db = freshDb();
		const file = writeDataset('shrinking.jsonl', 30_000);
		let truncated = false;
		const { run } = await startBatch({
			db,
			registry,
			pipeline: 'wordcount',
			dataset: file,
			reportsDir: path.join(scratch, 'reports'),
			concurrency: 1,
			chunkSize: 10,
			onProgress: () => {
				if (truncated) return;
				truncated = true;
				writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, 100).join('\n') + '\n');
			}
		});
		expect(run).toMatchObject({
			status: 'failed',
			failure: expect.stringMatching(/ changed while the run read it \(\d+ records read, 30000 when it started\)$/)
		});
		expect(run.failure).toContain(file);
	});
});

describe('interrupting and resuming', () => {
	it('keeps finished items when aborted and, resumed, ends with the same items and metrics as an uninterrupted run', async () => {
		const file = writeDataset('resume.jsonl', 3000);
		const db = freshDb();
		const reportsDir = path.join(scratch, 'resume-reports');
		const controller = new AbortController();
		const first = await startBatch({
			db,
			registry,
			pipeline: 'wordcount',
			dataset: file,
			concurrency: 2,
			chunkSize: 8,
			reportsDir,
			signal: controller.signal,
			onProgress: (progress) => {
				if (progress.done >= 500) controller.abort();
				expect(progress.stage).toBe('items');
			}
		});
		expect(first.run.status).toBe('interrupted');
		expect(first.run.itemsDone).toBeGreaterThanOrEqual(500);
		expect(first.run.itemsDone).toBeLessThan(3000);
		expect(first.run.metrics).toBeNull();
		expect(existsSync(path.join(reportsDir, `run-${first.run.id}`))).toBe(false);
		expect(existsSync(path.join(reportsDir, `run-${first.run.id}.items.csv.partial`))).toBe(false);

		const seen: number[] = [];
		const resumed = await resumeBatch({
			db,
			registry,
			runId: first.run.id,
			concurrency: 2,
			reportsDir,
			onProgress: (p) => seen.push(p.done)
		});
		expect(resumed.run).toMatchObject({ status: 'done', itemsDone: 3000, itemsTotal: 3000, itemsErrors: 0 });
		expect(seen[0]).toBeGreaterThan(first.run.itemsDone);
		const rows = db.$client
			.prepare('select count(*) as n, count(distinct item_id) as d from run_items where run_id = ?')
			.get(first.run.id);
		expect(rows).toEqual({ n: 3000, d: 3000 });

		const straight = await startBatch({ db, registry, pipeline: 'wordcount', dataset: file, concurrency: 2, reportsDir });
		expect(quality(resumed.run.metrics)).toEqual(quality(straight.run.metrics));

		// The report has the items of both sessions, finished out of order by two workers, in dataset order.
		const csvIds = (dir = '') =>
			readFileSync(path.join(dir, 'items.csv'), 'utf8')
				.trim()
				.split('\n')
				.slice(1)
				.map((row) => row.slice(0, row.indexOf(',')));
		const ids = Array.from({ length: 3000 }, (_, i) => `item-${i}`);
		expect(csvIds(resumed.reportDir)).toEqual(ids);
		expect(csvIds(straight.reportDir)).toEqual(ids);
		// The run done in one session wrote its items.csv as it went: the bytes reading its items back gives.
		const readBack = writeItemsCsv(db, straight.run.id, wordcount, path.join(scratch, 'read-back'), () => {});
		expect(readFileSync(path.join(straight.reportDir!, 'items.csv'), 'utf8')).toBe(
			readFileSync(path.join(readBack, 'items.csv'), 'utf8')
		);
	});

	it('leaves a run whose report cannot be written failed, and its resume writes the report', async () => {
		const db = freshDb();
		const file = writeDataset('unreported.jsonl', 20);
		const blocked = path.join(scratch, 'not-a-folder');
		writeFileSync(blocked, 'a file where the reports folder should be');
		const { run, reportDir } = await startBatch({ db, registry, pipeline: 'wordcount', dataset: file, reportsDir: blocked });
		expect(run).toMatchObject({ status: 'failed', itemsDone: 20, failure: expect.stringMatching(/could not write the report/) });
		expect(reportDir).toBeUndefined();

		const resumed = await resumeBatch({ db, registry, runId: run.id, reportsDir });
		expect(resumed.run).toMatchObject({ status: 'done', itemsDone: 20, failure: null });
		expect(quality(resumed.run.metrics)).toEqual(
			quality((await startBatch({ db, registry, pipeline: 'wordcount', dataset: file, reportsDir })).run.metrics)
		);
		expect(readFileSync(path.join(resumed.reportDir!, 'summary.md'), 'utf8')).toMatch(/\| status \| done \|/);
	});

	it('refuses to resume a done run, an unknown run, or one whose dataset changed', async () => {
		const file = writeDataset('changing.jsonl', 10);
		const db = freshDb();
		const { run } = await startBatch({ db, registry, pipeline: 'wordcount', dataset: file, reportsDir });
		await expect(resumeBatch({ db, registry, runId: run.id })).rejects.toThrow(/already done/);
		await expect(resumeBatch({ db, registry, runId: 999 })).rejects.toThrow(BatchError);
		db.$client.prepare("update runs set status = 'interrupted' where id = ?").run(run.id);
		writeFileSync(file, '{"id":"new","input":{"text":"x"}}\n', { flag: 'a' });
		await expect(resumeBatch({ db, registry, runId: run.id })).rejects.toThrow(/changed since run/);
	});
});
