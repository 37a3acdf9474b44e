import { describe, expect, it } from 'vitest';
import { MAX_TOKENIZED_CHARS, countTerms, splitTokens, tokenCounts, tokenize } from '../../../src/lib/pipeline/triage/text';

describe('tokenizer', () => {
	it('splits lower-case words, keeping domains, addresses, versions and currency signs whole', () => {
		expect(splitTokens("Don't miss: $100 at www.Example.com, mail Ann@Example.com re exmh-2.5!")).toEqual([
			"don't",
			'miss',
			'$',
			'100',
			'at',
			'www.example.com',
			'mail',
			'ann@example.com',
			're',
			'exmh-2.5'
		]);
	});

	it('reads letters of any script and drops runs too long to be words', () => {
		expect(splitTokens('Grüße aus Köln — привет мир')).toEqual(['grüße', 'aus', 'köln', 'привет', 'мир']);
		expect(splitTokens(`short ${'A'.repeat(41)} end`)).toEqual(['short', 'end']);
		expect(splitTokens('\ufffd\ufffd ok')).toEqual(['ok']);
	});

	it('reads at most the first characters of a huge text', () => {
		const text = `${'word '.repeat(MAX_TOKENIZED_CHARS / 5)}tail`;
		expect(splitTokens(text)).not.toContain('tail');
		expect(splitTokens(text)).toHaveLength(MAX_TOKENIZED_CHARS / 5);
	});

	it('tokenises the same body once: the last result is reused', () => {
		const body = 'the printer jams again';
		const first = tokenize(body);
		expect(tokenize(`${body}`)).toBe(first);
		expect(tokenCounts(body)).toBe(tokenCounts(body));
		expect(tokenize('another body')).not.toBe(first);
		expect(Object.isFrozen(first)).toBe(true);
	});

	it('counts terms, optionally under a prefix', () => {
		expect([...countTerms(['a', 'b', 'a'], 'subject:')]).toEqual([
			['subject:a', 2],
			['subject:b', 1]
		]);
		expect(tokenCounts('spam spam eggs').get('spam')).toBe(2);
	});
});
