import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRunItem } from '../../../db/queries/items';
import { ItemsCsvStream } from '../../../server/batch/items-csv';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-items-csv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const row = (line: number) =>
	encodeRunItem({
		itemId: `i${line}`,
		line,
		output: { n: line },
		label: null,
		score: null,
		correct: null,
		error: null,
		durationMs: 1,
		timings: [{ step: 'tokens', ms: 1 }]
	});
const ids = (file: string) =>
	readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map((line) => line.slice(0, line.indexOf(',')));

describe('ItemsCsvStream', () => {
	it('writes chunks in the order they were sent, whatever order they finish in', () => {
		const reportsDir = path.join(scratch, 'ordered');
		const csv = new ItemsCsvStream(reportsDir, 1, ['tokens']);
		const [first, second, third] = [csv.nextChunk(), csv.nextChunk(), csv.nextChunk()];
		csv.add(third, [row(5)]);
		csv.add(second, [row(3), row(4)]);
		expect(readdirSync(reportsDir)).toEqual(['run-1.items.csv.partial']);
		csv.add(first, [row(1), row(2)]);

		const dir = csv.complete();
		expect(dir).toBe(path.join(reportsDir, 'run-1'));
		expect(ids(path.join(dir!, 'items.csv'))).toEqual(['id', 'i1', 'i2', 'i3', 'i4', 'i5']);
		expect(readdirSync(reportsDir)).toEqual(['run-1']);
	});

	it('gives up, leaving nothing, when a chunk sent never comes back in its turn', () => {
		const reportsDir = path.join(scratch, 'missing');
		const csv = new ItemsCsvStream(reportsDir, 2, ['tokens']);
		const [first, second] = [csv.nextChunk(), csv.nextChunk()];
		csv.add(second, [row(2)]);
		expect(first).toBe(0);
		expect(csv.complete()).toBeUndefined();
		expect(readdirSync(reportsDir)).toEqual([]);
	});

	it('gives up when abandoned (a worker died under a chunk), and a later session removes what a killed one left', () => {
		const reportsDir = path.join(scratch, 'abandoned');
		const csv = new ItemsCsvStream(reportsDir, 3, ['tokens']);
		csv.add(csv.nextChunk(), [row(1)]);
		csv.abandon();
		csv.add(csv.nextChunk(), [row(2)]);
		expect(csv.complete()).toBeUndefined();
		expect(readdirSync(reportsDir)).toEqual([]);

		writeFileSync(path.join(reportsDir, 'run-3.items.csv.partial'), 'id\n');
		ItemsCsvStream.discard(reportsDir, 3);
		expect(readdirSync(reportsDir)).toEqual([]);
	});

	it('gives up when it cannot write, without failing the run', () => {
		const blocked = path.join(scratch, 'a-file');
		writeFileSync(blocked, 'where the reports folder should be');
		const csv = new ItemsCsvStream(blocked, 4, ['tokens']);
		csv.add(csv.nextChunk(), [row(1)]);
		expect(csv.complete()).toBeUndefined();
		expect(existsSync(path.join(blocked, 'run-4'))).toBe(false);
	});
});
