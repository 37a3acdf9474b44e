import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { type NewRun, type Run, runItemsTable, runsTable } from '../schema';

export function createRun(db: Db, values: NewRun): Run {
	return db.insert(runsTable).values(values).returning().get();
}

export function getRun(db: Db, id: number): Run | undefined {
	return db.select().from(runsTable).where(eq(runsTable.id, id)).get();
}

/** Newest first. */
export function listRuns(db: Db): Run[] {
	return db.select().from(runsTable).orderBy(desc(runsTable.startedAt), desc(runsTable.id)).all();
}

/** The dataset files batch runs were stored over (absolute paths). */
export function runDatasetPaths(db: Db): Set<string> {
	return new Set(
		db
			.selectDistinct({ path: runsTable.datasetPath })
			.from(runsTable)
			.all()
			.map((row) => row.path)
	);
}

export function listRunningRuns(db: Db): Run[] {
	return db.select().from(runsTable).where(eq(runsTable.status, 'running')).all();
}

export function updateRun(db: Db, id: number, patch: Partial<NewRun>): Run {
	return db.update(runsTable).set(patch).where(eq(runsTable.id, id)).returning().get();
}

/** Marks runs whose process is gone as interrupted, so they can be resumed. */
export function markRunsInterrupted(db: Db, ids: number[]): void {
	if (ids.length) db.update(runsTable).set({ status: 'interrupted' }).where(inArray(runsTable.id, ids)).run();
}

/** Item counts as stored, the truth a run's counters are reset to when it ends. */
export function countRunItems(db: Db, runId: number): { done: number; errors: number } {
	const row = db
		.select({ done: sql<number>`count(*)`, errors: sql<number>`count(${runItemsTable.error})` })
		.from(runItemsTable)
		.where(eq(runItemsTable.runId, runId))
		.get();
	return { done: row?.done ?? 0, errors: row?.errors ?? 0 };
}
