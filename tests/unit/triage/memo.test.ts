import { describe, expect, it } from 'vitest';
import { memoLastText } from '../../../src/lib/pipeline/triage/memo';

describe('memoLastText', () => {
	const counting = (maxChars?: number) => {
		const computed: string[] = [];
		const length = memoLastText((text) => {
			computed.push(text);
			return text.length;
		}, maxChars);
		return { computed, length };
	};

	it('computes a text once while it is the last one asked for', () => {
		const { computed, length } = counting();
		for (const text of ['a', 'a', 'bb', 'bb', 'bb', 'a']) expect(length(text)).toBe(text.length);
		expect(computed).toEqual(['a', 'bb', 'a']);
	});

	it('computes texts over the size limit every time instead of keeping them', () => {
		const { computed, length } = counting(3);
		length('long text');
		length('long text');
		length('ok');
		length('ok');
		expect(computed).toEqual(['long text', 'long text', 'ok']);
	});
});
