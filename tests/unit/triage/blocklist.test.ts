import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { blocklist } from '../../../src/lib/pipeline/triage/steps/blocklist';
import { isSharedMailboxDomain } from '../../../src/lib/pipeline/triage/shared-mailboxes';
import { readTrainingMails } from '../../../src/lib/pipeline/triage/train';
import { DATA_DIR, ensureArtifacts } from './fixtures';

let spamOnly: string[] = [];
let hamDomains: string[] = [];
/** Shared mailbox providers (msn.com, ...) that sent only spam in the train split. */
let sharedSpamOnly: string[] = [];

beforeAll(async () => {
	await ensureArtifacts();
	const mails = await readTrainingMails(DATA_DIR);
	const domains = (spam: boolean) =>
		new Set(mails.filter((m) => m.label.spam === spam && m.mail.senderDomain).map((m) => m.mail.senderDomain as string));
	const ham = domains(false);
	hamDomains = [...ham];
	spamOnly = [...domains(true)].filter((domain) => !ham.has(domain));
	sharedSpamOnly = spamOnly.filter(isSharedMailboxDomain);
	spamOnly = spamOnly.filter((domain) => !isSharedMailboxDomain(domain));
});

const listed = async (senderDomain: string | null) => (await runStep(blocklist, { senderDomain })).output.listed;

describe('blocklist step', () => {
	it('never lists a shared mailbox provider, even one that sent only spam in the train split', async () => {
		expect(sharedSpamOnly).toEqual(expect.arrayContaining(['msn.com', 'netscape.net']));
		for (const domain of [...sharedSpamOnly, 'gmail.com', 'Yahoo.co.uk.']) expect(await listed(domain), domain).toBe(false);
		const { debug } = await runStep(blocklist, { senderDomain: 'MSN.com' }, { debug: true });
		expect(debug).toMatchObject({ domain: 'msn.com', sharedMailbox: true, hit: false });
	});

	it('lists every other domain that sent only spam in the train split', async () => {
		expect(spamOnly.length).toBeGreaterThan(100);
		for (const domain of spamOnly) expect(await listed(domain)).toBe(true);
	});

	it('lists almost no domain that also sent ham (only Bloom-filter false positives)', async () => {
		let hits = 0;
		for (const domain of hamDomains) if (await listed(domain)) hits++;
		expect(hits / hamDomains.length).toBeLessThan(0.01);
	});

	it('compares domains case-insensitively and ignores a trailing dot', async () => {
		const [domain] = spamOnly;
		expect(await listed(domain.toUpperCase())).toBe(true);
		expect(await listed(`${domain}.`)).toBe(true);
	});

	it('does not list a mail without a sender domain', async () => {
		expect(await listed(null)).toBe(false);
		expect(await listed('')).toBe(false);
	});

	it('describes the filter in debug only', async () => {
		const [domain] = spamOnly;
		expect((await runStep(blocklist, { senderDomain: domain })).debug).toBeUndefined();
		const { debug } = await runStep(blocklist, { senderDomain: domain.toUpperCase() }, { debug: true });
		expect(debug).toMatchObject({ domain, hit: true, items: spamOnly.length });
		expect(debug?.sizeBits).toBeGreaterThan(spamOnly.length);
		expect(debug?.hashes).toBeGreaterThan(1);
		expect(debug?.expectedFalsePositiveRate).toBeGreaterThan(0);
		expect(debug?.expectedFalsePositiveRate).toBeLessThan(0.01);
	});

	it('names the field of a bad input', async () => {
		for (const senderDomain of [42, undefined, 'x'.repeat(300)]) {
			const error = await runStep(blocklist, { senderDomain }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(InputError);
			expect((error as InputError).issues[0].path).toEqual(['input', 'senderDomain']);
		}
	});

	it('runs its examples', async () => {
		for (const example of blocklist.examples ?? [])
			expect(typeof (await runStep(blocklist, example)).output.listed).toBe('boolean');
	});
});
