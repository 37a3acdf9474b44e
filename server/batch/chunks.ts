import { type ItemRecord, encodeItem, joinEncodedItems } from './dataset';

/** Most items per worker task: enough to amortise a message, few enough to balance the workers. */
export const CHUNK_ITEMS = 16;

/**
 * A chunk is sent once its text has this many characters, before it has CHUNK_ITEMS items: V8 puts a
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

	/** Adds an item; returns the chunk's text when this item filled it. */
	add(record: ItemRecord): string | undefined {
		const text = encodeItem(record);
		this.encoded.push(text);
		this.chars += text.length;
		return this.encoded.length >= this.maxItems || this.chars >= CHUNK_CHARS ? this.take() : undefined;
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
