import { decodeWindows1252 } from './mime-decoding';

/**
 * A fast HTML-to-text conversion for mail bodies: one linear scan, no DOM. Hidden content (scripts,
 * styles, the head) is dropped, block tags become line breaks, entities are decoded. Good enough for
 * classifiers and reviewers; not a renderer.
 */

/** Elements whose content is never shown as text. */
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'xml']);
const BLOCK_ELEMENTS = new Set([
	'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'center', 'dd', 'div', 'dl', 'dt', 'footer', 'form', 'h1', 'h2',
	'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul'
]); // prettier-ignore
/** Cells sit side by side: a space keeps their words apart without breaking the line. */
const CELL_ELEMENTS = new Set(['td', 'th']);

/** What follows "<" up to ">": an element name, or a declaration such as <!DOCTYPE>, <![CDATA[ or <?xml ?>. */
const TAG = /^(?:(\/?)([a-zA-Z][a-zA-Z0-9:-]*)|[!?])/;

/** Latin-1 entity names in code point order from U+00A0 (nbsp) to U+00FF (yuml). */
const LATIN1_ENTITY_NAMES =
	'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para ' +
	'middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute ' +
	'Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute ' +
	'THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ' +
	'ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

const NAMED_ENTITIES = new Map<string, string>([
	...LATIN1_ENTITY_NAMES.split(' ').map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
	...Object.entries({
		amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '\u2013', mdash: '\u2014', lsquo: '\u2018', rsquo: '\u2019',
		sbquo: '\u201a', ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e', dagger: '\u2020', Dagger: '\u2021', bull: '\u2022',
		hellip: '\u2026', permil: '\u2030', lsaquo: '\u2039', rsaquo: '\u203a', euro: '\u20ac', trade: '\u2122', OElig: '\u0152',
		oelig: '\u0153', Scaron: '\u0160', scaron: '\u0161', Yuml: '\u0178', fnof: '\u0192', circ: '\u02c6', tilde: '\u02dc',
		ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', zwnj: '\u200c', zwj: '\u200d', lrm: '\u200e', rlm: '\u200f'
	}) // prettier-ignore
]);

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,7}));?/g;
function fromCodePoint(code: number): string {
	// HTML reads references to 128..159 as Windows-1252, as mail from old clients expects.
	if (code >= 0x80 && code <= 0x9f) return decodeWindows1252(String.fromCharCode(code));
	if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
	return String.fromCodePoint(code);
}

export function decodeEntities(text: string): string {
	if (!text.includes('&')) return text;
	return text.replace(ENTITY, (match, decimal?: string, hex?: string, name?: string) => {
		if (decimal) return fromCodePoint(parseInt(decimal, 10));
		if (hex) return fromCodePoint(parseInt(hex, 16));
		return NAMED_ENTITIES.get(name as string) ?? match;
	});
}

const closingTags = new Map<string, RegExp>();

/** Index just past the closing tag of `name` from `from`, or -1 when it is never closed. */
function endOfElement(html: string, name: string, from: number): number {
	let closing = closingTags.get(name);
	if (!closing) closingTags.set(name, (closing = new RegExp(`</${name}\\s*>`, 'gi')));
	closing.lastIndex = from;
	return closing.exec(html) ? closing.lastIndex : -1;
}

/**
 * One left-to-right pass with indexOf: every character is looked at a bounded number of times, so
 * hostile markup (a flood of unclosed "<") costs no more than text.
 */
function stripTags(html: string): string {
	const out: string[] = [];
	let i = 0;
	let nextGt = -1;
	while (i < html.length) {
		const lt = html.indexOf('<', i);
		if (lt < 0) break;
		out.push(html.slice(i, lt));
		if (html.startsWith('!--', lt + 1)) {
			const end = html.indexOf('-->', lt + 4);
			i = end < 0 ? html.length : end + 3;
			continue;
		}
		if (nextGt < lt) nextGt = html.indexOf('>', lt);
		if (nextGt < 0) {
			i = lt;
			break; // no tag can close any more: the rest is text
		}
		const nextLt = html.indexOf('<', lt + 1);
		const tag = nextLt >= 0 && nextLt < nextGt ? null : TAG.exec(html.slice(lt + 1, nextGt));
		if (!tag) {
			out.push('<'); // a literal "<" in text
			i = lt + 1;
			continue;
		}
		i = nextGt + 1;
		const [, closing, rawName] = tag;
		if (!rawName) continue; // <!DOCTYPE>, <?xml ?>: not text
		const name = rawName.toLowerCase();
		if (!closing && HIDDEN_ELEMENTS.has(name)) {
			const end = endOfElement(html, name, i);
			// An unclosed script or style hides the rest, as in a browser; an unclosed head hides nothing.
			if (end >= 0) i = end;
			else if (name !== 'head') i = html.length;
		} else if (BLOCK_ELEMENTS.has(name)) out.push('\n');
		else if (CELL_ELEMENTS.has(name)) out.push(' ');
	}
	out.push(html.slice(i));
	return out.join('');
}

/** Whitespace in HTML source shows as one space; only runs and non-space characters need replacing. */
const SOURCE_WHITESPACE = /\s{2,}|[^\S ]/g;

/** Plain text of an HTML document or fragment: words, line breaks between blocks, no markup. */
export function htmlToText(html: string): string {
	const text = decodeEntities(stripTags(html.replace(SOURCE_WHITESPACE, ' ')));
	return text
		.replace(/[ \t\u00a0]{2,}|[\t\u00a0]/g, ' ')
		.replace(/ ?\n ?/g, '\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}
