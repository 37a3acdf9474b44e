import { describe, expect, it } from 'vitest';
import { CHUNK_CHARS, CHUNK_ITEMS, ChunkPacker } from '../../../server/batch/chunks';
import { type ItemRecord, decodeItems } from '../../../server/batch/dataset';

const item = (n: number, body = `mail ${n}`): ItemRecord => ({ kind: 'item', id: String(n), line: n, input: { body } });

/** Packs the items, returning every chunk's text in order, the last partial one included. */
function pack(items: ItemRecord[], packer = new ChunkPacker()): string[] {
	const chunks = items.flatMap((record) => packer.add(record) ?? []);
	const last = packer.take();
	return last ? [...chunks, last] : chunks;
}

describe('ChunkPacker', () => {
	it('sends CHUNK_ITEMS short items to a chunk, the rest in a last one, every item once and in order', () => {
		const items = Array.from({ length: CHUNK_ITEMS * 2 + 3 }, (_, i) => item(i + 1));
		const chunks = pack(items);
		expect(chunks.map((chunk) => decodeItems(chunk).length)).toEqual([CHUNK_ITEMS, CHUNK_ITEMS, 3]);
		expect(chunks.flatMap(decodeItems)).toEqual(items);
	});

	it('closes a chunk early once its text reaches CHUNK_CHARS, keeping chunks out of V8 large-object space', () => {
		const long = 'ж'.repeat(CHUNK_CHARS / 4 - 100);
		const chunks = pack(Array.from({ length: 12 }, (_, i) => item(i + 1, long)));
		expect(chunks.map((chunk) => decodeItems(chunk).length)).toEqual([4, 4, 4]);
		// Two bytes a character beyond Latin-1: every chunk stays under V8's 128 KB for a regular object.
		for (const chunk of chunks) expect(chunk.length * 2).toBeLessThan(128 * 1024 + (2 * CHUNK_CHARS) / 4);
	});

	it('sends the items so far when the next one would take them past CHUNK_CHARS', () => {
		const chunks = pack([item(1, 'ж'.repeat(CHUNK_CHARS - 1000)), item(2, 'ж'.repeat(CHUNK_CHARS / 2)), item(3)]);
		expect(chunks.map((chunk) => decodeItems(chunk).map(({ id }) => id))).toEqual([['1'], ['2', '3']]);
	});

	it('sends an item longer than CHUNK_CHARS alone, and takes nothing when empty', () => {
		const packer = new ChunkPacker();
		expect(packer.take()).toBeUndefined();
		expect(pack([item(1, 'x'.repeat(CHUNK_CHARS + 1)), item(2)], packer).map((chunk) => decodeItems(chunk).length)).toEqual([
			1, 1
		]);
	});

	it('honours a smaller item limit', () => {
		expect(
			pack(
				[1, 2, 3].map((n) => item(n)),
				new ChunkPacker(1)
			)
		).toHaveLength(3);
	});
});
