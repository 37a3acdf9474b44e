import { type ItemRecord, encodeItem, joinEncodedItems } from './dataset';

/** Most items per worker task: enough to amortise a message, few enough to balance the workers. */
export const CHUNK_ITEMS = 16;

/**
 * Most characters of a chunk's text (unless one item alone is longer), whatever its item count: V8 puts a
 * string over 128 KB (64K characters of a text beyond Latin-1) straight into the old generation,
 * where each chunk's text, on both threads, lingered as garbage until a full collection. Half the
 * 16-mail chunks of the test split were that long (measured over 40,000 items with 2 workers: peak
 * RSS 442-449 MB instead of 460-464, and the same throughput).
 */
export const CHUNK_CHARS = 32 * 1024;

/** A worker task's items (`ChunkTask.items`) and the dataset line of its first one. */
export interface Chunk {
	items: string;
	line: number;
}

/** Packs items into chunks for worker tasks. */
export class ChunkPacker {
	private encoded: string[] = [];
	private chars = 0;
	/** The line of the first item added since the last chunk. */
	private firstLine: number | undefined;

	constructor(private readonly maxItems = CHUNK_ITEMS) {}

	/** The dataset line of the first item waiting for its chunk, if any. */
	get pendingLine(): number | undefined {
		return this.firstLine;
	}

	/**
	 * Adds an item; returns a chunk when one is complete: the items before this one when it would take
	 * them past CHUNK_CHARS (an item longer than that goes alone), or these items with this one when it
	 * is the chunk's last by count.
	 */
	add(record: ItemRecord): Chunk | undefined {
		const text = encodeItem(record);
		const before = this.chars + text.length > CHUNK_CHARS ? this.take() : undefined;
		this.encoded.push(text);
		this.chars += text.length;
		this.firstLine ??= record.line;
		// With maxItems 1 nothing is pending here, so `before` and a full count never come together.
		return before ?? (this.encoded.length >= this.maxItems ? this.take() : undefined);
	}

	/** The items added since the last chunk, if there are any. */
	take(): Chunk | undefined {
		if (this.firstLine === undefined) return undefined;
		const chunk = { items: joinEncodedItems(this.encoded), line: this.firstLine };
		this.encoded = [];
		this.chars = 0;
		this.firstLine = undefined;
		return chunk;
	}
}
