import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const DEFAULT_DB_PATH = 'var/convince.db';

/**
 * Beside this module when run from source; from the working directory when bundled into the built
 * server (whose chunks live elsewhere).
 */
function migrationsFolder(): string {
	const besideModule = fileURLToPath(new URL('./migrations', import.meta.url));
	return existsSync(besideModule) ? besideModule : path.resolve('db/migrations');
}

/** Opens (creating if needed) a database file or `:memory:`, in WAL mode, with every migration applied. */
export function openDb(file: string): Db {
	if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const sqlite = new Database(file);
	// WAL lets the server read while a batch writes; NORMAL sync is durable across process kills.
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = drizzle(sqlite, { schema });
	migrate(db, { migrationsFolder: migrationsFolder() });
	return db;
}

let shared: Db | undefined;

/** Where the process-wide database lives: `CONVINCE_DB`, default `var/convince.db`. */
export function dbPath(): string {
	return process.env.CONVINCE_DB ?? DEFAULT_DB_PATH;
}

/** The process-wide database at dbPath(), opened (and created) on first use. */
export function getDb(): Db {
	shared ??= openDb(dbPath());
	return shared;
}

/** For /api/v1/health: whether the database opens and answers a query. */
export function databaseHealth(): { ok: boolean; error?: string } {
	try {
		getDb().$client.prepare('select 1').get();
		return { ok: true };
	} catch (error) {
		return { ok: false, error: error instanceof Error ? error.message : String(error) };
	}
}
