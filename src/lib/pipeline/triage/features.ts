import type { ParsedEmail } from './schemas';
import { type TermCounts, countTerms, splitTokens, tokenCounts } from './text';

/** What the spam models read: content plus the few headers that tell senders apart. */
export type SpamMail = Pick<
	ParsedEmail,
	'subject' | 'body' | 'from' | 'senderDomain' | 'mailer' | 'contentType' | 'hasListHeaders'
>;

/** What the routing model and the similar-mail index read: content only. List headers and tags name the queue. */
export interface ContentMail {
	subject: string;
	body: string;
}

/**
 * A mail's features as term counts in groups with disjoint keys: body tokens as they are (they never
 * contain ":"), everything else behind a "name:" prefix. The body group is the shared memoised one.
 */
export type FeatureGroups = readonly TermCounts[];

/** Class names of the naive Bayes spam model. */
export const SPAM_CLASS = 'spam';
export const HAM_CLASS = 'ham';

function isShouting(subject: string): boolean {
	const letters = subject.replace(/[^\p{L}]/gu, '');
	return letters.length >= 8 && letters.replace(/[^\p{Lu}]/gu, '').length / letters.length >= 0.6;
}

function headerFeatures(mail: SpamMail): string[] {
	const domain = mail.senderDomain;
	return [
		...splitTokens(mail.subject).map((token) => `subject:${token}`),
		...(isShouting(mail.subject) ? ['subject:(shouting)'] : []),
		`from.domain:${domain ?? '(none)'}`,
		`from.tld:${domain?.split('.').pop() ?? '(none)'}`,
		...splitTokens(mail.from ?? '').map((token) => `from:${token}`),
		`mailer:${splitTokens(mail.mailer ?? '')[0] ?? '(none)'}`,
		`type:${mail.contentType?.toLowerCase() ?? '(none)'}`,
		`list:${mail.hasListHeaders}`,
		...(/\S/.test(mail.body) ? [] : ['body:(empty)'])
	];
}

/** Features of the spam models: body tokens, then subject tokens and header features. */
export function spamFeatures(mail: SpamMail): FeatureGroups {
	return [tokenCounts(mail.body), countTerms(headerFeatures(mail))];
}

/** Features of the routing model: body tokens, then subject tokens. */
export function routeFeatures(mail: ContentMail): FeatureGroups {
	return [tokenCounts(mail.body), countTerms(splitTokens(mail.subject), 'subject:')];
}

/** Terms of the similar-mail index and its queries: subject and body alike, so the groups may share keys. */
export function searchTerms(mail: ContentMail): FeatureGroups {
	return [tokenCounts(mail.body), countTerms(splitTokens(mail.subject))];
}
