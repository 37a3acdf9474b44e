import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/client';
import { type EncodedRunItem, type RunItemAsStored, decodeStoredItem, iterateRunItemsAsStored } from '../../db/queries/items';
import type { AnyPipeline } from '../../src/lib/pipeline';

/** A run's report folder: `<reportsDir>/run-<id>`. */
export function runReportDir(reportsDir: string, runId: number): string {
	return path.resolve(reportsDir, `run-${runId}`);
}

/** The header of items.csv: one column per step's milliseconds; output, label and score as JSON. */
export function itemsCsvHeader(steps: string[]): string {
	const headers = ['id', 'line', 'correct', 'error_step', 'error', 'duration_ms', ...steps.map((step) => `ms_${step}`)];
	return [...headers, 'output', 'label', 'score'].join(',') + '\n';
}

function csvCell(value: unknown): string {
	const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Stored JSON as the CSV shows it: a JSON string as its text, anything else as its JSON. */
function storedCell(json: string | null): string | null {
	return json?.startsWith('"') ? (JSON.parse(json) as string) : json;
}

/** Milliseconds to the microsecond: the full doubles (34.99652700000024) only clutter a spreadsheet. */
const roundMs = (ms: number | undefined) => (ms === undefined ? ms : Math.round(ms * 1000) / 1000);

export function itemsCsvRow(item: RunItemAsStored, steps: string[]): string {
	const stepMs = new Map(item.timings.map((timing) => [timing.step, roundMs(timing.ms)]));
	const cells = [
		item.itemId,
		item.line,
		item.correct,
		item.error?.step,
		item.error?.message,
		roundMs(item.durationMs),
		...steps.map((step) => stepMs.get(step)),
		storedCell(item.output),
		storedCell(item.label),
		storedCell(item.score)
	];
	return cells.map(csvCell).join(',') + '\n';
}

/**
 * Writes `<reportsDir>/run-<id>/items.csv` from every stored item, in dataset order, and returns that
 * folder (for a run not written as it went: see ItemsCsvStream below). Each item is also handed to
 * `alsoRead`: the run's metrics come from the same read, one pass over 100,000 items, not two.
 */
export function writeItemsCsv(
	db: Db,
	runId: number,
	pipeline: AnyPipeline,
	reportsDir: string,
	alsoRead: (item: RunItemAsStored) => void
): string {
	const dir = runReportDir(reportsDir, runId);
	mkdirSync(dir, { recursive: true });
	const steps = pipeline.steps.map((step) => step.name);
	const fd = openSync(path.join(dir, 'items.csv'), 'w');
	try {
		writeSync(fd, itemsCsvHeader(steps));
		let lines: string[] = [];
		for (const item of iterateRunItemsAsStored(db, runId)) {
			alsoRead(item);
			lines.push(itemsCsvRow(item, steps));
			if (lines.length === 1000) {
				writeSync(fd, lines.join(''));
				lines = [];
			}
		}
		writeSync(fd, lines.join(''));
	} finally {
		closeSync(fd);
	}
	return dir;
}

/**
 * Writes a run's items.csv while the run goes on, so that a run done in one session ends without
 * reading its items back for it (~0.25 s per 10,000 items off the end of the run). Chunks are numbered
 * as they are sent to the workers and written once every chunk sent before them is, so the file is in
 * dataset order; the few that finish early wait in memory (the runner keeps at most two per worker in
 * flight). A chunk that will not come back in its turn (its worker died) or a failed write abandons the
 * file: the report then reads every stored item back, as it does for a resumed run.
 */
export class ItemsCsvStream {
	private readonly partial: string;
	private fd: number | undefined;
	private sent = 0;
	private written = 0;
	private readonly early = new Map<number, EncodedRunItem[]>();

	constructor(
		private readonly reportsDir: string,
		private readonly runId: number,
		private readonly steps: string[]
	) {
		this.partial = ItemsCsvStream.partialFile(reportsDir, runId);
		this.attempt(() => {
			mkdirSync(reportsDir, { recursive: true });
			this.fd = openSync(this.partial, 'w');
			writeSync(this.fd, itemsCsvHeader(steps));
		});
	}

	/** Where a run's items.csv is written until the run is done: beside its folder, which exists only once its report does. */
	private static partialFile(reportsDir: string, runId: number): string {
		return path.resolve(reportsDir, `run-${runId}.items.csv.partial`);
	}

	/** Removes the file of an earlier session of the run that was killed before it could. */
	static discard(reportsDir: string, runId: number): void {
		rmSync(ItemsCsvStream.partialFile(reportsDir, runId), { force: true });
	}

	/** The number of the next chunk sent to the workers. */
	nextChunk(): number {
		return this.sent++;
	}

	add(chunk: number, rows: EncodedRunItem[]): void {
		const fd = this.fd;
		if (fd === undefined) return;
		this.early.set(chunk, rows);
		this.attempt(() => {
			for (let next = this.early.get(this.written); next; next = this.early.get(this.written)) {
				this.early.delete(this.written++);
				writeSync(fd, next.map((row) => itemsCsvRow(decodeStoredItem(row), this.steps)).join(''));
			}
		});
	}

	/** Gives up on the file: the report will read the stored items back. */
	abandon(): void {
		const fd = this.fd;
		this.fd = undefined;
		this.early.clear();
		try {
			if (fd !== undefined) closeSync(fd);
			rmSync(this.partial, { force: true });
		} catch {
			// Left behind, it is removed when the run next finishes.
		}
	}

	/**
	 * Moves the file into the run's report folder as items.csv when it holds every chunk sent, and returns
	 * that folder; undefined (and the file removed) otherwise.
	 */
	complete(): string | undefined {
		const whole = this.fd !== undefined && this.written === this.sent;
		if (!whole) {
			this.abandon();
			return undefined;
		}
		const dir = runReportDir(this.reportsDir, this.runId);
		return this.attempt(() => {
			closeSync(this.fd as number);
			this.fd = undefined;
			mkdirSync(dir, { recursive: true });
			renameSync(this.partial, path.join(dir, 'items.csv'));
			return dir;
		});
	}

	private attempt<T>(work: () => T): T | undefined {
		try {
			return work();
		} catch {
			this.abandon();
			return undefined;
		}
	}
}
