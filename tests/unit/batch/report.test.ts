import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../db/client';
import { type RunItemAsStored, encodeRunItem, saveRunItems } from '../../../db/queries/items';
import { createRun, getRun } from '../../../db/queries/runs';
import { writeItemsCsv } from '../../../server/batch/items-csv';
import { formatNumber, writeRunSummary } from '../../../server/batch/report';
import type { Run } from '../../../db/schema';
import type { Db } from '../../../db/client';
import { wordcount } from '../../../src/lib/pipeline/wordcount';
import { newRun } from '../db/fixtures';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The report as a finished run gets it: items.csv, then the summaries beside it. */
function writeRunReport(db: Db, run: Run): string {
	const dir = writeItemsCsv(db, run.id, wordcount, path.join(scratch, 'reports'), () => {});
	writeRunSummary(db, run, wordcount, dir);
	return dir;
}

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

		const dir = writeRunReport(db, getRun(db, run.id)!);
		const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
		expect(summary).toContain('## Confusion matrix: spam');
		expect(summary).toContain('|  | actual spam | actual not spam |');
		expect(summary).toContain('| predicted spam | 1 | 2 |');
		expect(summary).toContain('| predicted not spam | 0 | 0 |');
		db.$client.close();
	});

	it('writes items.csv in dataset order and hands each item, as stored, to the metrics reading along', () => {
		const db = openDb(path.join(scratch, 'order.db'));
		const run = createRun(db, newRun({ name: 'order', itemsTotal: 3 }));
		const item = (line: number, failed: boolean) =>
			encodeRunItem({
				// Ids in the reverse of dataset order: the rows must come by line, not by key.
				itemId: `i${4 - line}`,
				line,
				output: failed ? null : { words: line },
				label: 'x',
				score: failed ? null : { correct: line === 1 },
				correct: failed ? null : line === 1,
				error: failed ? { name: 'Error', message: 'boom, "quoted"', step: 'tokens' } : null,
				durationMs: line,
				timings: [{ step: 'tokens', ms: line / 3 }]
			});
		// Stored out of order, as two workers finish chunks.
		saveRunItems(db, run.id, [item(3, false), item(1, false), item(2, true)], new Date());

		const seen: RunItemAsStored[] = [];
		const dir = writeItemsCsv(db, run.id, wordcount, path.join(scratch, 'reports'), (stored) => seen.push(stored));
		expect(seen.map((stored) => [stored.line, stored.correct, stored.score, stored.error?.step ?? null])).toEqual([
			[1, true, '{"correct":true}', null],
			[2, null, null, 'tokens'],
			[3, false, '{"correct":false}', null]
		]);
		const rows = parseCsv(readFileSync(path.join(dir, 'items.csv')), { columns: true }) as Record<string, string>[];
		expect(rows.map((row) => [row.id, row.correct, row.error, row.ms_tokens, row.output])).toEqual([
			['i3', 'true', '', '0.333', '{"words":1}'],
			['i2', '', 'boom, "quoted"', '0.667', ''],
			['i1', 'false', '', '1', '{"words":3}']
		]);
		db.$client.close();
	});

	it("says in the summary when the run's dataset holds items the pipeline's models learnt from", () => {
		const db = openDb(path.join(scratch, 'caveat.db'));
		const run = getRun(db, createRun(db, newRun({ name: 'on train', datasetName: 'train' })).id)!;
		const dir = writeItemsCsv(db, run.id, wordcount, path.join(scratch, 'reports'), () => {});
		writeRunSummary(db, run, { ...wordcount, trainedOn: ['train'] }, dir);
		expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain(
			'| caveat | Dataset train holds the items the wordcount models learnt from'
		);
		writeRunSummary(db, run, wordcount, dir);
		expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).not.toContain('caveat');
		db.$client.close();
	});

	it('keeps a run name and dataset problems as text in both summaries', () => {
		const db = openDb(path.join(scratch, 'names.db'));
		const run = createRun(
			db,
			newRun({
				name: '<script>alert(1)</script> | x',
				itemsTotal: 1,
				datasetProblems: [
					{ line: 1, message: 'not valid JSON (<img src=x onerror=alert(1)>)' },
					{ line: 2, message: String.raw`not valid JSON (\<img src=y onerror=alert(2)> \| cell)` }
				]
			})
		);
		const dir = writeRunReport(db, getRun(db, run.id)!);
		const html = readFileSync(path.join(dir, 'summary.html'), 'utf8');
		expect(html).not.toMatch(/<script|<img/);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		// Markdown escapes with backslashes, which read in a terminal as the text does; no HTML entities.
		const markdown = readFileSync(path.join(dir, 'summary.md'), 'utf8');
		expect(markdown).toContain('# Run 1: \\<script>alert(1)\\</script> \\| x');
		expect(markdown).toContain('not valid JSON (\\<img src=x onerror=alert(1)>)');
		// The text's own backslash is escaped, so the one before "<" still escapes it.
		expect(markdown).toContain(String.raw`not valid JSON (\\\<img src=y onerror=alert(2)> \\\| cell)`);
		// Every "<" and "|" of the text follows an odd number of backslashes: escaped, never live.
		expect(markdown).not.toMatch(/(?<!\\)(\\\\)*(<(script|img)|\| cell)|&lt;|&quot;/);
		db.$client.close();
	});
});

describe('formatNumber', () => {
	it('gives metrics four decimals, and a fraction too small for them two significant digits', () => {
		expect([1139, 0.98592, 0.00004, -0.000039, 0].map(formatNumber)).toEqual(['1139', '0.9859', '0.00004', '-0.000039', '0']);
	});
});
