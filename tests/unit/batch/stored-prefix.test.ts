import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoredPrefix } from '../../../server/batch/stored-prefix';

describe('StoredPrefix', () => {
	it('stops before the first item read and not yet stored', () => {
		const prefix = new StoredPrefix();
		expect(prefix.line).toBe(0);
		for (const line of [1, 2, 3, 4]) prefix.read(line, true);
		prefix.stored([2, 3]);
		expect(prefix.line).toBe(0);
		prefix.stored([1]);
		expect(prefix.line).toBe(3);
		prefix.stored([4]);
		expect(prefix.line).toBe(4);
	});

	it('is not held back by lines that will never be stored (malformed, stored by an earlier session)', () => {
		const prefix = new StoredPrefix();
		prefix.read(1, false);
		prefix.read(2, true);
		prefix.read(3, false);
		expect(prefix.line).toBe(1);
		prefix.stored([2]);
		expect(prefix.line).toBe(3);
	});

	it('keeps its place after dropping a long stored run of lines', () => {
		const prefix = new StoredPrefix();
		for (let line = 1; line <= 10_000; line++) prefix.read(line, true);
		prefix.stored(Array.from({ length: 5000 }, (_, i) => i + 1));
		expect(prefix.line).toBe(5000);
		prefix.stored([5002]);
		expect(prefix.line).toBe(5000);
		prefix.stored([5001]);
		expect(prefix.line).toBe(5002);
	});

	it('matches the lowest unstored line whatever order items are stored in', () => {
		fc.assert(
			fc.property(
				fc.array(fc.boolean(), { minLength: 1, maxLength: 12_000, size: 'max' }),
				fc.integer({ min: 50, max: 2000 }),
				fc.integer(),
				(willStore, batch, seed) => {
					const prefix = new StoredPrefix();
					const items: number[] = [];
					willStore.forEach((store, i) => {
						prefix.read(i + 1, store);
						if (store) items.push(i + 1);
					});
					// A seeded shuffle: chunks finish in any order. Past 4,096 stored lines the queue is compacted.
					let state = seed >>> 0;
					for (let i = items.length - 1; i > 0; i--) {
						state = (state * 1664525 + 1013904223) >>> 0;
						const j = state % (i + 1);
						[items[i], items[j]] = [items[j], items[i]];
					}
					const pending = new Set(items);
					for (let i = 0; i < items.length; i += batch) {
						const stored = items.slice(i, i + batch);
						prefix.stored(stored);
						for (const line of stored) pending.delete(line);
						const lowest = Math.min(...pending);
						expect(prefix.line).toBe(pending.size ? lowest - 1 : willStore.length);
					}
				}
			),
			{ numRuns: 60 }
		);
	});
});
