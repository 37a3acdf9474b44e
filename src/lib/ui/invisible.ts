/**
 * Characters that change how the text around them reads without showing themselves: direction
 * controls, zero-width spaces, soft hyphens and control codes. A sender can hide a file's real
 * extension behind U+202E ("Invoice \u202Efdp.exe" reads "Invoice exe.pdf") or split a word a filter
 * looks for with a soft hyphen. Joiners (U+200C, U+200D) are left alone: emoji sequences and Persian
 * words need them. So are tabs and line ends.
 */
/* eslint-disable no-control-regex -- control characters are what this looks for */
const INVISIBLE =
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
/* eslint-enable no-control-regex */

const NAMES: Record<string, string> = {
	'\u00AD': 'soft hyphen',
	'\u061C': 'Arabic letter mark',
	'\u200B': 'zero-width space',
	'\u200E': 'left-to-right mark',
	'\u200F': 'right-to-left mark',
	'\u202A': 'left-to-right embedding',
	'\u202B': 'right-to-left embedding',
	'\u202C': 'pop directional formatting',
	'\u202D': 'left-to-right override',
	'\u202E': 'right-to-left override',
	'\u2060': 'word joiner',
	'\u2066': 'left-to-right isolate',
	'\u2067': 'right-to-left isolate',
	'\u2068': 'first strong isolate',
	'\u2069': 'pop directional isolate',
	'\uFEFF': 'zero-width no-break space'
};

export type TextPart = { text: string } | { code: string; name: string };

/** The text in parts, each invisible character apart as its code point (U+202E) and name, never as itself. */
export function revealInvisible(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let last = 0;
	for (const match of text.matchAll(INVISIBLE)) {
		if (match.index > last) parts.push({ text: text.slice(last, match.index) });
		const character = match[0];
		const code = `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
		parts.push({ code, name: NAMES[character] ?? 'control character' });
		last = match.index + 1;
	}
	if (last < text.length || !parts.length) parts.push({ text: text.slice(last) });
	return parts;
}
