import { describe, expect, it } from 'vitest';
import { aggregateTriage, scoreTriage } from '../../../src/lib/pipeline/triage/evaluation';

/** An output whose decision routed ham to the proposed queue (and spam nowhere), unless told where it went. */
const out = (spam: boolean, proposed: string, went: string | null = spam ? null : proposed) => ({
	spam,
	queue: went,
	route: { queue: proposed }
});

describe('triage evaluation', () => {
	it('scores the spam confusion cell and routing of ham', () => {
		expect(scoreTriage(out(true, 'fork'), { spam: true, queue: null })).toMatchObject({ spam: 'tp', correct: true });
		expect(scoreTriage(out(true, 'fork'), { spam: false, queue: 'fork' })).toMatchObject({ spam: 'fp', correct: false });
		expect(scoreTriage(out(false, 'rpm'), { spam: false, queue: 'fork' })).toMatchObject({ spam: 'tn', correct: false });
		expect(scoreTriage(out(false, 'fork'), { spam: true, queue: null })).toMatchObject({ spam: 'fn', correct: false });
	});

	it('aggregates precision, recall, F1 and macro-F1 over queues', () => {
		const scores = [
			scoreTriage(out(true, 'x'), { spam: true, queue: null }),
			scoreTriage(out(true, 'x'), { spam: true, queue: null }),
			scoreTriage(out(true, 'a'), { spam: false, queue: 'a' }),
			scoreTriage(out(false, 'x'), { spam: true, queue: null }),
			scoreTriage(out(false, 'a'), { spam: false, queue: 'a' }),
			scoreTriage(out(false, 'b'), { spam: false, queue: 'a' }),
			scoreTriage(out(false, 'b'), { spam: false, queue: 'b' })
		];
		const m = aggregateTriage(scores);
		expect(m['spam.precision']).toBeCloseTo(2 / 3);
		expect(m['spam.recall']).toBeCloseTo(2 / 3);
		expect(m['spam.f1']).toBeCloseTo(2 / 3);
		expect(m['route.items']).toBe(4);
		// a: tp 2, fn 1 -> F1 0.8; b: tp 1, fp 1 -> F1 2/3
		expect(m['route.f1.a']).toBeCloseTo(0.8);
		expect(m['route.f1.b']).toBeCloseTo(2 / 3);
		expect(m['route.macroF1']).toBeCloseTo((0.8 + 2 / 3) / 2);
	});

	it('judges ham by the queue it ended in, and the route step by its proposal', () => {
		// The route step was right, but the decision (below minRouteConfidence, say) left the mail in the general inbox.
		const unrouted = scoreTriage(out(false, 'fork', null), { spam: false, queue: 'fork' });
		expect(unrouted).toMatchObject({ correct: false, queuePredicted: 'fork', queueFinal: null });
		const scores = [
			unrouted,
			scoreTriage(out(false, 'fork'), { spam: false, queue: 'fork' }),
			scoreTriage(out(false, 'rpm'), { spam: false, queue: 'fork' }),
			scoreTriage(out(true, 'fork'), { spam: false, queue: 'fork' }),
			// Spam and ham without a known queue do not count for routing.
			scoreTriage(out(true, 'fork'), { spam: true, queue: null }),
			scoreTriage(out(false, 'rpm', null), { spam: false, queue: null })
		];
		const m = aggregateTriage(scores);
		expect(m['route.items']).toBe(4);
		expect(m['route.accuracy']).toBeCloseTo(3 / 4);
		expect([m['route.inQueue'], m['route.misrouted'], m['route.unrouted']]).toEqual([1 / 4, 1 / 4, 2 / 4]);
		expect(m.accuracy).toBeCloseTo(3 / 6);
	});

	it('gives zeros, not NaN, on an empty run', () => {
		expect(Object.values(aggregateTriage([])).every((v) => v === 0)).toBe(true);
	});
});
