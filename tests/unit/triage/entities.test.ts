import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { entities } from '../../../src/lib/pipeline/triage/steps/entities';
import { runScript, testMail } from './fixtures';

const windowOf = (mail: { cleanSubject: string; body: string }) => `${mail.cleanSubject}\n${mail.body}`.slice(0, 2_000);

describe('entities step', () => {
	beforeAll(() => runScript('data.mjs'));

	it('finds money, dates, times, e-mail addresses and URLs with exact offsets', async () => {
		const text =
			'Order #4411: we charged $249.99 on 12 March 2002 at 3pm today.\nQuestions? Mail billing@shop.example or see http://shop.example/faq';
		const { output } = await runStep(entities, { text });
		const byType = Object.fromEntries(output.entities.map((e) => [e.type, e.value]));
		expect(byType).toMatchObject({
			MONEY: '$249.99',
			EMAIL: 'billing@shop.example',
			URL: 'http://shop.example/faq',
			TIME: '3pm'
		});
		expect(output.entities.some((e) => e.type === 'DATE' && e.value.includes('March'))).toBe(true);
		for (const entity of output.entities) expect(text.slice(entity.start, entity.end)).toBe(entity.value);
		const starts = output.entities.map((e) => e.start);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
	});

	it('keeps offsets exact on real mails with odd spacing, HTML-derived text and odd charsets', async () => {
		for (const kind of ['spam', 'ham', 'html', 'oddCharset'] as const) {
			const text = windowOf(testMail(kind).parsed);
			const { output } = await runStep(entities, { text });
			for (const entity of output.entities) expect(text.slice(entity.start, entity.end), kind).toBe(entity.value);
		}
	});

	it('gives the entities as highlight spans over the text in debug', async () => {
		const text = 'Call me on Monday about the 20% discount.';
		const { output, debug } = await runStep(entities, { text }, { debug: true });
		expect(debug?.spans).toEqual(output.entities.map((e) => ({ start: e.start, end: e.end, label: e.type })));
		expect(debug?.spans.map((s) => s.label)).toEqual(expect.arrayContaining(['DATE', 'PERCENT']));
		expect((await runStep(entities, { text })).debug).toBeUndefined();
	});

	it('reads a zero-padded number the same wherever it was first met, so earlier mails change nothing', async () => {
		// wink-nlp types a token the first time it meets it: inside a file name here, standing alone next.
		const cardinals = async (text: string) =>
			(await runStep(entities, { text })).output.entities.filter((e) => e.type === 'CARDINAL').map((e) => e.value);
		expect(await cardinals('Get tmda-0.09.tgz from the site')).toContain('09');
		expect(await cardinals('Item 09 is on the list')).toEqual(['09']);
		expect(await cardinals('Room 0042 opens at 0800')).toEqual(['0042', '0800']);
	});

	it('returns nothing for empty or entity-free text', async () => {
		expect((await runStep(entities, { text: '' })).output.entities).toEqual([]);
		expect((await runStep(entities, { text: 'just some words here' })).output.entities).toEqual([]);
	});

	it('rejects a text that is not a string naming the field', async () => {
		const error = await runStep(entities, { text: ['a'] }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).issues[0].path).toEqual(['input', 'text']);
	});
});
