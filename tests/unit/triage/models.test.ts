import { describe, expect, it } from 'vitest';
import type { FeatureGroups } from '../../../src/lib/pipeline/triage/features';
import { NaiveBayesModel } from '../../../src/lib/pipeline/triage/models/bayes';
import { BloomSet } from '../../../src/lib/pipeline/triage/models/bloom';
import { Bm25Index } from '../../../src/lib/pipeline/triage/models/bm25';
import { LogisticModel } from '../../../src/lib/pipeline/triage/models/logistic';
import { Random } from '../../../src/lib/pipeline/triage/models/random';
import { countTerms } from '../../../src/lib/pipeline/triage/text';

const groups = (text: string): FeatureGroups => [countTerms(text.split(' '))];
const toy = [
	{ text: 'cheap pills buy now', label: 'spam' },
	{ text: 'buy cheap watches now', label: 'spam' },
	{ text: 'free pills offer', label: 'spam' },
	{ text: 'meeting notes attached', label: 'ham' },
	{ text: 'notes from the meeting', label: 'ham' },
	{ text: 'lunch meeting tomorrow', label: 'ham' }
];

describe('LogisticModel', () => {
	const train = (seed: number) =>
		LogisticModel.train(
			toy.map((d) => ({ features: groups(d.text), positive: d.label === 'spam' })),
			{ epochs: 30, learningRate: 0.5, l2: 0, minDocs: 1, random: new Random(seed) }
		);

	it('learns a separable toy problem and survives a round trip through its artifact', () => {
		const model = LogisticModel.fromArtifact(JSON.parse(JSON.stringify(train(1).toArtifact())));
		expect(model.predict(groups('cheap pills'))).toBeGreaterThan(0.5);
		expect(model.predict(groups('meeting notes'))).toBeLessThan(0.5);
		expect(model.contributions(groups('cheap meeting'), 5).map((c) => c.token)).toEqual(
			expect.arrayContaining(['cheap', 'meeting'])
		);
	});

	it('trains the same weights from the same seed', () => {
		expect(train(7).toArtifact()).toEqual(train(7).toArtifact());
	});
});

describe('NaiveBayesModel', () => {
	const model = NaiveBayesModel.train(
		toy.map((d) => ({ features: groups(d.text), label: d.label })),
		{ alpha: 1, minCount: 1, temperature: 1 }
	);

	it('gives class probabilities that sum to one, and the prior for unknown words', () => {
		const p = model.probabilities(groups('cheap pills now'));
		expect(model.classes).toEqual(['ham', 'spam']);
		expect(p[0] + p[1]).toBeCloseTo(1, 10);
		expect(p[1]).toBeGreaterThan(0.9);
		expect(model.probabilities(groups('zebra'))).toEqual([0.5, 0.5]);
	});

	it('softens its posteriors by its temperature without changing the winning class', () => {
		const warmer = NaiveBayesModel.fromArtifact({ ...model.toArtifact(), temperature: 2 });
		const [ham, spam] = model.probabilities(groups('cheap pills now'));
		const [warmHam, warmSpam] = warmer.probabilities(groups('cheap pills now'));
		// Log odds halved: odds become their square root.
		expect(warmSpam / warmHam).toBeCloseTo(Math.sqrt(spam / ham), 10);
		expect(warmSpam).toBeGreaterThan(0.5);
		expect(warmSpam).toBeLessThan(spam);
	});

	it('names the words that argued for a class', () => {
		const [top] = model.contributions(groups('pills meeting pills'), 1, 1);
		expect(top).toMatchObject({ token: 'pills' });
		expect(top.weight).toBeGreaterThan(0);
	});
});

describe('Bm25Index', () => {
	const index = Bm25Index.build(
		toy.map((d, i) => ({ doc: { id: `d${i}`, subject: d.text, spam: d.label === 'spam', queue: null }, terms: groups(d.text) })),
		{ k1: 1.2, b: 0.75, minDocs: 1, maxDocShare: 0.5 }
	);

	it('ranks the documents sharing the rarest terms first', () => {
		const hits = index.search(index.queryTerms(groups('cheap watches'), 20), 3);
		expect(hits.map((h) => h.doc.id)).toEqual(['d1', 'd0']);
		expect(hits[0].score).toBeGreaterThan(hits[1].score);
	});

	it('keeps the most distinctive query terms and adds up terms shared by groups', () => {
		const query = index.queryTerms([countTerms(['meeting', 'lunch', 'unknown']), countTerms(['meeting'])], 1);
		expect(query).toEqual([{ term: 'lunch', weight: expect.any(Number) }]);
	});

	it('gives the same results after a round trip through its artifact, and resets between searches', () => {
		const copy = Bm25Index.fromArtifact(JSON.parse(JSON.stringify(index.toArtifact())));
		const query = index.queryTerms(groups('notes meeting'), 20);
		expect(copy.search(query, 2)).toEqual(index.search(query, 2));
		expect(index.search(query, 2)).toEqual(index.search(query, 2));
	});
});

describe('BloomSet', () => {
	it('has no false negatives and reloads from its artifact', () => {
		const domains = Array.from({ length: 500 }, (_, i) => `spam${i}.example`);
		const set = BloomSet.fromArtifact(JSON.parse(JSON.stringify(BloomSet.build(domains, 0.001).toArtifact())));
		expect(domains.every((d) => set.has(d))).toBe(true);
		const strangers = Array.from({ length: 5000 }, (_, i) => `ham${i}.example`).filter((d) => set.has(d));
		expect(strangers.length).toBeLessThan(25);
		expect(set.items).toBe(500);
	});

	it('stays usable when empty', () => {
		const empty = BloomSet.build([], 0.001);
		expect(empty.items).toBe(0);
		expect(empty.has('example.com')).toBe(false);
	});
});
