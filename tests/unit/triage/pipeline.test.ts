import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, manifest, runPipeline } from '../../../src/lib/pipeline/kit';
import { triage } from '../../../src/lib/pipeline/triage';
import { ensureArtifacts, megabyteBody, testItems, testMail } from './fixtures';

beforeAll(async () => {
	await ensureArtifacts();
	await triage.load();
});

const run = (input: unknown, flags: Record<string, unknown> = {}, debug = false) => runPipeline(triage, input, { flags, debug });

describe('triage pipeline', () => {
	it('gives the same output with debug on and off over real test mails', async () => {
		for (const item of testItems().filter((_, i) => i % 25 === 0)) {
			const plain = await run(item.input);
			const traced = await run(item.input, {}, true);
			expect(traced.output).toEqual(plain.output);
			expect(plain.trace).toBeUndefined();
		}
	});

	it('traces every step in order, with skipped steps marked', async () => {
		const traced = await run(testMail('ham').input, {}, true);
		expect(traced.trace?.map((t) => t.step)).toEqual(triage.steps.map((s) => s.name));
		expect(traced.trace?.find((t) => t.step === 'enrich')).toMatchObject({ status: 'skipped' });
		expect(traced.trace?.filter((t) => t.status === 'ok').every((t) => 'output' in t && t.output !== undefined)).toBe(true);
	});

	it('quarantines a real spam mail and routes a real ham mail to its queue', async () => {
		const spam = testMail('spam');
		const ham = testMail('ham');
		const spamRun = await run(spam.input);
		const hamRun = await run(ham.input);
		expect(spamRun.output.spam).toBe(true);
		expect(['quarantine', 'review']).toContain(spamRun.output.action);
		expect(hamRun.output.spam).toBe(false);
		expect(hamRun.output.route.queue).toBe(ham.label.queue);
		expect(hamRun.output.reasons.length).toBeGreaterThan(0);
	});

	it('handles a 1 MB body, an empty body and a mail without headers', async () => {
		const big = await run({ raw: `From: a@b.example\nSubject: big\n\n${megabyteBody()}` });
		expect(big.output.spam).toBe(true);
		expect((await run({ raw: 'Subject: nothing\n\n' })).output.action).toBeDefined();
		expect((await run({ raw: 'just a line of text with no headers' })).output.sender.address).toBeNull();
		expect((await run({ body: 'Bonjour, pouvez-vous me rappeler demain ?' })).output.language.language).toBe('fr');
	});

	it('places entities where its output schema says: in the untagged subject, a newline and the body, cut at analysisChars', async () => {
		const subject = '[SAtalk] Call me';
		const body = 'Mail bob@example.com or see http://shop.example/faq on 12 March 2002. Past the cut: carol@example.org';
		const { output } = await run({ raw: `Subject: ${subject}\n\n${body}` }, { analysisChars: 100 });
		const text = `Call me\n${body}`.slice(0, 100);
		expect(output.entities.map((e) => e.type)).toEqual(expect.arrayContaining(['EMAIL', 'URL']));
		for (const entity of output.entities) expect(text.slice(entity.start, entity.end)).toBe(entity.value);
		expect(output.entities.map((e) => e.value)).not.toContain('carol@example.org');
	});

	it('runs to the end for a sender address longer than any address can be, as having none', async () => {
		for (const from of [`a@${'b'.repeat(260)}.com`, `${'a'.repeat(310)}@example.com`]) {
			const { output } = await run({ raw: `From: ${from}\nSubject: hi\n\nhello` }, { blocklist: true });
			expect(output.sender).toEqual({ address: null, domain: null });
			expect(output.blocklisted).toBe(false);
		}
		const { output } = await run({ raw: `From: ${'a'.repeat(64)}@${'b'.repeat(251)}.com\n\nhello` }, { blocklist: true });
		expect(output.sender.address).toHaveLength(320);
	});

	it('rejects input without any mail, naming the field', async () => {
		const error = await run({}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).issues[0].path).toEqual(['input', 'raw']);
		await expect(run({ raw: 42 })).rejects.toThrow(/input\.raw/);
	});

	it('rejects unknown and mistyped flags', async () => {
		await expect(run({ body: 'hi' }, { blocklst: true })).rejects.toThrow(/blocklst/);
		await expect(run({ body: 'hi' }, { spamThreshold: 2 })).rejects.toThrow(/flags\.spamThreshold/);
		await expect(run({ body: 'hi' }, { spamModel: 'gpt' })).rejects.toThrow(/flags\.spamModel/);
	});
});

describe('triage flags each change what they should', () => {
	const spam = () => testMail('spam').input;
	const ham = () => testMail('ham').input;

	it('spamModel picks another classifier', async () => {
		const logistic = await run(spam(), { spamModel: 'logistic' });
		const bayes = await run(spam(), { spamModel: 'bayes' });
		expect(logistic.output.spamScore).not.toBe(bayes.output.spamScore);
	});

	it('spamThreshold moves the spam decision', async () => {
		const score = (await run(ham())).output.spamScore;
		expect((await run(ham(), { spamThreshold: score / 2, blocklist: false })).output.spam).toBe(true);
		expect((await run(spam(), { spamThreshold: 1, blocklist: false })).output.spam).toBe(false);
	});

	it('reviewMargin sends a borderline mail to review', async () => {
		const score = (await run(ham())).output.spamScore;
		expect((await run(ham(), { spamThreshold: score + 0.01, reviewMargin: 0.05 })).output.action).toBe('review');
	});

	it('blocklist off skips the lookup', async () => {
		const off = await run(spam(), { blocklist: false }, true);
		expect(off.output.blocklisted).toBe(false);
		expect(off.trace?.find((t) => t.step === 'blocklist')).toMatchObject({ status: 'skipped' });
	});

	it('similar and similarK control the neighbours', async () => {
		expect((await run(ham(), { similarK: 2 })).output.similar).toHaveLength(2);
		expect((await run(ham(), { similar: false })).output.similar).toEqual([]);
	});

	it('minRouteConfidence above any confidence stops routing', async () => {
		const routed = await run(ham());
		expect(routed.output.action).toBe('route');
		expect((await run(ham(), { minRouteConfidence: 1 })).output.action === 'route').toBe(routed.output.route.confidence >= 1);
	});

	it('sentimentModel picks another scorer', async () => {
		const text = { body: 'This is not good at all. I am very angry and disappointed, the service was terrible!' };
		const scores = await Promise.all(
			['wink', 'vader', 'afinn'].map(async (m) => (await run(text, { sentimentModel: m })).output.sentiment)
		);
		expect(scores.every((s) => s.label === 'negative')).toBe(true);
		expect(new Set(scores.map((s) => s.score)).size).toBeGreaterThan(1);
	});

	it('analysisChars bounds what entities read', async () => {
		const long = await run(ham(), { analysisChars: 100_000 });
		const short = await run(ham(), { analysisChars: 100 });
		expect(short.output.entities.every((e) => e.end <= 100)).toBe(true);
		expect(long.output.entities.length).toBeGreaterThanOrEqual(short.output.entities.length);
	});

	it('analysisChars never cuts a character in half (an emoji is two UTF-16 units)', async () => {
		// The subject, a newline and 98 letters: the 100th unit is the first half of the first emoji.
		const { trace } = await run({ subject: '', body: 'a'.repeat(98) + '😀'.repeat(50) }, { analysisChars: 100 }, true);
		const language = trace?.find((entry) => entry.step === 'language');
		const read = (language && 'input' in language ? language.input : undefined) as { text: string };
		expect(read.text).toBe('\n' + 'a'.repeat(98));
		expect(read.text.isWellFormed()).toBe(true);
	});

	describe('enrich', () => {
		let server: Server;
		beforeAll(async () => {
			server = createServer((req, res) => {
				res.setHeader('content-type', 'application/json');
				res.end(
					JSON.stringify({ customer: true, tier: 'gold', asked: new URL(req.url ?? '/', 'http://x').searchParams.get('email') })
				);
			});
			await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
			process.env.CONVINCE_ENRICH_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lookup`;
		});
		afterAll(() => {
			delete process.env.CONVINCE_ENRICH_URL;
			server.close();
		});

		it('is off by default and looks the sender up when on', async () => {
			expect((await run(ham())).output.enrichment).toBeNull();
			const on = await run(ham(), { enrich: true });
			expect(on.output.enrichment).toMatchObject({ status: 'ok', data: { tier: 'gold', asked: on.output.sender.address } });
		});
	});
});

describe('triage manifest', () => {
	const m = manifest(triage);
	const ajv = new Ajv2020({ strict: false, allErrors: true });

	it('is valid JSON Schema throughout and lists every step and flag', () => {
		for (const schema of [m.input, m.output, m.flags, m.label!, ...m.steps.flatMap((s) => [s.input, s.output, s.debug ?? {}])]) {
			expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
		}
		// In the pipeline's order, whatever steps an author adds.
		expect(m.steps.map((s) => s.name)).toEqual(triage.steps.map((s) => s.name));
		expect(m.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['parse', 'spam', 'route', 'similar', 'decide']));
		const flagSchemas = (m.flags as { properties: Record<string, { default?: unknown; description?: string }> }).properties;
		expect(Object.keys(flagSchemas).sort()).toEqual(Object.keys(triage.flags.shape).sort());
		for (const [name, flag] of Object.entries(flagSchemas)) {
			expect(flag.default, name).toBeDefined();
			expect(flag.description, name).toBeTruthy();
		}
	});

	it('documents examples that its own schemas accept', () => {
		const validInput = ajv.compile(m.input);
		for (const example of m.examples) expect(validInput(example.input), JSON.stringify(validInput.errors)).toBe(true);
		for (const step of m.steps) {
			const validStepInput = ajv.compile(step.input);
			expect(step.examples.length, step.name).toBeGreaterThan(0);
			for (const example of step.examples)
				expect(validStepInput(example), `${step.name}: ${JSON.stringify(validStepInput.errors)}`).toBe(true);
		}
	});

	it('carries display hints for debug fields', () => {
		const hints = JSON.stringify(m.steps.map((s) => s.debug)).match(/"x-display":\{"kind":"(\w+)"/g) ?? [];
		expect(new Set(hints.map((h) => h.split('"').at(-2)))).toEqual(new Set(['spans', 'table', 'bars', 'keyValue', 'itemId']));
	});
});
