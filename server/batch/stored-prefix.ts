/**
 * How far into the dataset a run is stored without gaps: every item up to `line` is in the database.
 * Workers finish chunks out of order (and suspects last), so this is what lets the report follow the
 * run in dataset order while it runs.
 */
export class StoredPrefix {
	/** Lines of the items read and not yet stored, ascending; those before `head` are stored. */
	private waiting: number[] = [];
	private head = 0;
	/** Lines stored while an earlier one still waits. */
	private readonly early = new Set<number>();
	private lastRead = 0;

	/** A dataset record was read: an item to store, or a line that never will be (malformed, stored earlier). */
	read(line: number, willStore: boolean): void {
		this.lastRead = line;
		if (willStore) this.waiting.push(line);
	}

	stored(lines: Iterable<number>): void {
		for (const line of lines) this.early.add(line);
		while (this.head < this.waiting.length && this.early.delete(this.waiting[this.head])) this.head++;
		if (this.head > 4096) {
			this.waiting = this.waiting.slice(this.head);
			this.head = 0;
		}
	}

	get line(): number {
		return this.head < this.waiting.length ? this.waiting[this.head] - 1 : this.lastRead;
	}
}
