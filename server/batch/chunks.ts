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

/** Packs items into the texts of worker tasks (`ChunkTask.items`). */
export class ChunkPacker {
	private encoded: string[] = [];
	private chars = 0;

	constructor(private readonly maxItems = CHUNK_ITEMS) {}

	/**
	 * Adds an item; returns a chunk's text when one is complete: the items before this one when it would
	 * take them past CHUNK_CHARS (an item longer than that goes alone), or these items with this one
	 * when it is the chunk's last by count.
	 */
	add(record: ItemRecord): string | undefined {
		const text = encodeItem(record);
		const before = this.chars + text.length > CHUNK_CHARS ? this.take() : undefined;
		this.encoded.push(text);
		this.chars += text.length;
		// With maxItems 1 nothing is pending here, so `before` and a full count never come together.
		return before ?? (this.encoded.length >= this.maxItems ? this.take() : undefined);
	}

	/** The text of the items added since the last chunk, if there are any. */
	take(): string | undefined {
		if (!this.encoded.length) return undefined;
		const chunk = joinEncodedItems(this.encoded);
		this.encoded = [];
		this.chars = 0;
		return chunk;
	}
}
