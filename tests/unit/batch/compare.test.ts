import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../db/client';
import { createRun } from '../../../db/queries/runs';
import { checkRegression, compareRuns, parseRegressionGate } from '../../../server/batch/compare';
import { newRun } from '../db/fixtures';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('compareRuns', () => {
	it("reads timing jitter and counts as no verdict, and quality changes by the metric's direction", () => {
		const db = openDb(path.join(scratch, 'compare.db'));
		const a = createRun(
			db,
			newRun({
				metrics: {
					accuracy: 0.97,
					items: 4000,
					'latency.tokens.p50': 0.006,
					'latency.count.p50': 0.2,
					'latency.count.p95': 0.5,
					'duration.p50': 1.49,
					'duration.p95': 8,
					errorRate: 0.01
				}
			})
		);
		const b = createRun(
			db,
			newRun({
				metrics: {
					accuracy: 0.975,
					items: 6046,
					'latency.tokens.p50': 0.014,
					'latency.count.p50': 0.3,
					'latency.count.p95': 0.9,
					'duration.p50': 1.57,
					'duration.p95': 10,
					errorRate: 0.02
				}
			})
		);
		const { metrics } = compareRuns(db, a, b, { offset: 0, limit: 10 });
		expect(Object.fromEntries(metrics.map((metric) => [metric.name, metric.verdict]))).toEqual({
			accuracy: 'better',
			// A count: the runs covered other items, neither better nor worse.
			items: 'incomparable',
			// Hundredths of a millisecond, 5% of a p50 and 25% of a p95: what two runs of the same code differ by.
			'latency.tokens.p50': 'same',
			'duration.p50': 'same',
			'duration.p95': 'same',
			// Half as slow again at the median, nearly twice at the tail: beyond that.
			'latency.count.p50': 'worse',
			'latency.count.p95': 'worse',
			errorRate: 'worse'
		});
		expect(metrics.find((metric) => metric.name === 'latency.count.p95')?.description).toBe(
			'Milliseconds one step took per item, at the 95th percentile'
		);

		// A gate without a tolerance fails where the verdict is "worse", so never on what it calls "same".
		const comparison = compareRuns(db, a, b, { offset: 0, limit: 10 });
		const gate = (text: string) => checkRegression(comparison, parseRegressionGate(text));
		expect(gate('duration.p50')).toBeNull();
		expect(gate('duration.p50:0')).toMatch(/duration\.p50 regressed from 1\.49 to 1\.57 \(worse by 0\.0800, tolerance 0\)/);
		expect(gate('latency.count.p95')).toMatch(
			/regressed from 0\.5 to 0\.9 \(worse by 0\.400, no tolerance given: worse as the comparison reads it\)/
		);
		expect(gate('errorRate')).toMatch(/regressed/);
		expect(gate('accuracy')).toBeNull();
		expect(checkRegression(compareRuns(db, b, a, { offset: 0, limit: 10 }), parseRegressionGate('accuracy'))).toMatch(
			/accuracy regressed from 0\.975 to 0\.97 \(worse by 0\.00500, no tolerance given: worse as the comparison reads it\)/
		);
		db.$client.close();
	});

	it('gives timings no verdict when other processes kept the machine busy during either run', () => {
		const db = openDb(path.join(scratch, 'load.db'));
		const timed = (others: number | undefined, p95: number) =>
			createRun(
				db,
				newRun({ metrics: { accuracy: 0.9, 'duration.p95': p95, ...(others !== undefined && { 'load.others': others }) } })
			);
		const quiet = timed(0.02, 8);
		const verdicts = (b: ReturnType<typeof timed>) =>
			Object.fromEntries(compareRuns(db, quiet, b, { offset: 0, limit: 10 }).metrics.map((m) => [m.name, [m.verdict, m.reason]]));
		expect(verdicts(timed(0.05, 20))).toMatchObject({ 'duration.p95': ['worse', undefined] });
		const busy = timed(1.3, 20);
		expect(verdicts(busy)).toEqual({
			accuracy: ['same', undefined],
			'duration.p95': ['incomparable', `other processes kept 1.30 cores busy during run ${busy.id}`],
			'load.others': ['incomparable', undefined]
		});
		const comparison = compareRuns(db, quiet, busy, { offset: 0, limit: 10 });
		expect(checkRegression(comparison, parseRegressionGate('duration.p95'))).toMatch(
			/does not compare between these runs \(other processes/
		);
		// Runs stored before the load was measured keep their verdicts.
		expect(verdicts(timed(undefined, 20))).toMatchObject({ 'duration.p95': ['worse', undefined] });
		db.$client.close();
	});

	it('gives counts of items a verdict only over the same items, and no metric one across pipelines', () => {
		const db = openDb(path.join(scratch, 'counts.db'));
		const triageRun = (overrides: Parameters<typeof newRun>[0]) =>
			createRun(db, newRun({ pipeline: 'triage', metrics: { 'spam.f1': 0.98, 'spam.tp': 350 }, ...overrides }));
		const a = triageRun({});
		const verdicts = (b: typeof a) =>
			Object.fromEntries(compareRuns(db, a, b, { offset: 0, limit: 10 }).metrics.map((metric) => [metric.name, metric.verdict]));
		const gate = (b: typeof a, metric: string) =>
			checkRegression(compareRuns(db, a, b, { offset: 0, limit: 10 }), parseRegressionGate(metric));

		const sameItems = triageRun({ metrics: { 'spam.f1': 0.97, 'spam.tp': 349 } });
		expect(verdicts(sameItems)).toEqual({ 'spam.f1': 'worse', 'spam.tp': 'worse' });
		// The first 200 items (--limit 200): fewer caught says nothing, a share still compares.
		const fewer = triageRun({ itemsTotal: 200, metrics: { 'spam.f1': 0.99, 'spam.tp': 60 } });
		expect(verdicts(fewer)).toEqual({ 'spam.f1': 'better', 'spam.tp': 'incomparable' });
		expect(gate(fewer, 'spam.tp')).toBe('spam.tp does not compare between these runs (a count over other items)');

		const otherPipeline = createRun(db, newRun({ pipeline: 'wordcount', metrics: { 'spam.f1': 1, 'spam.tp': 400 } }));
		expect(verdicts(otherPipeline)).toEqual({ 'spam.f1': 'incomparable', 'spam.tp': 'incomparable' });
		expect(gate(otherPipeline, 'spam.f1')).toBe(
			'spam.f1 does not compare between these runs (pipelines "triage" and "wordcount")'
		);
		db.$client.close();
	});
});
