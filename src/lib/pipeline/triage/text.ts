import { memoLastText } from './memo';

/** A huge body costs no more than its first characters: enough to classify and search any real mail. */
export const MAX_TOKENIZED_CHARS = 20_000;
/** Longer runs are base64, hashes or glued URLs: noise to every model. */
const MAX_TOKEN_LENGTH = 40;

// Words, numbers, and dotted/hyphenated/addressed compounds (domains, versions, addresses) as one token;
// currency signs count on their own because spam leans on them.
const TOKEN = /[\p{L}\p{N}]+(?:['.\-_@][\p{L}\p{N}]+)*|[$€£]/gu;

/** Occurrences per term. Models read features as a list of these with disjoint keys (see features.ts). */
export type TermCounts = ReadonlyMap<string, number>;

/** Lower-case tokens of a short text (a subject, a header); not cached. */
export function splitTokens(text: string): string[] {
	const lower = text.slice(0, MAX_TOKENIZED_CHARS).toLowerCase();
	const tokens: string[] = [];
	TOKEN.lastIndex = 0;
	for (let match = TOKEN.exec(lower); match; match = TOKEN.exec(lower)) {
		if (match[0].length <= MAX_TOKEN_LENGTH) tokens.push(match[0]);
	}
	return tokens;
}

export function countTerms(terms: Iterable<string>, prefix = ''): Map<string, number> {
	const counts = new Map<string, number>();
	for (const term of terms) {
		const key = prefix + term;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return counts;
}

/**
 * A mail body's tokens and (on demand) term counts: spam, route and similar all read the same body in
 * one pipeline run, so it is tokenised and counted once per mail.
 */
const bodyTerms = memoLastText((text) => ({
	tokens: Object.freeze(splitTokens(text)) as readonly string[],
	counts: undefined as TermCounts | undefined
}));

/** Tokens of a mail body (see bodyTerms). */
export function tokenize(text: string): readonly string[] {
	return bodyTerms(text).tokens;
}

/** Term counts of a mail body: every model reads counts, so they are counted once too. */
export function tokenCounts(text: string): TermCounts {
	const terms = bodyTerms(text);
	terms.counts ??= countTerms(terms.tokens);
	return terms.counts;
}
