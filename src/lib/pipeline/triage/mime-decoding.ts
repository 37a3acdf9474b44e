/**
 * Decoding layers of a MIME message held in a JS string: transfer encodings, charsets and RFC 2047
 * encoded words. Decoded bytes travel as "binary strings" (one char per byte, 0..255) so ASCII, the
 * common case, never leaves string land. Nothing here throws on bad input: broken bytes become U+FFFD.
 */

/** A char above one byte: the string is already text, not bytes. */
const WIDE_CHAR = /[\u0100-\uffff]/;
/** ISO-8859-1 maps each byte to the code point of the same value: the binary string is the text. */
const LATIN1_CHARSETS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'iso_8859-1']);
/** No charset, or ASCII while 8-bit bytes are there: the sender did not say; UTF-8 is tried first. */
const UNDECLARED_CHARSETS = new Set(['', 'us-ascii', 'ascii', 'default', 'unknown-8bit', 'x-unknown']);
const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);
/** Charsets that encode text in 7-bit escape sequences, so ASCII-only bytes still need decoding. */
const SEVEN_BIT_CHARSET = /^(iso-2022|utf-16|utf-7|hz)/;
/** Mislabelled or made-up charsets are nearly always Windows Latin in this kind of mail. */
const FALLBACK_CHARSET = 'windows-1252';

/**
 * Windows-1252 differs from ISO-8859-1 only in 0x80..0x9F (curly quotes, dashes, euro...). Node 20's
 * TextDecoder('windows-1252') decodes those bytes as ISO-8859-1 control characters, so this does it.
 */
// prettier-ignore
const WINDOWS_1252_C1 = [
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178
];
const C1_CONTROL = /[\x80-\x9f]/g;

/** Decodes a binary string as Windows-1252. */
export function decodeWindows1252(binary: string): string {
	return binary.replace(C1_CONTROL, (byte) => String.fromCharCode(WINDOWS_1252_C1[byte.charCodeAt(0) - 0x80]));
}

const decoders = new Map<string, TextDecoder | null>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** A decoder for the label, or null when the label is unknown (or is Windows-1252, decoded here). */
function decoderFor(charset: string): TextDecoder | null {
	if (!decoders.has(charset)) {
		let decoder: TextDecoder | null = null;
		try {
			decoder = new TextDecoder(charset);
		} catch {
			// unknown label
		}
		decoders.set(charset, decoder?.encoding === FALLBACK_CHARSET ? null : decoder);
	}
	return decoders.get(charset) ?? null;
}

function binaryToBytes(binary: string): Uint8Array {
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** Lower-cased charset label without quotes or an RFC 2231 language suffix ("utf-8*en"). */
export function normalizeCharset(charset: string | undefined): string {
	if (!charset) return '';
	const star = charset.indexOf('*');
	const label = (star >= 0 ? charset.slice(0, star) : charset).trim().toLowerCase();
	// "charset=3Dgb2312": the "=3D" of a header that went through quoted-printable (seen in the corpus).
	return label.startsWith('3d') ? label.slice(2) : label;
}

function tryUtf8(bytes: Uint8Array): string | null {
	try {
		return strictUtf8.decode(bytes);
	} catch {
		return null;
	}
}

/**
 * Whether every char is ASCII. Any other char takes two or more UTF-8 bytes, and Node counts them
 * natively: 2.5x faster than a regex search for a char above 0x7F on the corpus's bodies.
 */
const isAscii = (text: string) => Buffer.byteLength(text, 'utf8') === text.length;

/**
 * Turns decoded content into text. `content` is either bytes as a binary string (after base64 or
 * quoted-printable), or text as the caller's transport already decoded it (7bit/8bit parts): chars
 * above 0xFF prove the latter, and such text is kept as it is.
 */
export function decodeCharset(content: string, charset: string, fromBytes: boolean): string {
	if (isAscii(content)) {
		const escapes = SEVEN_BIT_CHARSET.test(charset) ? decoderFor(charset) : null;
		return escapes ? escapes.decode(binaryToBytes(content)) : content;
	}
	if (WIDE_CHAR.test(content) || LATIN1_CHARSETS.has(charset)) return content;
	if (UNDECLARED_CHARSETS.has(charset)) return tryUtf8(binaryToBytes(content)) ?? decodeWindows1252(content);
	if (UTF8_CHARSETS.has(charset)) {
		// Not valid UTF-8: bytes get replacement chars; text the transport decoded stays as it was.
		const bytes = binaryToBytes(content);
		return tryUtf8(bytes) ?? (fromBytes ? lossyUtf8.decode(bytes) : content);
	}
	const decoder = decoderFor(charset);
	return decoder ? decoder.decode(binaryToBytes(content)) : decodeWindows1252(content);
}

/** Value of a hex digit by char code, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (const [digits, offset] of [
	['0123456789', 0],
	['abcdef', 10],
	['ABCDEF', 10]
] as const) {
	for (let i = 0; i < digits.length; i++) HEX_VALUE[digits.charCodeAt(i)] = offset + i;
}
const hexValue = (code: number) => (code < 128 ? HEX_VALUE[code] : -1);
/** "=" at the end of a line (trailing blanks allowed): a soft line break. */
const SOFT_BREAK = /[ \t]*\r?\n/y;

/**
 * Quoted-printable to a binary string: soft line breaks removed, =XX escapes to bytes, a stray "="
 * kept. A hand-written scan: a regex replace with a callback is 3x slower on escape-heavy bodies.
 */
export function decodeQuotedPrintable(text: string): string {
	let at = text.indexOf('=');
	if (at < 0) return text;
	const parts: string[] = [];
	let last = 0;
	for (; at >= 0; at = text.indexOf('=', at)) {
		parts.push(text.slice(last, at));
		const high = hexValue(text.charCodeAt(at + 1));
		const low = hexValue(text.charCodeAt(at + 2));
		SOFT_BREAK.lastIndex = at + 1;
		if (high >= 0 && low >= 0) {
			parts.push(String.fromCharCode(high * 16 + low));
			at += 3;
		} else if (SOFT_BREAK.test(text)) {
			at = SOFT_BREAK.lastIndex;
		} else {
			parts.push('=');
			at += 1;
		}
		last = at;
	}
	parts.push(text.slice(last));
	return parts.join('');
}

const NOT_BASE64 = /[^A-Za-z0-9+/]+/g;

/** Base64 to a binary string, ignoring line breaks, padding and stray characters. */
export function decodeBase64(text: string): string {
	let clean = text.replace(NOT_BASE64, '');
	// A lone trailing sextet cannot form a byte; atob would reject the whole string for it.
	if (clean.length % 4 === 1) clean = clean.slice(0, -1);
	return atob(clean);
}

/** Transfer-decodes a part body to content for `decodeCharset` (bytes for base64/QP, as-is otherwise). */
export function decodeTransfer(body: string, encoding: string): { content: string; fromBytes: boolean } {
	if (encoding === 'base64') return { content: decodeBase64(body), fromBytes: true };
	if (encoding === 'quoted-printable') return { content: decodeQuotedPrintable(body), fromBytes: true };
	return { content: body, fromBytes: false };
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const Q_ESCAPE = /=([0-9A-Fa-f]{2})|_/g;

function decodeQ(text: string): string {
	return text.replace(Q_ESCAPE, (_match, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : ' '));
}

/**
 * Decodes RFC 2047 encoded words in a header value. Whitespace between adjacent encoded words is
 * dropped, and adjacent words in one charset are joined before decoding, because a multi-byte
 * character may be split across two words.
 */
export function decodeEncodedWords(value: string): string {
	if (!value.includes('=?')) return value;
	let result = '';
	let pendingBytes = '';
	let pendingCharset = '';
	let last = 0;
	let afterWord = false;
	const flush = () => {
		if (pendingBytes) result += decodeCharset(pendingBytes, pendingCharset, true);
		pendingBytes = '';
	};
	for (const match of value.matchAll(ENCODED_WORD)) {
		const between = value.slice(last, match.index);
		const charset = normalizeCharset(match[1]);
		const adjacent = afterWord && between.trim() === '';
		if (!adjacent || charset !== pendingCharset) {
			flush();
			if (!adjacent) result += between;
		}
		pendingCharset = charset;
		pendingBytes += match[2] === 'B' || match[2] === 'b' ? decodeBase64(match[3]) : decodeQ(match[3]);
		last = match.index + match[0].length;
		afterWord = true;
	}
	flush();
	return result + value.slice(last);
}
