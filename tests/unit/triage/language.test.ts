import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { language } from '../../../src/lib/pipeline/triage/steps/language';
import { megabyteBody, runScript, testMail } from './fixtures';

/** The text the composition hands the step: clean subject and body, cut to the analysis window. */
const windowOf = (mail: { cleanSubject: string; body: string }) => `${mail.cleanSubject}\n${mail.body}`.slice(0, 2_000);

describe('language step', () => {
	beforeAll(() => runScript('data.mjs'));

	it('identifies an English ham mail and a German mail from the test split', async () => {
		const ham = await runStep(language, { text: windowOf(testMail('ham').parsed) });
		expect(ham.output.language).toBe('en');
		expect(ham.output.confidence).toBeGreaterThan(0.5);
		const german = await runStep(language, { text: windowOf(testMail('german').parsed) });
		expect(german.output.language).toBe('de');
	});

	it('reads past line breaks (fastText alone would stop at the first one)', async () => {
		const { output } = await runStep(language, { text: 'Hi\nGuten Tag, wie geht es Ihnen heute? Ich hoffe, es geht Ihnen gut.' });
		expect(output.language).toBe('de');
	});

	it('names other scripts with ISO 639-1 codes', async () => {
		expect((await runStep(language, { text: 'Здравствуйте! Это письмо о вашем заказе.' })).output.language).toBe('ru');
		expect((await runStep(language, { text: '日本語のテキストです。東京は大きな都市です。' })).output.language).toBe('ja');
	});

	it('answers "und" with zero confidence when there are no letters', async () => {
		for (const text of ['', '   \n ', '12345 !!! ---']) {
			expect((await runStep(language, { text })).output).toEqual({ language: 'und', confidence: 0 });
		}
	});

	it('gives the top five languages as probabilities in debug, and the same output without', async () => {
		const text = 'Bonjour, pourriez-vous m’envoyer la facture du mois dernier ? Merci beaucoup.';
		const plain = await runStep(language, { text });
		const traced = await runStep(language, { text }, { debug: true });
		expect(traced.output).toEqual(plain.output);
		expect(plain.debug).toBeUndefined();
		const top = Object.entries(traced.debug?.top ?? {});
		expect(top).toHaveLength(5);
		expect(top[0]).toEqual(['fr', plain.output.confidence]);
		for (const [, p] of top) expect(p).toBeGreaterThanOrEqual(0);
	});

	it('stays on the first characters of a huge text', async () => {
		const { output } = await runStep(language, { text: megabyteBody().slice(0, 100_000) });
		expect(output.language).toBe('en');
	});

	it('rejects a missing or oversized text naming the field', async () => {
		const missing = await runStep(language, {}).catch((error: unknown) => error);
		expect(missing).toBeInstanceOf(InputError);
		expect((missing as InputError).issues[0].path).toEqual(['input', 'text']);
		await expect(runStep(language, { text: 'x'.repeat(100_001) })).rejects.toThrow(/input\.text/);
	});
});
