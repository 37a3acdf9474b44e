import type { Db } from '../../db/client';
import { type EncodedRunItem, saveRunItems } from '../../db/queries/items';

/**
 * Buffers finished items and writes them in one transaction per batch: per-item commits would make the
 * database the bottleneck, while a short interval bounds what a SIGKILL can lose.
 */
export class ItemWriter {
	private buffer: EncodedRunItem[] = [];
	private lastFlush = performance.now();

	constructor(
		private readonly db: Db,
		private readonly runId: number,
		private readonly maxRows = 500,
		private readonly maxWaitMs = 250
	) {}

	add(results: EncodedRunItem[]): void {
		this.buffer.push(...results);
		if (this.buffer.length >= this.maxRows || performance.now() - this.lastFlush >= this.maxWaitMs) this.flush();
	}

	flush(): void {
		saveRunItems(this.db, this.runId, this.buffer, new Date());
		this.buffer = [];
		this.lastFlush = performance.now();
	}
}
