import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { sentiment } from '../../../src/lib/pipeline/triage/steps/sentiment';
import { runScript, testMail } from './fixtures';

const MODELS = ['vader', 'afinn', 'wink'] as const;
const POSITIVE = 'Thank you so much, the new release works great and the support team was wonderful!';
const NEGATIVE = 'This is terrible. The order never arrived, nobody answers, and I am very angry.';

describe('sentiment step', () => {
	beforeAll(() => runScript('data.mjs'));

	it.each(MODELS)('%s tells a glowing text from an angry one', async (model) => {
		const positive = await runStep(sentiment, { text: POSITIVE, model });
		const negative = await runStep(sentiment, { text: NEGATIVE, model });
		expect(positive.output.label).toBe('positive');
		expect(negative.output.label).toBe('negative');
		expect(positive.output.score).toBeGreaterThan(negative.output.score);
	});

	it.each(MODELS)('%s scores real mails, empty text and a 100k text within -1..1', async (model) => {
		const texts = [
			testMail('spam').parsed.body,
			testMail('ham').parsed.body,
			testMail('oddCharset').parsed.body,
			'',
			'great! '.repeat(14_000)
		];
		for (const text of texts) {
			const { output } = await runStep(sentiment, { text: text.slice(0, 100_000), model });
			expect(output.score).toBeGreaterThanOrEqual(-1);
			expect(output.score).toBeLessThanOrEqual(1);
		}
		expect((await runStep(sentiment, { text: '', model })).output).toEqual({ score: 0, label: 'neutral' });
	});

	it.each(MODELS)('%s hears a negation', async (model) => {
		expect((await runStep(sentiment, { text: 'The update is not good.', model })).output.label).toBe('negative');
	});

	it('scores each sentence in debug, with the same output as without', async () => {
		const text = 'I love the new design. The checkout page is broken and useless.';
		for (const model of MODELS) {
			const plain = await runStep(sentiment, { text, model });
			const traced = await runStep(sentiment, { text, model }, { debug: true });
			expect(traced.output).toEqual(plain.output);
			expect(plain.debug).toBeUndefined();
			const [first, second] = traced.debug?.sentences ?? [];
			expect(first.sentence).toBe('I love the new design.');
			expect(first.score).toBeGreaterThan(0);
			expect(second.score).toBeLessThan(0);
		}
	});

	it('defaults to wink and rejects unknown models naming the field', async () => {
		const byDefault = await runStep(sentiment, { text: POSITIVE });
		expect(byDefault.output).toEqual((await runStep(sentiment, { text: POSITIVE, model: 'wink' })).output);
		const error = await runStep(sentiment, { text: POSITIVE, model: 'bert' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).issues[0].path).toEqual(['input', 'model']);
	});
});
