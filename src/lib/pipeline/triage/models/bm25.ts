import type { FeatureGroups } from '../features';
import { encodeVarints, readVarints, skipVarints } from './varint';

export interface SearchDocument {
	id: string;
	subject: string;
	spam: boolean;
	queue: string | null;
}

export const BM25_FORMAT = 'bm25/3';

/** Columns, parallel arrays and packed bytes rather than objects: a fraction of the size, and quick to parse. */
export interface Bm25Artifact {
	format: typeof BM25_FORMAT;
	k1: number;
	b: number;
	docs: { ids: string[]; subjects: string[]; spam: (0 | 1)[]; queues: (string | null)[]; lengths: number[] };
	/** Indexed terms, sorted. */
	terms: string[];
	/** How many documents hold `terms[i]`. */
	documents: number[];
	/**
	 * Base64 of the posting lists of all terms in order, as varints: per term, [doc gap, term frequency]
	 * for each of its documents, documents ascending.
	 */
	postings: string;
}

export interface Bm25Options {
	k1: number;
	b: number;
	/** Terms in fewer documents are dropped: they cannot link two mails. */
	minDocs: number;
	/** Terms in more than this share of documents are dropped: they link every mail. */
	maxDocShare: number;
}

export interface WeightedTerm {
	term: string;
	weight: number;
}

export interface SearchHit {
	doc: SearchDocument;
	score: number;
}

interface Posting {
	docs: Int32Array;
	frequencies: Int32Array;
}

/** Term counts of groups that may share terms (subject and body), added up. */
function mergeGroups(groups: FeatureGroups): Map<string, number> {
	const merged = new Map(groups[0]);
	for (const group of groups.slice(1)) for (const [term, n] of group) merged.set(term, (merged.get(term) ?? 0) + n);
	return merged;
}

/** A term in several groups is weighed once, with its total count, at its first group. */
function sharedWithEarlier(groups: FeatureGroups, g: number, term: string): boolean {
	for (let earlier = 0; earlier < g; earlier++) if (groups[earlier].has(term)) return true;
	return false;
}

/** Keeps `best` as the top `limit` items seen so far, best first: one pass, no full sort. */
function insertRanked<T>(best: T[], item: T, limit: number, ranksBefore: (a: T, b: T) => boolean): void {
	if (best.length === limit && !ranksBefore(item, best[limit - 1])) return;
	let at = best.length;
	while (at > 0 && ranksBefore(item, best[at - 1])) at--;
	best.splice(at, 0, item);
	if (best.length > limit) best.pop();
}

/** Okapi BM25 over an inverted index; queries use only a mail's most distinctive terms, which keeps them fast. */
export class Bm25Index {
	private readonly rows = new Map<string, number>();
	private readonly bytes: Uint8Array;
	/** Where each term's posting list starts in `bytes`. */
	private readonly offsets: Int32Array;
	/** Posting lists are decoded on first use: start-up stays short, and most terms are never queried. */
	private readonly decoded: (Posting | undefined)[];
	private readonly idfs: Float64Array;
	private readonly lengthNorms: Float64Array;
	private readonly scores: Float64Array;

	private constructor(private readonly artifact: Bm25Artifact) {
		const { k1, b, docs, terms, documents } = artifact;
		const count = docs.ids.length;
		const averageLength = docs.lengths.reduce((a, n) => a + n, 0) / Math.max(count, 1);
		this.lengthNorms = Float64Array.from(docs.lengths, (n) => k1 * (1 - b + (b * n) / Math.max(averageLength, 1)));
		this.scores = new Float64Array(count);
		this.idfs = Float64Array.from(documents, (n) => Math.log(1 + (count - n + 0.5) / (n + 0.5)));
		terms.forEach((term, row) => this.rows.set(term, row));
		this.bytes = Buffer.from(artifact.postings, 'base64');
		this.offsets = new Int32Array(terms.length);
		for (let row = 0, position = 0; row < terms.length; row++) {
			this.offsets[row] = position;
			position = skipVarints(this.bytes, position, 2 * documents[row]);
		}
		this.decoded = new Array(terms.length);
	}

	private posting(row: number): Posting {
		let posting = this.decoded[row];
		if (!posting) {
			const pairs = new Int32Array(2 * this.artifact.documents[row]);
			readVarints(this.bytes, this.offsets[row], pairs);
			const docs = new Int32Array(pairs.length / 2);
			const frequencies = new Int32Array(pairs.length / 2);
			for (let i = 0, doc = 0; i < docs.length; i++) {
				doc += pairs[2 * i];
				docs[i] = doc;
				frequencies[i] = pairs[2 * i + 1];
			}
			posting = this.decoded[row] = { docs, frequencies };
		}
		return posting;
	}

	get size(): number {
		return this.artifact.docs.ids.length;
	}

	static fromArtifact(artifact: Bm25Artifact): Bm25Index {
		return new Bm25Index(artifact);
	}

	toArtifact(): Bm25Artifact {
		return this.artifact;
	}

	static build(entries: { doc: SearchDocument; terms: FeatureGroups }[], options: Bm25Options): Bm25Index {
		const byTerm = new Map<string, number[]>();
		const lengths: number[] = [];
		entries.forEach(({ terms }, index) => {
			const counts = mergeGroups(terms);
			let length = 0;
			for (const [term, n] of counts) {
				length += n;
				let list = byTerm.get(term);
				if (!list) byTerm.set(term, (list = []));
				list.push(index, n);
			}
			lengths.push(length);
		});
		const maxDocs = options.maxDocShare * entries.length;
		const terms = [...byTerm.keys()]
			.filter((term) => {
				const docs = (byTerm.get(term) as number[]).length / 2;
				return docs >= options.minDocs && docs <= maxDocs;
			})
			.sort();
		const gaps: number[] = [];
		for (const term of terms) {
			const list = byTerm.get(term) as number[];
			for (let i = 0, previous = 0; i < list.length; i += 2) {
				gaps.push(list[i] - previous, list[i + 1]);
				previous = list[i];
			}
		}
		return new Bm25Index({
			format: BM25_FORMAT,
			k1: options.k1,
			b: options.b,
			docs: {
				ids: entries.map((e) => e.doc.id),
				subjects: entries.map((e) => e.doc.subject),
				spam: entries.map((e) => (e.doc.spam ? 1 : 0)),
				queues: entries.map((e) => e.doc.queue),
				lengths
			},
			terms,
			documents: terms.map((term) => (byTerm.get(term) as number[]).length / 2),
			postings: Buffer.from(encodeVarints(gaps)).toString('base64')
		});
	}

	/** The `limit` indexed terms of a mail with the highest tf-idf: the query that stands for it. */
	queryTerms(groups: FeatureGroups, limit: number): WeightedTerm[] {
		const best: WeightedTerm[] = [];
		const ranksBefore = (a: WeightedTerm, b: WeightedTerm) => a.weight > b.weight || (a.weight === b.weight && a.term < b.term);
		for (let g = 0; g < groups.length; g++) {
			for (const [term, n] of groups[g]) {
				const row = this.rows.get(term);
				if (row === undefined || sharedWithEarlier(groups, g, term)) continue;
				let count = n;
				for (let later = g + 1; later < groups.length; later++) count += groups[later].get(term) ?? 0;
				const candidate = { term, weight: (1 + Math.log(count)) * this.idfs[row] };
				insertRanked(best, candidate, limit, ranksBefore);
			}
		}
		return best;
	}

	/** The `k` best documents for the query terms by BM25, best first (ties: earlier document first). */
	search(query: readonly WeightedTerm[], k: number): SearchHit[] {
		const { scores, lengthNorms } = this;
		const saturation = this.artifact.k1 + 1;
		const touched: number[] = [];
		for (const { term } of query) {
			const row = this.rows.get(term);
			if (row === undefined) continue;
			const idf = this.idfs[row] * saturation;
			const { docs, frequencies } = this.posting(row);
			for (let i = 0; i < docs.length; i++) {
				const doc = docs[i];
				if (scores[doc] === 0) touched.push(doc);
				const tf = frequencies[i];
				scores[doc] += (idf * tf) / (tf + lengthNorms[doc]);
			}
		}
		const ranksBefore = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
		const best: number[] = [];
		for (const doc of touched) insertRanked(best, doc, k, ranksBefore);
		const hits = best.map((doc) => ({ doc: this.document(doc), score: scores[doc] }));
		for (const doc of touched) scores[doc] = 0;
		return hits;
	}

	private document(index: number): SearchDocument {
		const { docs } = this.artifact;
		return { id: docs.ids[index], subject: docs.subjects[index], spam: docs.spam[index] === 1, queue: docs.queues[index] };
	}
}
