import type { Db } from '../../db/client';
import { ALL_LINES, type RunItemAsStored, iterateRunItemsAsStored } from '../../db/queries/items';

/**
 * Reads a run's stored items back in dataset order while the run goes, as far as StoredPrefix vouches
 * that no earlier item is still to come, and hands each to the report's parts (items.csv, the metrics):
 * a long run then ends with its report all but written, instead of reading every item back after the last.
 */
export class StoredItemsFollower {
	private after = 0;

	constructor(
		private readonly db: Db,
		private readonly runId: number,
		private readonly readers: ((item: RunItemAsStored) => void)[]
	) {}

	/**
	 * Reads the items after the last one read, up to dataset line `line`. At most `maxItems` at a time
	 * (the rest come with the next call): the thread that feeds the workers never stalls for long, even
	 * when a resumed run's first call could read every item of the earlier sessions.
	 */
	readUpTo(line: number, maxItems = 2000): void {
		let count = 0;
		for (const item of iterateRunItemsAsStored(this.db, this.runId, { after: this.after, until: line })) {
			for (const read of this.readers) read(item);
			this.after = item.line;
			if (++count === maxItems) return;
		}
		this.after = Math.max(this.after, line);
	}

	/** Reads every item not read yet: once the run has stored its last. */
	readRest(): void {
		this.readUpTo(ALL_LINES.until, Infinity);
	}
}
