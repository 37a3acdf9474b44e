import { type SQL, and, asc, desc, eq, getTableName, isNotNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client';
import { type NewRunItem, type RunItem, runItemsTable, runsTable } from '../schema';

const itemColumns = ['itemId', 'line', 'output', 'label', 'score', 'correct', 'error', 'durationMs', 'timings'] as const;
const ERROR_COLUMN = itemColumns.indexOf('error');

/**
 * An item's column values as the database stores them (JSON as text, booleans as 0/1). Workers encode
 * their results, so the writing thread only binds strings and numbers: no object graphs to copy back
 * from the worker, no JSON to build in the thread that reads the dataset and writes the database.
 */
export function encodeRunItem(item: Omit<NewRunItem, 'runId'>): EncodedRunItem {
	return itemColumns.map((column) => {
		const value = item[column];
		return value === null || value === undefined
			? null
			: (runItemsTable[column].mapToDriverValue(value as never) as string | number);
	});
}
export type EncodedRunItem = (string | number | null)[];

export function encodedItemFailed(row: EncodedRunItem): boolean {
	return row[ERROR_COLUMN] !== null;
}

/** One row's upsert, prepared once per database (a multi-row drizzle insert builds an object per value). */
function prepareUpsert(db: Db) {
	const names = ['runId', ...itemColumns].map((column) => runItemsTable[column as keyof typeof runItemsTable.$inferInsert].name);
	const updates = names.slice(2).map((name) => `${name} = excluded.${name}`);
	return db.$client.prepare(
		`insert into ${getTableName(runItemsTable)} (${names.join(', ')}) values (${names.map(() => '?').join(', ')})
		 on conflict (run_id, item_id) do update set ${updates.join(', ')}`
	);
}
const upserts = new WeakMap<Db, ReturnType<typeof prepareUpsert>>();

/** Upserts finished items and bumps the run's counters in one transaction: a crash keeps both or neither. */
export function saveRunItems(db: Db, runId: number, rows: EncodedRunItem[], now: Date): void {
	if (!rows.length) return;
	if (!upserts.has(db)) upserts.set(db, prepareUpsert(db));
	const upsert = upserts.get(db);
	const errors = rows.filter(encodedItemFailed).length;
	db.transaction((tx) => {
		for (const row of rows) upsert?.run(runId, ...row);
		tx.update(runsTable)
			.set({
				itemsDone: sql`${runsTable.itemsDone} + ${rows.length}`,
				itemsErrors: sql`${runsTable.itemsErrors} + ${errors}`,
				heartbeatAt: now
			})
			.where(eq(runsTable.id, runId))
			.run();
	});
}

/** Ids already stored for a run: what a resume skips. */
export function finishedItemIds(db: Db, runId: number): Set<string> {
	const rows = db.select({ itemId: runItemsTable.itemId }).from(runItemsTable).where(eq(runItemsTable.runId, runId)).all();
	return new Set(rows.map((row) => row.itemId));
}

/** Whether any stored item of a run was scored against a label: only then can it be right or wrong. */
export function hasScoredItems(db: Db, runId: number): boolean {
	const row = db
		.select({ runId: runItemsTable.runId })
		.from(runItemsTable)
		.where(and(eq(runItemsTable.runId, runId), isNotNull(runItemsTable.correct)))
		.limit(1)
		.get();
	return row !== undefined;
}

/** An item as the report reads it: output, label and score as their stored JSON text, written out without a parse. */
export type RunItemAsStored = Pick<RunItem, 'itemId' | 'line' | 'correct' | 'error' | 'durationMs' | 'timings'> & {
	output: string | null;
	label: string | null;
	score: string | null;
};

/** An encoded item (columns in `itemColumns` order, as workers send them and as the report reads them back). */
export function decodeStoredItem(row: EncodedRunItem): RunItemAsStored {
	const [itemId, line, output, label, score, correct, error, durationMs, timings] = row as [
		string,
		number,
		string | null,
		string | null,
		string | null,
		number | null,
		string | null,
		number,
		string
	];
	return {
		itemId,
		line,
		correct: correct === null ? null : correct === 1,
		error: error === null ? null : (JSON.parse(error) as RunItem['error']),
		durationMs,
		timings: JSON.parse(timings) as RunItem['timings'],
		output,
		label,
		score
	};
}

/**
 * A run's items in dataset order, streamed from one statement: a report over 100,000 items holds one
 * row at a time, and no column is parsed but the two every reader needs (error, timings).
 */
export function* iterateRunItemsAsStored(db: Db, runId: number): Generator<RunItemAsStored> {
	const query = db
		.select(Object.fromEntries(itemColumns.map((column) => [column, runItemsTable[column]])))
		.from(runItemsTable)
		.where(eq(runItemsTable.runId, runId))
		.orderBy(asc(runItemsTable.line))
		.toSQL();
	const rows = db.$client
		.prepare(query.sql)
		.raw()
		.iterate(...query.params) as IterableIterator<EncodedRunItem>;
	for (const row of rows) yield decodeStoredItem(row);
}

export function getRunItem(db: Db, runId: number, itemId: string): RunItem | undefined {
	return db
		.select()
		.from(runItemsTable)
		.where(and(eq(runItemsTable.runId, runId), eq(runItemsTable.itemId, itemId)))
		.get();
}

/**
 * Outcome codes a pipeline's score may carry in any field named after the positive class (e.g. `spam: 'fp'`):
 * they drive the false positive / negative filters and the confusion matrices without the runner knowing
 * the field names.
 */
export const outcomeCodes = ['tp', 'fp', 'fn', 'tn'] as const;
export type OutcomeCode = (typeof outcomeCodes)[number];

export const itemFilters = ['all', 'errors', 'wrong', 'correct', 'fp', 'fn', 'changed'] as const;
export type ItemFilter = (typeof itemFilters)[number];

/** Dataset order, or the items that took the pipeline longest first (what drives a run's p95). */
export const itemOrders = ['line', 'slowest'] as const;
export type ItemOrder = (typeof itemOrders)[number];
const orderBy: Record<ItemOrder, SQL[]> = {
	line: [asc(runItemsTable.line)],
	slowest: [desc(runItemsTable.durationMs), asc(runItemsTable.line)]
};

const other = alias(runItemsTable, 'other');

/** 1 when an item counts as right, 0 when wrong (a failed item is wrong), null when it has no label. */
function rightness(item: typeof runItemsTable | typeof other): SQL<number | null> {
	return sql`(case when ${item.error} is not null then 0 else ${item.correct} end)`;
}

function hasOutcome(code: OutcomeCode): SQL {
	return sql`exists (select 1 from json_each(${runItemsTable.score}) where json_each.value = ${code})`;
}

/** The same item in another run differs: rightness, output, error or label. */
function changedAgainst(): SQL {
	return sql`(${rightness(runItemsTable)} is not ${rightness(other)} or ${runItemsTable.output} is not ${other.output} or ${runItemsTable.error} is not ${other.error} or ${runItemsTable.label} is not ${other.label})`;
}

const filterConditions: Record<Exclude<ItemFilter, 'all' | 'changed'>, SQL | undefined> = {
	errors: isNotNull(runItemsTable.error),
	wrong: sql`${rightness(runItemsTable)} = 0`,
	correct: sql`${rightness(runItemsTable)} = 1`,
	fp: hasOutcome('fp'),
	fn: hasOutcome('fn')
};

export interface ItemPageQuery {
	filter: ItemFilter;
	/** Dataset order when not given. */
	order?: ItemOrder;
	/** The run `changed` compares against. */
	against?: number;
	offset: number;
	limit: number;
}

/** One page of a run's items in the order asked, with the number of items the filter matches. */
export function pageRunItems(db: Db, runId: number, query: ItemPageQuery): { items: RunItem[]; total: number } {
	const ofRun = eq(runItemsTable.runId, runId);
	if (query.filter === 'changed') {
		const join = and(eq(other.runId, query.against ?? -1), eq(other.itemId, runItemsTable.itemId));
		const where = and(ofRun, changedAgainst());
		const total =
			db
				.select({ n: sql<number>`count(*)` })
				.from(runItemsTable)
				.innerJoin(other, join)
				.where(where)
				.get()?.n ?? 0;
		const rows = db.select({ item: runItemsTable }).from(runItemsTable).innerJoin(other, join).where(where);
		const items = rows
			.orderBy(...orderBy[query.order ?? 'line'])
			.limit(query.limit)
			.offset(query.offset)
			.all();
		return { items: items.map((row) => row.item), total };
	}
	const where = query.filter === 'all' ? ofRun : and(ofRun, filterConditions[query.filter]);
	const total =
		db
			.select({ n: sql<number>`count(*)` })
			.from(runItemsTable)
			.where(where)
			.get()?.n ?? 0;
	const items = db
		.select()
		.from(runItemsTable)
		.where(where)
		.orderBy(...orderBy[query.order ?? 'line'])
		.limit(query.limit)
		.offset(query.offset)
		.all();
	return { items, total };
}

/** Per score field carrying outcome codes, how many items have each code: one confusion matrix per field. */
export function outcomeCounts(db: Db, runId: number): Record<string, Partial<Record<OutcomeCode, number>>> {
	const rows = db.$client
		.prepare(
			`select j.key as field, j.value as code, count(*) as n
			 from run_items, json_each(run_items.score) as j
			 where run_items.run_id = ? and j.type = 'text' and j.value in ('tp', 'fp', 'fn', 'tn')
			 group by j.key, j.value`
		)
		.all(runId) as { field: string; code: OutcomeCode; n: number }[];
	const counts: Record<string, Partial<Record<OutcomeCode, number>>> = {};
	for (const row of rows) (counts[row.field] ??= {})[row.code] = row.n;
	return counts;
}

/** `relabelled`: the dataset's label of the item changed between the runs, so its right or wrong says nothing of the code. */
export const changeKinds = ['rightToWrong', 'wrongToRight', 'relabelled', 'other'] as const;
export type ChangeKind = (typeof changeKinds)[number];

function changeKind(): SQL<ChangeKind> {
	return sql<ChangeKind>`(case when ${runItemsTable.label} is not ${other.label} then 'relabelled'
		when ${rightness(runItemsTable)} = 1 and ${rightness(other)} = 0 then 'rightToWrong'
		when ${rightness(runItemsTable)} = 0 and ${rightness(other)} = 1 then 'wrongToRight' else 'other' end)`;
}

/** Items of run A whose outcome differs in run B, joined on item id; `kind` narrows to one kind of change. */
export function changedItems(db: Db, a: number, b: number, page: { kind?: ChangeKind; offset: number; limit: number }) {
	const join = and(eq(other.runId, b), eq(other.itemId, runItemsTable.itemId));
	const where = and(eq(runItemsTable.runId, a), changedAgainst(), page.kind ? sql`${changeKind()} = ${page.kind}` : undefined);
	return db
		.select({
			itemId: runItemsTable.itemId,
			line: runItemsTable.line,
			kind: changeKind(),
			a: {
				label: runItemsTable.label,
				output: runItemsTable.output,
				correct: runItemsTable.correct,
				error: runItemsTable.error,
				score: runItemsTable.score
			},
			b: { label: other.label, output: other.output, correct: other.correct, error: other.error, score: other.score }
		})
		.from(runItemsTable)
		.innerJoin(other, join)
		.where(where)
		.orderBy(asc(runItemsTable.line))
		.limit(page.limit)
		.offset(page.offset)
		.all();
}
export type ChangedItem = ReturnType<typeof changedItems>[number];

/** How many items changed, by kind, and how many exist in only one of the runs. */
export function changeCounts(db: Db, a: number, b: number): Record<ChangeKind, number> & { onlyInA: number; onlyInB: number } {
	const join = and(eq(other.runId, b), eq(other.itemId, runItemsTable.itemId));
	const rows = db
		.select({ kind: changeKind(), n: sql<number>`count(*)` })
		.from(runItemsTable)
		.innerJoin(other, join)
		.where(and(eq(runItemsTable.runId, a), changedAgainst()))
		.groupBy(changeKind())
		.all();
	const counts = {
		rightToWrong: 0,
		wrongToRight: 0,
		relabelled: 0,
		other: 0,
		onlyInA: onlyIn(db, a, b),
		onlyInB: onlyIn(db, b, a)
	};
	for (const row of rows) counts[row.kind] = row.n;
	return counts;
}

function onlyIn(db: Db, run: number, notIn: number): number {
	return (
		db
			.select({ n: sql<number>`count(*)` })
			.from(runItemsTable)
			.leftJoin(other, and(eq(other.runId, notIn), eq(other.itemId, runItemsTable.itemId)))
			.where(and(eq(runItemsTable.runId, run), sql`${other.itemId} is null`))
			.get()?.n ?? 0
	);
}
