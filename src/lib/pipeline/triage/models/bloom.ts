// bloom-filters is CommonJS without named ESM exports: Node gives it only as a default export.
import bloomFilters from 'bloom-filters';

const { BloomFilter } = bloomFilters;
type Filter = InstanceType<typeof BloomFilter>;
/** What bloom-filters saves and reloads (its own opaque JSON). */
type SavedFilter = ReturnType<Filter['saveAsJSON']>;

export const BLOOM_FORMAT = 'bloom/1';

export interface BloomArtifact {
	format: typeof BLOOM_FORMAT;
	items: number;
	errorRate: number;
	filter: SavedFilter;
}

/** Fixed so that the same items always give the same bits. */
const SEED = 0x5eed;

/** A set of strings with a small, known false-positive rate and no false negatives. */
export class BloomSet {
	private constructor(
		private readonly filter: Filter,
		readonly items: number,
		readonly errorRate: number
	) {}

	static build(items: Iterable<string>, errorRate: number): BloomSet {
		const sorted = [...new Set(items)].sort();
		// An empty filter cannot be sized: one unreachable item keeps it valid.
		const filter = BloomFilter.from(sorted.length ? sorted : ['\u0000'], errorRate, SEED);
		return new BloomSet(filter, sorted.length, errorRate);
	}

	static fromArtifact(artifact: BloomArtifact): BloomSet {
		return new BloomSet(BloomFilter.fromJSON(artifact.filter), artifact.items, artifact.errorRate);
	}

	toArtifact(): BloomArtifact {
		return { format: BLOOM_FORMAT, items: this.items, errorRate: this.errorRate, filter: this.filter.saveAsJSON() };
	}

	has(item: string): boolean {
		return this.filter.has(item);
	}

	get sizeBits(): number {
		return this.filter.size;
	}

	get hashes(): number {
		return this.filter._nbHashes;
	}

	/** False-positive rate for the items actually stored. */
	get expectedFalsePositiveRate(): number {
		return this.filter.rate();
	}
}
