import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { parseEmail } from '../../../src/lib/pipeline/triage/mime';
import { similar } from '../../../src/lib/pipeline/triage/steps/similar';
import { datasetFile, readDataset } from '../../../src/lib/pipeline/triage/train/dataset';
import { DATA_DIR, ensureArtifacts, megabyteBody, testItems, testMail } from './fixtures';

let trainIds = new Set<string>();

beforeAll(async () => {
	await ensureArtifacts();
	trainIds = new Set((await readDataset(datasetFile(DATA_DIR, 'train'))).map((item) => item.id));
});

const search = (subject: string, body: string, k?: number) => runStep(similar, { subject, body, k }, { debug: true });

describe('similar step', () => {
	it('returns k training mails, most similar first, with their labels', async () => {
		const { parsed } = testMail('ham');
		const { output } = await search(parsed.cleanSubject, parsed.body, 7);
		expect(output.neighbours).toHaveLength(7);
		for (const n of output.neighbours) {
			expect(trainIds.has(n.id)).toBe(true);
			expect(n.queue === null).toBe(n.spam);
		}
		const scores = output.neighbours.map((n) => n.score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		expect((await runStep(similar, { subject: parsed.cleanSubject, body: parsed.body })).output.neighbours).toHaveLength(5);
	});

	it('finds a training mail itself first', async () => {
		const [item] = await readDataset(datasetFile(DATA_DIR, 'train'));
		const mail = parseEmail(item.input);
		const { output } = await search(mail.cleanSubject, mail.body, 3);
		expect(output.neighbours[0].id).toBe(item.id);
	});

	it('finds mostly spam near spam and mostly ham near ham (5-NN vote right on 90% of 100 test mails)', async () => {
		let right = 0;
		const items = testItems().slice(0, 100);
		for (const item of items) {
			const mail = parseEmail(item.input);
			const { output } = await runStep(similar, { subject: mail.cleanSubject, body: mail.body, k: 5 });
			const spamVotes = output.neighbours.filter((n) => n.spam).length;
			if (spamVotes > 2 === item.label.spam) right++;
		}
		expect(right / items.length).toBeGreaterThan(0.9);
	});

	it("shows the query terms in debug only: at most 20 of the mail's own terms", async () => {
		const { parsed } = testMail('spam');
		expect((await runStep(similar, { subject: parsed.cleanSubject, body: parsed.body })).debug).toBeUndefined();
		const { output, debug } = await search(parsed.cleanSubject, parsed.body);
		expect(debug?.neighbours).toEqual(output.neighbours);
		expect(debug?.queryTerms.length).toBeGreaterThan(0);
		expect(debug?.queryTerms.length).toBeLessThanOrEqual(20);
		const text = `${parsed.cleanSubject} ${parsed.body}`.toLowerCase();
		for (const { term } of debug?.queryTerms ?? []) expect(text).toContain(term);
	});

	it.each(['german', 'html', 'oddCharset'] as const)('searches with a %s mail', async (kind) => {
		const { parsed } = testMail(kind);
		const { output } = await search(parsed.cleanSubject, parsed.body, 3);
		expect(output.neighbours).toHaveLength(3);
	});

	it('finds nothing for a mail without words', async () => {
		expect((await search('', '')).output.neighbours).toEqual([]);
		expect((await search('!!!', '   ')).output.neighbours).toEqual([]);
	});

	it('searches a 1 MB body by its start', async () => {
		const { output } = await search('cheap meds', megabyteBody(), 5);
		expect(output.neighbours).toHaveLength(5);
		expect(output.neighbours.filter((n) => n.spam).length).toBeGreaterThanOrEqual(3);
	});

	it('names the field of a bad input', async () => {
		for (const [input, field] of [
			[{ subject: 'a', body: 'b', k: 0 }, 'k'],
			[{ subject: 'a', body: 'b', k: 21 }, 'k'],
			[{ subject: 'a', body: 'b', k: 2.5 }, 'k'],
			[{ subject: 'a' }, 'body']
		] as const) {
			const error = await runStep(similar, input).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(InputError);
			expect((error as InputError).issues[0].path).toEqual(['input', field]);
		}
	});

	it('runs its examples', async () => {
		for (const example of similar.examples ?? [])
			expect((await runStep(similar, example)).output.neighbours.length).toBe(example.k);
	});
});
