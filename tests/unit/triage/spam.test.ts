import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { parseEmail } from '../../../src/lib/pipeline/triage/mime';
import { spam } from '../../../src/lib/pipeline/triage/steps/spam';
import { MAX_TOKENIZED_CHARS } from '../../../src/lib/pipeline/triage/text';
import { ensureArtifacts, megabyteBody, spamInput, testItems, testMail } from './fixtures';

const models = ['logistic', 'bayes'] as const;

beforeAll(ensureArtifacts);

async function inputError(input: unknown): Promise<InputError> {
	const error = await runStep(spam, input).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(InputError);
	return error as InputError;
}

describe('spam step', () => {
	it.each(models)('%s: scores a real spam high and a real ham low', async (model) => {
		const spamMail = await runStep(spam, { ...spamInput(testMail('spam').parsed), model });
		const hamMail = await runStep(spam, { ...spamInput(testMail('ham').parsed), model });
		expect(spamMail.output.spam).toBe(true);
		expect(spamMail.output.score).toBeGreaterThan(0.5);
		expect(hamMail.output.spam).toBe(false);
		expect(hamMail.output.score).toBeLessThan(0.5);
	});

	it.each(models)('%s: gets nearly all of 200 test mails right', async (model) => {
		const items = testItems().slice(0, 200);
		let right = 0;
		for (const item of items) {
			const { output } = await runStep(spam, { ...spamInput(parseEmail(item.input)), model });
			if (output.spam === item.label.spam) right++;
		}
		expect(right / items.length).toBeGreaterThan(0.95);
	});

	it('defaults to logistic regression at threshold 0.5, and the threshold decides', async () => {
		const mail = spamInput(testMail('spam').parsed);
		const byDefault = await runStep(spam, mail);
		const explicit = await runStep(spam, { ...mail, model: 'logistic', threshold: 0.5 });
		expect(byDefault.output).toEqual(explicit.output);
		expect((await runStep(spam, { ...mail, threshold: 0 })).output.spam).toBe(true);
		const strict = await runStep(spam, { ...mail, threshold: 1 });
		expect(strict.output.spam).toBe(strict.output.score >= 1);
	});

	it.each(models)('%s: explains the score with the most influential features, only in debug', async (model) => {
		const mail = { ...spamInput(testMail('spam').parsed), model };
		expect((await runStep(spam, mail)).debug).toBeUndefined();
		const { output, debug } = await runStep(spam, mail, { debug: true });
		expect(debug?.probability).toBe(output.score);
		expect(debug?.tokens.length).toBeGreaterThan(3);
		expect(debug?.tokens.length).toBeLessThanOrEqual(15);
		const sizes = debug?.tokens.map((t) => Math.abs(t.weight)) ?? [];
		expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
		// A spam is spam mostly because of features that push towards spam.
		expect(debug?.tokens.filter((t) => t.weight > 0).length).toBeGreaterThan(debug!.tokens.length / 2);
	});

	it.each(['german', 'html', 'oddCharset'] as const)('scores a %s mail of the test split sanely', async (kind) => {
		const mail = testMail(kind);
		for (const model of models) {
			const { output } = await runStep(spam, { ...spamInput(mail.parsed), model });
			expect(output.score).toBeGreaterThanOrEqual(0);
			expect(output.score).toBeLessThanOrEqual(1);
		}
	});

	it('scores an empty mail with no headers', async () => {
		const empty = {
			subject: '',
			body: '',
			from: null,
			senderDomain: null,
			mailer: null,
			contentType: null,
			hasListHeaders: false
		};
		for (const model of models) {
			const { output } = await runStep(spam, { ...empty, model });
			expect(Number.isFinite(output.score)).toBe(true);
		}
	});

	it('reads only the first characters of a 1 MB body', async () => {
		const ham = spamInput(testMail('ham').parsed);
		const padded = ham.body + ' '.repeat(MAX_TOKENIZED_CHARS);
		for (const model of models) {
			const alone = await runStep(spam, { ...ham, body: padded, model });
			const withSpamTail = await runStep(spam, { ...ham, body: padded + megabyteBody(), model });
			expect(withSpamTail.output).toEqual(alone.output);
			expect((await runStep(spam, { ...ham, body: megabyteBody(), model })).output.spam).toBe(true);
		}
	});

	it('names the field of a bad input', async () => {
		const mail = spamInput(testMail('ham').parsed);
		expect((await inputError({ ...mail, model: 'svm' })).issues[0].path).toEqual(['input', 'model']);
		expect((await inputError({ ...mail, threshold: 1.5 })).issues[0].path).toEqual(['input', 'threshold']);
		const { body: _body, ...noBody } = mail;
		expect((await inputError(noBody)).issues[0].path).toEqual(['input', 'body']);
		expect((await inputError({ ...mail, senderDomain: 42 })).issues[0].path).toEqual(['input', 'senderDomain']);
	});

	it('runs its examples', async () => {
		for (const example of spam.examples ?? []) {
			const { output } = await runStep(spam, example);
			expect(output.score).toBeGreaterThanOrEqual(0);
		}
		const [offer, rpm] = spam.examples ?? [];
		expect((await runStep(spam, offer)).output.spam).toBe(true);
		expect((await runStep(spam, rpm)).output.spam).toBe(false);
	});
});
