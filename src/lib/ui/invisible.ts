/**
 * Characters that change how the text around them reads without showing themselves: direction
 * controls, zero-width and blank-looking characters, soft hyphens, control codes and tag characters.
 * A sender can hide a file's real extension behind U+202E ("Invoice \u202Efdp.exe" reads "Invoice
 * exe.pdf"), split a word a filter looks for with a soft hyphen, or carry text no one sees in tag
 * characters. Joiners (U+200C, U+200D) are left alone: emoji sequences and Persian words need them.
 * So are tabs and line ends.
 */
/* eslint-disable no-control-regex, no-misleading-character-class -- these characters are what it looks for */
const INVISIBLE =
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u180E\u200B\u200E\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/gu;
/* eslint-enable no-control-regex, no-misleading-character-class */

const NAMES: Record<string, string> = {
	'\u00AD': 'soft hyphen',
	'\u034F': 'combining grapheme joiner',
	'\u061C': 'Arabic letter mark',
	'\u180E': 'Mongolian vowel separator',
	'\u200B': 'zero-width space',
	'\u200E': 'left-to-right mark',
	'\u200F': 'right-to-left mark',
	'\u2028': 'line separator',
	'\u2029': 'paragraph separator',
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

/** What a character without a name of its own is. */
function kindOf(codePoint: number): string {
	if (codePoint >= 0xe0000) return 'tag character';
	if ([0x115f, 0x1160, 0x3164, 0xffa0].includes(codePoint)) return 'Hangul filler';
	if (codePoint >= 0xfff9) return 'interlinear annotation';
	return 'control character';
}

export type TextPart = { text: string } | { code: string; name: string };

/** The text in parts, each invisible character apart as its code point (U+202E) and name, never as itself. */
export function revealInvisible(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let last = 0;
	for (const match of text.matchAll(INVISIBLE)) {
		if (match.index > last) parts.push({ text: text.slice(last, match.index) });
		const character = match[0];
		const codePoint = character.codePointAt(0) ?? 0;
		const code = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
		parts.push({ code, name: NAMES[character] ?? kindOf(codePoint) });
		last = match.index + character.length;
	}
	if (last < text.length || !parts.length) parts.push({ text: text.slice(last) });
	return parts;
}
