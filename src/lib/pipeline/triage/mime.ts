import { z } from 'zod';
import { htmlToText } from './html-text';
import { decodeCharset, decodeEncodedWords, decodeTransfer, normalizeCharset } from './mime-decoding';
import type { EmailInput, ParsedEmail } from './schemas';

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
const BLANK_LINE = /\r?\n\r?\n/;
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;
/** The "From sender date" envelope line of an mbox file, before the real headers. */
const MBOX_FROM_LINE = /^From [^\n]*\n/;
const FOLD = /\r?\n(?=[ \t])/g;
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
	const blank = BLANK_LINE.exec(text);
	const head = blank ? text.slice(0, blank.index) : text;
	return { headers: parseHeaders(head), body: blank ? text.slice(blank.index + blank[0].length) : '' };
}

function parseHeaders(head: string): MimeHeader[] {
	const headers: MimeHeader[] = [];
	for (const line of head.replace(FOLD, '').split('\n')) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		headers.push({ name: line.slice(0, colon).trim(), value: decodeEncodedWords(line.slice(colon + 1).trim()) });
	}
	return headers;
}

/** The first header called `name` (lower-case), in any case. */
function headerValue(headers: MimeHeader[], name: string): string | null {
	// Lengths first: a mail has dozens of headers, triage looks up a dozen names, and lower-casing
	// never turns a name of another length into one of these plain ASCII names.
	for (const header of headers) if (header.name.length === name.length && header.name.toLowerCase() === name) return header.value;
	return null;
}

interface HeaderWithParameters {
	value: string;
	parameters: Map<string, string>;
}

function parseParameters(header: string | null): HeaderWithParameters {
	if (!header) return { value: '', parameters: new Map() };
	const semicolon = header.indexOf(';');
	const parameters = new Map<string, string>();
	if (semicolon >= 0) {
		for (const [, key, raw] of header.slice(semicolon).matchAll(PARAMETER)) {
			const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
			parameters.set(key.toLowerCase(), unquoted);
		}
	}
	return { value: (semicolon >= 0 ? header.slice(0, semicolon) : header).trim().toLowerCase(), parameters };
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
	const contentType = parseParameters(headerValue(section.headers, 'content-type'));
	const disposition = parseParameters(headerValue(section.headers, 'content-disposition')).value;
	let type = contentType.value || defaultType;
	if (!contentType.value && HTML_DOCUMENT.test(section.body.slice(0, 200))) type = 'text/html';
	const boundary = contentType.parameters.get('boundary');

	if (depth < MAX_DEPTH && type.startsWith('multipart/') && boundary) {
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
		charset: contentType.parameters.get('charset') ?? null,
		encoding: headerValue(section.headers, 'content-transfer-encoding')?.toLowerCase() ?? null,
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
/** "[SAtalk]"-style mailing-list tags, possibly after reply/forward prefixes ("Re: [ILUG] ..."). */
const LIST_TAG = /^((?:\s*(?:re|fwd?|aw|sv)\s*(?:\[\d+\])?\s*:)*)\s*\[[^\]\n]{1,40}\]/i;
const LIST_HEADER = /^(list-|(x-)?mailing-list$)/i;

function senderAddress(from: string | null): string | null {
	if (!from) return null;
	const address = ANGLE_ADDRESS.exec(from)?.[1] ?? BARE_ADDRESS.exec(from)?.[0];
	return address ? address.toLowerCase().replace(/\.+$/, '') : null;
}

/** The subject without mailing-list tags, so a router cannot read the list name off it. */
export function stripListTags(subject: string): string {
	let clean = subject;
	for (let match = LIST_TAG.exec(clean); match; match = LIST_TAG.exec(clean)) {
		clean = `${match[1]} ${clean.slice(match[0].length)}`;
	}
	return clean.replace(/\s+/g, ' ').trim();
}

/** The fields triage reads from an email; fields the caller gave already parsed override the raw message. */
export function emailFields(message: MimeMessage, given: EmailInput): ParsedEmail {
	const header = (name: string) => headerValue(message.headers, name);
	const from = given.from ?? header('from');
	const fromAddress = senderAddress(from);
	const subject = (given.subject ?? header('subject') ?? '').replace(/\s+/g, ' ').trim();
	const contentType = parseParameters(header('content-type')).value || null;
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
