import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { parseEmail } from '../../../src/lib/pipeline/triage/mime';
import { route } from '../../../src/lib/pipeline/triage/steps/route';
import { MAX_TOKENIZED_CHARS } from '../../../src/lib/pipeline/triage/text';
import { ensureArtifacts, megabyteBody, testItems, testMail } from './fixtures';

const QUEUES = ['exmh', 'fork', 'linux-ie', 'other', 'rpm', 'spam-tools'];

beforeAll(ensureArtifacts);

describe('route step', () => {
	it('routes a real list mail to its queue', async () => {
		const mail = testMail('ham');
		const { output } = await runStep(route, { subject: mail.parsed.cleanSubject, body: mail.parsed.body });
		expect(output.queue).toBe(mail.label.queue);
		expect(output.confidence).toBeGreaterThan(0.5);
	});

	it('routes at least 90% of 150 test ham mails right, over every queue', async () => {
		const ham = testItems()
			.filter((item) => !item.label.spam)
			.slice(0, 150);
		const seen = new Set<string>();
		let right = 0;
		for (const item of ham) {
			const mail = parseEmail(item.input);
			const { output } = await runStep(route, { subject: mail.cleanSubject, body: mail.body });
			seen.add(output.queue);
			if (output.queue === item.label.queue) right++;
		}
		expect(right / ham.length).toBeGreaterThan(0.9);
		expect(seen.size).toBeGreaterThanOrEqual(5);
	});

	it('is about as sure as it is right: log loss of the true queue under 0.2 over the test ham', async () => {
		// Uncalibrated, naive Bayes put nearly every mail at 99.99%, the wrong ones too: a log loss of 0.38 here.
		const ham = testItems().filter((item) => !item.label.spam && item.label.queue !== null);
		let loss = 0;
		for (const item of ham) {
			const mail = parseEmail(item.input);
			const { debug } = await runStep(route, { subject: mail.cleanSubject, body: mail.body }, { debug: true });
			loss -= Math.log(Math.max(debug?.probabilities[item.label.queue as string] ?? 0, 1e-12));
		}
		expect(loss / ham.length).toBeLessThan(0.2);
	});

	it('reads only the subject and body: list headers and list tags cannot reach it', () => {
		expect(Object.keys(route.input.shape).sort()).toEqual(['body', 'subject']);
	});

	it('gives the probability of every queue in debug only', async () => {
		const mail = testMail('ham');
		const input = { subject: mail.parsed.cleanSubject, body: mail.parsed.body };
		expect((await runStep(route, input)).debug).toBeUndefined();
		const { output, debug } = await runStep(route, input, { debug: true });
		const probabilities = debug?.probabilities ?? {};
		expect(Object.keys(probabilities).sort()).toEqual(QUEUES);
		expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
		expect(probabilities[output.queue]).toBe(output.confidence);
		expect(Math.max(...Object.values(probabilities))).toBe(output.confidence);
	});

	it.each(['german', 'html', 'oddCharset', 'spam'] as const)('routes a %s mail to a known queue', async (kind) => {
		const { parsed } = testMail(kind);
		const { output } = await runStep(route, { subject: parsed.cleanSubject, body: parsed.body });
		expect(QUEUES).toContain(output.queue);
		expect(output.confidence).toBeGreaterThanOrEqual(1 / QUEUES.length);
	});

	it('falls back to the prior for an empty mail', async () => {
		const { output } = await runStep(route, { subject: '', body: '' });
		expect(QUEUES).toContain(output.queue);
		expect(output.confidence).toBeLessThan(1);
	});

	it('reads only the first characters of a 1 MB body', async () => {
		const { parsed } = testMail('ham');
		const padded = parsed.body + ' '.repeat(MAX_TOKENIZED_CHARS);
		const alone = await runStep(route, { subject: parsed.cleanSubject, body: padded });
		const withTail = await runStep(route, { subject: parsed.cleanSubject, body: padded + megabyteBody() });
		expect(withTail.output).toEqual(alone.output);
	});

	it('names the field of a bad input', async () => {
		for (const [input, field] of [
			[{ body: 'x' }, 'subject'],
			[{ subject: 'x', body: null }, 'body']
		] as const) {
			const error = await runStep(route, input).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(InputError);
			expect((error as InputError).issues[0].path).toEqual(['input', field]);
		}
	});

	it('routes its examples to exmh and rpm', async () => {
		const queues = [];
		for (const example of route.examples ?? []) queues.push((await runStep(route, example)).output.queue);
		expect(queues).toEqual(['exmh', 'rpm']);
	});
});
