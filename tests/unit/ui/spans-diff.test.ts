import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../../src/lib/pipeline/kit';
import { canonicalJson, compareTraces } from '../../../src/lib/ui/diff';
import { segments } from '../../../src/lib/ui/spans';

describe('segments', () => {
	it('cuts the text into plain and labelled parts that put it back together', () => {
		const text = 'Pay $500 by Friday please';
		const { segments: parts, hidden } = segments(text, [
			{ start: 12, end: 18, label: 'date' },
			{ start: 4, end: 8, label: 'money' }
		]);
		expect(parts).toEqual([
			{ text: 'Pay ' },
			{ text: '$500', label: 'money' },
			{ text: ' by ' },
			{ text: 'Friday', label: 'date' },
			{ text: ' please' }
		]);
		expect(parts.map((p) => p.text).join('')).toBe(text);
		expect(hidden).toBe(0);
	});

	it('counts overlapping, empty and out-of-view spans as hidden', () => {
		const { segments: parts, hidden } = segments(
			'abcdefghij',
			[
				{ start: 0, end: 5, label: 'a' },
				{ start: 3, end: 7, label: 'overlap' },
				{ start: 6, end: 6, label: 'empty' },
				{ start: 8, end: 20, label: 'cut' }
			],
			9
		);
		expect(parts).toEqual([{ text: 'abcde', label: 'a' }, { text: 'fgh' }, { text: 'i', label: 'cut' }]);
		expect(hidden).toBe(2);
	});
});

describe('compareTraces', () => {
	const ok = (step: string, output: unknown): TraceEntry => ({
		step,
		status: 'ok',
		startMs: 0,
		input: {},
		output,
		durationMs: 1
	});

	it('marks the steps whose output or status differs and names the first', () => {
		const a = [ok('tokens', { n: 1 }), ok('count', { words: 3, distinct: 2 }), ok('verdict', { long: false })];
		const b: TraceEntry[] = [
			ok('tokens', { n: 1 }),
			ok('count', { distinct: 2, words: 4 }),
			{ step: 'verdict', status: 'skipped', startMs: 2, reason: 'flag off' }
		];
		const result = compareTraces(['tokens', 'count', 'verdict', 'never'], a, b);
		expect(result.steps.map((s) => [s.step, s.differs])).toEqual([
			['tokens', false],
			['count', true],
			['verdict', true],
			['never', false]
		]);
		expect(result.firstDifference).toBe('count');
	});

	it('ignores key order and timing', () => {
		expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
		const a = [{ ...ok('x', { p: 1, q: 2 }), durationMs: 5 }];
		const b = [{ ...ok('x', { q: 2, p: 1 }), durationMs: 9 }];
		expect(compareTraces(['x'], a, b).firstDifference).toBeUndefined();
	});
});
