import { z } from 'zod';
import { htmlToText } from './html-text';
import { decodeCharset, decodeEncodedWords, decodeTransfer, normalizeCharset } from './mime-decoding';
import { type EmailInput, MAX_ADDRESS_CHARS, MAX_DOMAIN_CHARS, type ParsedEmail } from './schemas';

/**
 * A focused MIME parser over the JS string of a message, built for speed: the triage pipeline parses
 * every mail, and general parsers (postal-mime + html-to-text) alone cost more than its whole budget.
 * It reads what triage needs (headers, the text body, a count of attachments) and never throws.
 */

export const mimeHeaderSchema = z.object({ name: z.string(), value: z.string().describe('Unfolded and decoded') });
export type MimeHeader = z.infer<typeof mimeHeaderSchema>;

export const mimePartSchema = z.object({
	type: z.string().describe('MIME type, e.g. text/plain'),
	charset: z.string().nullable(),
	encoding: z.string().nullable().describe('Content-Transfer-Encoding'),
	filename: z
		.string()
		.nullable()
		.describe("File name the sender gave the part (Content-Disposition filename, else the type's name), decoded"),
	size: z.number().int().describe('Characters of the encoded part body'),
	used: z.boolean().describe('The body text came from this part')
});
export type MimePart = z.infer<typeof mimePartSchema>;

export interface MimeMessage {
	headers: MimeHeader[];
	/** Leaf parts in document order (a single-part message has one). */
	parts: MimePart[];
	body: string;
	bodySource: 'text' | 'html' | 'empty';
	attachments: number;
}

/** Deeper nesting is no real mail; such parts count as attachments instead of being parsed. */
const MAX_DEPTH = 20;
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;
/** The "From sender date" envelope line of an mbox file, before the real headers. */
const MBOX_FROM_LINE = /^From [^\n]*\n/;
const PARAMETER = /;\s*([\w.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i;
const HTML_DOCUMENT = /^\s*<(!doctype|html|head|body)\b/i;

interface Section {
	headers: MimeHeader[];
	body: string;
}

/** Splits a message or part at its first blank line; text without a header block is all body. */
function splitSection(raw: string, isTopLevel: boolean): Section {
	const text = isTopLevel ? raw.replace(MBOX_FROM_LINE, '') : raw;
	if (!text || text[0] === '\n' || text.startsWith('\r\n')) return { headers: [], body: text.replace(/^\r?\n/, '') };
	if (isTopLevel && !HEADER_LINE.test(text)) return { headers: [], body: text };
	const headers: MimeHeader[] = [];
	const bodyStart = readHeaders(text, headers);
	return { headers, body: text.slice(bodyStart) };
}

/**
 * Reads the header lines of `text` into `headers`, unfolding continued lines (CRLF or LF before a
 * space or tab), up to the first blank line, and returns where the body starts (the end when there
 * is no blank line). One pass from line break to line break with indexOf: a regex search for the
 * blank line, a regex replace of the folds and a split took twice as long on the corpus's header
 * blocks, a third of each mail.
 */
function readHeaders(text: string, headers: MimeHeader[]): number {
	let unfolded = '';
	let lineStart = 0;
	for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n', lf + 1)) {
		const next = text[lf + 1];
		if (next === ' ' || next === '\t') {
			unfolded += text.slice(lineStart, text[lf - 1] === '\r' ? lf - 1 : lf);
			lineStart = lf + 1;
			continue;
		}
		// A CR ending the line is left on it: trimming the value drops it.
		addHeader(headers, unfolded + text.slice(lineStart, lf));
		if (next === '\n') return lf + 2;
		if (next === '\r' && text[lf + 2] === '\n') return lf + 3;
		unfolded = '';
		lineStart = lf + 1;
	}
	addHeader(headers, unfolded + text.slice(lineStart));
	return text.length;
}

/** Adds the "Name: value" line to `headers`; a line without a name before a colon is no header. */
function addHeader(headers: MimeHeader[], line: string): void {
	const colon = line.indexOf(':');
	if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: decodeEncodedWords(line.slice(colon + 1).trim()) });
}

/** The first header called `name` (lower-case), in any case. */
function headerValue(headers: MimeHeader[], name: string): string | null {
	// Lengths first: a mail has dozens of headers, triage looks up a dozen names, and lower-casing
	// never turns a name of another length into one of these plain ASCII names.
	for (const header of headers) if (header.name.length === name.length && header.name.toLowerCase() === name) return header.value;
	return null;
}

/** The value of a structured header before its parameters, lower-cased: "text/html" of "text/html; charset=utf-8". */
function mainValue(header: string | null): string {
	if (!header) return '';
	const semicolon = header.indexOf(';');
	return (semicolon >= 0 ? header.slice(0, semicolon) : header).trim().toLowerCase();
}

/**
 * The parameter `name` (lower-case) of a structured header, unquoted; the last one when it repeats.
 * Looked up one at a time, as a part needs one or two of them: collecting all in a Map took twice
 * as long.
 */
function headerParameter(header: string | null, name: string): string | undefined {
	if (!header) return undefined;
	const semicolon = header.indexOf(';');
	if (semicolon < 0) return undefined;
	let value: string | undefined;
	PARAMETER.lastIndex = semicolon;
	for (let match = PARAMETER.exec(header); match; match = PARAMETER.exec(header)) {
		const [, key, raw] = match;
		if (key.toLowerCase() === name) value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
	}
	return value;
}

/** Bodies between `--boundary` lines; the preamble before the first and anything after the last are not parts. */
function splitMultipart(body: string, boundary: string): string[] {
	const delimiter = `--${boundary}`;
	const parts: string[] = [];
	let partStart = -1;
	let search = 0;
	for (;;) {
		const at = body.indexOf(delimiter, search);
		if (at < 0) break;
		search = at + delimiter.length;
		if (at > 0 && body[at - 1] !== '\n') continue;
		const closing = body.startsWith('--', search);
		let lineEnd = body.indexOf('\n', search);
		if (lineEnd < 0) lineEnd = body.length;
		// A longer boundary that merely starts with this one (nested parts often do that) is not a delimiter.
		if (body.slice(closing ? search + 2 : search, lineEnd).trim() !== '') continue;
		if (partStart >= 0) parts.push(body.slice(partStart, at).replace(/\r?\n$/, ''));
		if (closing) return parts;
		partStart = Math.min(lineEnd + 1, body.length);
		search = partStart;
	}
	if (partStart >= 0) parts.push(body.slice(partStart));
	return parts;
}

/** A text part that may become the body; decoded only if chosen. */
interface TextCandidate {
	part: MimePart;
	body: string;
}

interface Walk {
	parts: MimePart[];
	plain: TextCandidate[];
	html: TextCandidate[];
	attachments: number;
}

function walk(section: Section, depth: number, result: Walk, defaultType = 'text/plain'): void {
	const contentType = headerValue(section.headers, 'content-type');
	const dispositionHeader = headerValue(section.headers, 'content-disposition');
	const disposition = mainValue(dispositionHeader);
	const declaredType = mainValue(contentType);
	let type = declaredType || defaultType;
	if (!declaredType && HTML_DOCUMENT.test(section.body.slice(0, 200))) type = 'text/html';
	const boundary = type.startsWith('multipart/') ? headerParameter(contentType, 'boundary') : undefined;

	if (depth < MAX_DEPTH && boundary) {
		const childType = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
		for (const child of splitMultipart(section.body, boundary)) walk(splitSection(child, false), depth + 1, result, childType);
		return;
	}
	if (depth < MAX_DEPTH && type === 'message/rfc822' && disposition !== 'attachment') {
		walk(splitSection(section.body, false), depth + 1, result);
		return;
	}
	const part: MimePart = {
		type,
		charset: headerParameter(contentType, 'charset') ?? null,
		encoding: headerValue(section.headers, 'content-transfer-encoding')?.toLowerCase() ?? null,
		// What a reader would save it as: "invoice.pdf.exe" matters to whoever reviews the mail.
		filename: headerParameter(dispositionHeader, 'filename') ?? headerParameter(contentType, 'name') ?? null,
		size: section.body.length,
		used: false
	};
	result.parts.push(part);
	const inline = disposition !== 'attachment';
	if (inline && type === 'text/plain') result.plain.push({ part, body: section.body });
	else if (inline && type === 'text/html') result.html.push({ part, body: section.body });
	else result.attachments++;
}

function decodePart({ part, body }: TextCandidate): string {
	part.used = true;
	const { content, fromBytes } = decodeTransfer(body, part.encoding ?? '');
	// HTML mail often declares its charset only in a <meta> tag of the document.
	const charset = part.charset ?? (part.type === 'text/html' ? (META_CHARSET.exec(content.slice(0, 2048))?.[1] ?? null) : null);
	return decodeCharset(content, normalizeCharset(charset ?? undefined), fromBytes);
}

export function parseMessage(raw: string): MimeMessage {
	const top = splitSection(raw, true);
	const found: Walk = { parts: [], plain: [], html: [], attachments: 0 };
	walk(top, 0, found);
	// Plain text parts are the body; HTML only when there are none (the alternative of a text part).
	const fromPlain = found.plain.length > 0;
	const chosen = fromPlain ? found.plain.map(decodePart) : found.html.map((candidate) => htmlToText(decodePart(candidate)));
	let body = chosen.join('\n\n');
	if (body.includes('\r')) body = body.replace(/\r\n?/g, '\n');
	return {
		headers: top.headers,
		parts: found.parts,
		body,
		bodySource: body.trim() === '' ? 'empty' : fromPlain ? 'text' : 'html',
		attachments: found.attachments
	};
}

const ANGLE_ADDRESS = /<\s*([^<>\s@]+@[^<>\s]+?)\s*>/;
const BARE_ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/;
/**
 * A "[SAtalk]"-style mailing-list tag, possibly after reply/forward prefixes ("Re: [ILUG] ..."), read
 * at lastIndex. A prefix is "re" (or fw, fwd, aw, sv), blanks, maybe "[2]" and blanks, then ":". With
 * blanks on both sides of the optional "[2]", blanks without it could be split in many ways, and the
 * regex took exponential time to give up on a subject of many "re :" (0.5 s for 25).
 */
const LIST_TAG = /((?:\s*(?:re|fwd?|aw|sv)\s*(?:\[\d+\]\s*)?:)*)\s*\[[^\]\n]{1,40}\]/iy;
const LIST_HEADER = /^(list-|(x-)?mailing-list$)/i;

/** Whitespace other than single spaces: replacing only these runs gives what /\s+/g gives, 4x faster on subjects. */
const WHITESPACE_TO_SPACE = /\s{2,}|[^\S ]/g;

/** The text with each run of whitespace as one space, trimmed. */
const oneLine = (text: string) => text.replace(WHITESPACE_TO_SPACE, ' ').trim();

/** The sender's address, if the From header has one: a longer one than RFC 5321 allows is junk, not a sender. */
function senderAddress(from: string | null): string | null {
	if (!from) return null;
	const found = ANGLE_ADDRESS.exec(from)?.[1] ?? BARE_ADDRESS.exec(from)?.[0];
	if (!found) return null;
	const address = found.toLowerCase().replace(/\.+$/, '');
	const domainChars = address.length - address.lastIndexOf('@') - 1;
	return address.length <= MAX_ADDRESS_CHARS && domainChars <= MAX_DOMAIN_CHARS ? address : null;
}

/**
 * The subject without mailing-list tags, so a router cannot read the list name off it. Each tag is cut,
 * the reply prefixes before it kept and joined to the rest with a space. Kept prefixes cannot begin a
 * tag, so reading on where the tag ended finds what reading the shortened subject again from its
 * start would: in linear time, where that took quadratic time on a subject of many tags.
 */
export function stripListTags(subject: string): string {
	let kept = '';
	let end = 0;
	LIST_TAG.lastIndex = 0;
	for (let match = LIST_TAG.exec(subject); match; match = LIST_TAG.exec(subject)) {
		// The joining space leads the prefixes of the next match, if it has any.
		kept += end > 0 && match[1] ? ` ${match[1]}` : match[1];
		end = LIST_TAG.lastIndex;
	}
	const clean = end > 0 ? `${kept} ${subject.slice(end)}` : subject;
	return oneLine(clean);
}

/** The fields triage reads from an email; fields the caller gave already parsed override the raw message. */
export function emailFields(message: MimeMessage, given: EmailInput): ParsedEmail {
	const header = (name: string) => headerValue(message.headers, name);
	const from = given.from ?? header('from');
	const fromAddress = senderAddress(from);
	const subject = oneLine(given.subject ?? header('subject') ?? '');
	const contentType = mainValue(header('content-type')) || null;
	return {
		from,
		fromAddress,
		senderDomain: fromAddress ? fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || null : null,
		to: header('to'),
		subject,
		cleanSubject: stripListTags(subject),
		date: header('date'),
		mailer: header('x-mailer') ?? header('user-agent'),
		contentType,
		listId: header('list-id'),
		hasListHeaders: message.headers.some((h) => LIST_HEADER.test(h.name)),
		body: given.body ?? message.body,
		bodySource: given.body !== undefined ? 'given' : message.bodySource,
		attachments: message.attachments
	};
}

/** Parses an email input (raw and/or already-parsed fields). Pure and synchronous; never throws. */
export function parseEmail(input: EmailInput): ParsedEmail {
	return emailFields(parseMessage(input.raw ?? ''), input);
}
