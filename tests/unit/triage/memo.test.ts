import { describe, expect, it } from 'vitest';
import { memoByText } from '../../../src/lib/pipeline/triage/memo';

describe('memoByText', () => {
	it('computes each of the recent texts once, however their uses interleave, and forgets the oldest', () => {
		const computed: string[] = [];
		const length = memoByText((text) => {
			computed.push(text);
			return text.length;
		}, 3);
		// Three runs interleaved step by step, as a server interleaves requests.
		for (const step of [1, 2]) for (const text of ['a', 'bb', 'ccc']) expect(length(text), `step ${step}`).toBe(text.length);
		expect(computed).toEqual(['a', 'bb', 'ccc']);
		length('dddd');
		length('bb');
		length('a');
		expect(computed).toEqual(['a', 'bb', 'ccc', 'dddd', 'a']);
	});
});
