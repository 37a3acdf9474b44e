import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../../db/client';
import {
	type EncodedRunItem,
	changeCounts,
	changedItems,
	encodeRunItem,
	finishedItemIds,
	outcomeCounts,
	pageRunItems,
	saveRunItems
} from '../../../db/queries/items';
import { countRunItems, createRun, getRun, listRuns } from '../../../db/queries/runs';
import type { NewRunItem } from '../../../db/schema';
import { settleAbandonedRuns } from '../../../server/batch/liveness';
import { newRun } from './fixtures';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-db-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Item = Omit<NewRunItem, 'runId'>;
function item(itemId: string, line: number, overrides: Partial<Item> = {}): EncodedRunItem {
	return encodeRunItem({
		itemId,
		line,
		output: { v: itemId },
		label: null,
		score: { correct: true },
		correct: true,
		error: null,
		durationMs: 1,
		timings: [],
		...overrides
	});
}

let db: Db;
let counter = 0;
beforeEach(() => {
	db = openDb(path.join(scratch, `db-${++counter}.db`));
});

describe('database', () => {
	it('opens a file in WAL mode with the migrations applied, creating its folder', () => {
		const nested = openDb(path.join(scratch, 'deep', 'er', 'x.db'));
		expect(nested.$client.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(listRuns(nested)).toEqual([]);
	});

	it('keeps one row per (run, item): saving an item again replaces it', () => {
		const run = createRun(db, newRun());
		saveRunItems(db, run.id, [item('a', 1), item('b', 2)], new Date());
		saveRunItems(db, run.id, [item('a', 1, { output: { v: 'again' } })], new Date());
		expect(countRunItems(db, run.id)).toEqual({ done: 2, errors: 0 });
		expect(pageRunItems(db, run.id, { filter: 'all', offset: 0, limit: 10 }).items.map((i) => i.output)).toEqual([
			{ v: 'again' },
			{ v: 'b' }
		]);
		expect(finishedItemIds(db, run.id)).toEqual(new Set(['a', 'b']));
	});
});

describe('item filters', () => {
	it('filters errors, wrong, correct and outcome codes found in any score field', () => {
		const run = createRun(db, newRun());
		saveRunItems(
			db,
			run.id,
			[
				item('tp', 1, { score: { correct: true, outcome: 'tp' } }),
				item('fp', 2, { score: { correct: false, outcome: 'fp' }, correct: false }),
				item('fn', 3, { score: { correct: false, spam: 'fn' }, correct: false }),
				item('err', 4, { output: null, score: null, correct: null, error: { name: 'StepError', message: 'x', step: 's' } })
			],
			new Date()
		);
		const ids = (filter: 'errors' | 'wrong' | 'correct' | 'fp' | 'fn') =>
			pageRunItems(db, run.id, { filter, offset: 0, limit: 10 }).items.map((i) => i.itemId);
		expect(ids('errors')).toEqual(['err']);
		expect(ids('wrong')).toEqual(['fp', 'fn', 'err']);
		expect(ids('correct')).toEqual(['tp']);
		expect(ids('fp')).toEqual(['fp']);
		expect(ids('fn')).toEqual(['fn']);
		expect(outcomeCounts(db, run.id)).toEqual({ outcome: { tp: 1, fp: 1 }, spam: { fn: 1 } });
	});

	it('pages in dataset order and counts the whole filter', () => {
		const run = createRun(db, newRun());
		saveRunItems(db, run.id, [item('c', 3), item('a', 1), item('b', 2)], new Date());
		expect(pageRunItems(db, run.id, { filter: 'all', offset: 1, limit: 1 })).toMatchObject({
			total: 3,
			items: [{ itemId: 'b' }]
		});
	});

	it('pages the slowest items first, ties in dataset order, under a filter and against another run', () => {
		const run = createRun(db, newRun());
		const ms = [3, 9, 1, 9];
		saveRunItems(
			db,
			run.id,
			ms.map((durationMs, i) => item(`i${i + 1}`, i + 1, { durationMs })),
			new Date()
		);
		const slowest = (query: Partial<Parameters<typeof pageRunItems>[2]>) =>
			pageRunItems(db, run.id, { filter: 'all', order: 'slowest', offset: 0, limit: 10, ...query }).items.map((i) => i.itemId);
		expect(slowest({})).toEqual(['i2', 'i4', 'i1', 'i3']);
		expect(slowest({ offset: 1, limit: 2 })).toEqual(['i4', 'i1']);
		expect(slowest({ filter: 'correct' })).toEqual(['i2', 'i4', 'i1', 'i3']);

		const other = createRun(db, newRun());
		saveRunItems(db, other.id, [item('i1', 1, { output: 'x' }), item('i2', 2, { output: 'y' }), item('i3', 3)], new Date());
		expect(slowest({ filter: 'changed', against: other.id })).toEqual(['i2', 'i1']);
	});
});

describe('run comparison', () => {
	it('classifies changed items, counting a failure as wrong, and finds items in only one run', () => {
		const a = createRun(db, newRun());
		const b = createRun(db, newRun());
		saveRunItems(
			db,
			a.id,
			[
				item('same', 1),
				item('broke', 2),
				item('fixed', 3, { correct: false }),
				item('out', 4),
				item('onlyA', 5),
				item('relabel', 7, { label: { long: false } })
			],
			new Date()
		);
		saveRunItems(
			db,
			b.id,
			[
				item('same', 1),
				item('broke', 2, { output: null, correct: null, error: { name: 'Error', message: 'boom' } }),
				item('fixed', 3),
				item('out', 4, { output: { v: 'other' } }),
				item('onlyB', 6),
				// The same output, now wrong: the dataset's label changed, not the code.
				item('relabel', 7, { label: { long: true }, correct: false })
			],
			new Date()
		);
		expect(changeCounts(db, a.id, b.id)).toEqual({
			rightToWrong: 1,
			wrongToRight: 1,
			relabelled: 1,
			other: 1,
			onlyInA: 1,
			onlyInB: 1
		});
		const changes = changedItems(db, a.id, b.id, { offset: 0, limit: 10 });
		expect(changes.map((c) => [c.itemId, c.kind])).toEqual([
			['broke', 'rightToWrong'],
			['fixed', 'wrongToRight'],
			['out', 'other'],
			['relabel', 'relabelled']
		]);
		expect(changes[2]).toMatchObject({ a: { output: { v: 'out' } }, b: { output: { v: 'other' } } });
		expect(changes[3]).toMatchObject({ a: { label: { long: false } }, b: { label: { long: true } } });
		expect(changedItems(db, a.id, b.id, { kind: 'wrongToRight', offset: 0, limit: 10 }).map((c) => c.itemId)).toEqual(['fixed']);
		expect(pageRunItems(db, b.id, { filter: 'changed', against: a.id, offset: 0, limit: 10 }).total).toBe(4);
	});
});

describe('abandoned runs', () => {
	it('marks a running run whose process is gone as interrupted, and leaves a live one running', () => {
		const dead = createRun(db, newRun({ status: 'running', host: hostname(), pid: 2 ** 22 + 12345, heartbeatAt: new Date() }));
		const live = createRun(db, newRun({ status: 'running', host: hostname(), pid: process.pid, heartbeatAt: new Date() }));
		const elsewhereStale = createRun(
			db,
			newRun({ status: 'running', host: 'other-host', pid: 1, heartbeatAt: new Date(Date.now() - 3_600_000) })
		);
		settleAbandonedRuns(db);
		expect(getRun(db, dead.id)?.status).toBe('interrupted');
		expect(getRun(db, live.id)?.status).toBe('running');
		expect(getRun(db, elsewhereStale.id)?.status).toBe('interrupted');
	});
});
