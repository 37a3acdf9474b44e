import { describe, expect, it } from 'vitest';
import { memoLastText } from '../../../src/lib/pipeline/triage/memo';

describe('memoLastText', () => {
	it('computes a text once while it is the last one asked for', () => {
		const computed: string[] = [];
		const length = memoLastText((text) => {
			computed.push(text);
			return text.length;
		});
		for (const text of ['a', 'a', 'bb', 'bb', 'bb', 'a']) expect(length(text)).toBe(text.length);
		expect(computed).toEqual(['a', 'bb', 'a']);
	});
});
