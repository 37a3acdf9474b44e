import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { ARTIFACT_FILES, loadedModel, readArtifact } from '../artifacts';
import { BLOOM_FORMAT, type BloomArtifact, BloomSet } from '../models/bloom';
import { MAX_DOMAIN_CHARS } from '../schemas';
import { isSharedMailboxDomain } from '../shared-mailboxes';

const filter = loadedModel('blocklist', async () =>
	BloomSet.fromArtifact(await readArtifact<BloomArtifact>(ARTIFACT_FILES.blocklist, BLOOM_FORMAT))
);

/** Domains compare case-insensitively and without a trailing root dot. */
const normalizeDomain = (domain: string) => domain.trim().toLowerCase().replace(/\.+$/, '');

export const blocklist = defineStep({
	name: 'blocklist',
	description:
		'Checks the sender domain against a Bloom filter of domains that sent only spam in the training mail. A shared mailbox provider (gmail.com, msn.com, ...) is never listed: its users are strangers to each other.',
	input: z.object({
		senderDomain: z
			.string()
			.max(MAX_DOMAIN_CHARS)
			.nullable()
			.describe('Domain of the sender address, e.g. "example.com"; null when unknown')
	}),
	output: z.object({
		listed: z.boolean().describe('The domain is (probably) on the blocklist; false for no domain or a shared mailbox provider')
	}),
	debug: z
		.object({
			domain: z.string().nullable().describe('The domain looked up, normalised'),
			sharedMailbox: z.boolean().describe('A shared mailbox provider: not looked up'),
			hit: z.boolean(),
			sizeBits: z.number().int().describe('Bits in the filter'),
			hashes: z.number().int().describe('Hash functions per item'),
			items: z.number().int().describe('Domains stored'),
			expectedFalsePositiveRate: z.number().describe('Chance that a domain not stored is reported as listed')
		})
		.meta(display.keyValue()),
	// A domain of the corpus's spam only (listed), a shared mailbox provider, and no domain.
	examples: [{ senderDomain: 'insurancemail.net' }, { senderDomain: 'msn.com' }, { senderDomain: null }],
	load: filter.load,
	run({ senderDomain }, { debug }) {
		const bloom = filter.get();
		const domain = senderDomain === null ? null : normalizeDomain(senderDomain);
		const sharedMailbox = domain !== null && isSharedMailboxDomain(domain);
		// Also a guard against the filter's false positives on the busiest domains of all.
		const listed = domain && !sharedMailbox ? bloom.has(domain) : false;
		return {
			output: { listed },
			debug: debug
				? {
						domain,
						sharedMailbox,
						hit: listed,
						sizeBits: bloom.sizeBits,
						hashes: bloom.hashes,
						items: bloom.items,
						expectedFalsePositiveRate: bloom.expectedFalsePositiveRate
					}
				: undefined
		};
	}
});
