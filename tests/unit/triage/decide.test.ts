import { describe, expect, it } from 'vitest';
import { runStep } from '../../../src/lib/pipeline/kit';
import { decide } from '../../../src/lib/pipeline/triage/steps/decide';

const calm = {
	spamScore: 0.02,
	spamThreshold: 0.5,
	reviewMargin: 0.05,
	blocklisted: false,
	queue: 'exmh',
	queueConfidence: 0.9,
	minRouteConfidence: 0.5,
	similarSpamShare: 0,
	sentiment: 'neutral' as const
};

describe('decide', () => {
	it('routes a confident ham mail to its queue', async () => {
		const { output, debug } = await runStep(decide, calm, { debug: true });
		expect(output).toMatchObject({ action: 'route', queue: 'exmh' });
		expect(debug?.fired).toBe('confident queue');
		expect(output.reasons).toEqual(['looks like a "exmh" mail (90% sure)']);
	});

	it('never calls a probability short of certain "100%" or above zero "0%"', async () => {
		const { output } = await runStep(decide, { ...calm, queueConfidence: 0.99984 });
		expect(output.reasons).toEqual(['looks like a "exmh" mail (over 99% sure)']);
		const borderline = await runStep(decide, { ...calm, spamScore: 0.004, spamThreshold: 0.01 });
		expect(borderline.output.reasons[0]).toBe('spam score under 1% is within 5% of the threshold');
	});

	it('quarantines a blocklisted sender whatever the score, and says why first', async () => {
		const { output } = await runStep(decide, { ...calm, blocklisted: true });
		expect(output.action).toBe('quarantine');
		expect(output.queue).toBeNull();
		expect(output.reasons[0]).toMatch(/blocklist/);
	});

	it('quarantines a clear spam score and sends a borderline one to review', async () => {
		expect((await runStep(decide, { ...calm, spamScore: 0.97 })).output.action).toBe('quarantine');
		expect((await runStep(decide, { ...calm, spamScore: 0.52 })).output.action).toBe('review');
	});

	it('sends a mail to review when most similar past mails were spam', async () => {
		expect((await runStep(decide, { ...calm, similarSpamShare: 0.8 })).output.action).toBe('review');
	});

	it('delivers when the queue is unsure, noting a negative tone', async () => {
		const { output } = await runStep(decide, { ...calm, queueConfidence: 0.3, sentiment: 'negative' });
		expect(output.action).toBe('deliver');
		expect(output.reasons.join(' ')).toMatch(/negative/);
	});

	it('rejects an out-of-range score naming the field', async () => {
		await expect(runStep(decide, { ...calm, spamScore: 2 })).rejects.toThrow(/input\.spamScore/);
	});
});

describe('decide reasons', () => {
	it('does not give a queue as a reason for quarantined spam', async () => {
		const { output } = await runStep(decide, { ...calm, spamScore: 0.99 });
		expect(output.action).toBe('quarantine');
		expect(output.reasons.join(' ')).not.toMatch(/exmh/);
	});
});
