import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../db/client';
import { encodeRunItem, saveRunItems } from '../../../db/queries/items';
import { createRun, getRun } from '../../../db/queries/runs';
import { writeRunReport } from '../../../server/batch/report';
import { wordcount } from '../../../src/lib/pipeline/wordcount';
import { newRun } from '../db/fixtures';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('run report', () => {
	it('names the confusion matrix and its rows after the score field holding the outcome codes', () => {
		const db = openDb(path.join(scratch, 'report.db'));
		const run = createRun(db, newRun({ name: 'matrix', itemsTotal: 3 }));
		const cells = ['tp', 'fp', 'fp'] as const;
		const items = cells.map((cell, i) =>
			encodeRunItem({
				itemId: `i${i}`,
				line: i + 1,
				output: null,
				label: null,
				score: { correct: cell === 'tp', spam: cell },
				correct: cell === 'tp',
				error: null,
				durationMs: 1,
				timings: []
			})
		);
		saveRunItems(db, run.id, items, new Date());

		const dir = writeRunReport(db, getRun(db, run.id)!, wordcount, path.join(scratch, 'reports'));
		const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
		expect(summary).toContain('## Confusion matrix: spam');
		expect(summary).toContain('|  | actual spam | actual not spam |');
		expect(summary).toContain('| predicted spam | 1 | 2 |');
		expect(summary).toContain('| predicted not spam | 0 | 0 |');
		db.$client.close();
	});

	it('keeps a run name and dataset problems as text in both summaries', () => {
		const db = openDb(path.join(scratch, 'names.db'));
		const run = createRun(
			db,
			newRun({
				name: '<script>alert(1)</script> | x',
				itemsTotal: 1,
				datasetProblems: [{ line: 1, message: 'not valid JSON (<img src=x onerror=alert(1)>)' }]
			})
		);
		const dir = writeRunReport(db, getRun(db, run.id)!, wordcount, path.join(scratch, 'reports'));
		for (const file of ['summary.md', 'summary.html']) {
			const text = readFileSync(path.join(dir, file), 'utf8');
			expect(text, file).not.toMatch(/<script|<img/);
			expect(text, file).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		}
		db.$client.close();
	});
});
