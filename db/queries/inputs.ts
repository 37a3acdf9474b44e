import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { savedInputsTable } from '../schema';

/**
 * 22 base64url characters: 132 bits of the content's SHA-256, short enough for a link. Only someone who
 * already has the whole input can work its id out.
 */
export const SAVED_INPUT_ID = /^[A-Za-z0-9_-]{22}$/;

/** Stores an input's JSON text and returns its id; the same text always gets the same id and one row. */
export function saveInput(db: Db, json: string, now = new Date()): string {
	const id = createHash('sha256').update(json).digest('base64url').slice(0, 22);
	db.insert(savedInputsTable).values({ id, input: json, savedAt: now }).onConflictDoNothing().run();
	return id;
}

/** The JSON text saved under this id, if any. */
export function getSavedInput(db: Db, id: string): string | undefined {
	return db.select({ input: savedInputsTable.input }).from(savedInputsTable).where(eq(savedInputsTable.id, id)).get()?.input;
}
