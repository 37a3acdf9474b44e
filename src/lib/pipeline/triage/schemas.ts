import { z } from 'zod';

/** Raw mails far beyond this are not mail any more; the API rejects them earlier (413). */
export const MAX_RAW_CHARS = 10_000_000;

/** No domain is longer (RFC 1035): the steps reading a sender domain refuse longer ones. */
export const MAX_DOMAIN_CHARS = 255;
/** A local part of 64 characters, "@" and the longest domain (RFC 5321). */
export const MAX_ADDRESS_CHARS = 64 + 1 + MAX_DOMAIN_CHARS;

/**
 * Strict: a misspelt field ("text" for "body") would otherwise be dropped, and the mail triaged without
 * it. Blank text is no mail either (an empty one scored 89% spam).
 */
export const emailInputSchema = z
	.strictObject({
		raw: z
			.string()
			.max(MAX_RAW_CHARS)
			.optional()
			.describe('The whole RFC-822 message as received: headers, a blank line, then the body (MIME parts allowed)'),
		subject: z.string().max(10_000).optional().describe('Subject, when the caller has already parsed the mail (overrides raw)'),
		from: z.string().max(10_000).optional().describe('From header, e.g. "Ann <ann@example.com>" (overrides raw)'),
		body: z.string().max(MAX_RAW_CHARS).optional().describe('Plain-text body (overrides raw)')
	})
	.refine((mail) => [mail.raw, mail.subject, mail.body].some((text) => text !== undefined && text.trim() !== ''), {
		message: 'Give the raw email in "raw", or already-parsed "subject"/"body": at least one with text',
		path: ['raw']
	})
	.describe('An inbound email: raw RFC-822 text, or already-parsed fields');
export type EmailInput = z.input<typeof emailInputSchema>;

export const parsedEmailSchema = z.object({
	from: z.string().nullable().describe('From header as given, decoded'),
	fromAddress: z
		.string()
		.max(MAX_ADDRESS_CHARS)
		.nullable()
		.describe('Sender address, lower-case; null when there is none, or it is longer than an address can be'),
	senderDomain: z.string().max(MAX_DOMAIN_CHARS).nullable().describe('Domain of the sender address, lower-case'),
	to: z.string().nullable(),
	subject: z.string().describe('Subject, decoded'),
	cleanSubject: z.string().describe('Subject without mailing-list tags such as "[SAtalk]"'),
	date: z.string().nullable().describe('Date header as given'),
	mailer: z.string().nullable().describe('X-Mailer or User-Agent header'),
	contentType: z.string().nullable().describe('MIME type of the message, e.g. multipart/alternative'),
	listId: z.string().nullable().describe('List-Id header: where a mailing-list mail came from'),
	hasListHeaders: z.boolean().describe('Any List-Id, List-Unsubscribe or mailing-list header present'),
	body: z.string().describe('Plain-text body: the text part, or the HTML part turned into text'),
	bodySource: z.enum(['text', 'html', 'given', 'empty']).describe('Which part the body came from'),
	attachments: z.number().int().min(0).describe('Number of non-text parts')
});
export type ParsedEmail = z.infer<typeof parsedEmailSchema>;

export const triageLabelSchema = z.object({
	spam: z.boolean(),
	queue: z.string().nullable().describe('Mailing-list queue of a ham mail; null for spam or unknown')
});
export type TriageLabel = z.infer<typeof triageLabelSchema>;
