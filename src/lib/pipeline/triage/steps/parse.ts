import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { emailFields, mimeHeaderSchema, mimePartSchema, parseMessage } from '../mime';
import { emailInputSchema, parsedEmailSchema } from '../schemas';

export const parse = defineStep({
	name: 'parse',
	description: 'Parses the raw email (headers, MIME parts, charsets) into sender, subject and a plain-text body.',
	input: emailInputSchema,
	output: parsedEmailSchema,
	debug: z.object({
		headers: z
			.array(mimeHeaderSchema)
			.describe('Every header in order, decoded')
			.meta(display.table(['name', 'value'])),
		parts: z
			.array(mimePartSchema)
			.describe('Leaf MIME parts in order; "used" marks those the body came from')
			.meta(display.table(['type', 'filename', 'charset', 'encoding', 'size', 'used']))
	}),
	examples: [
		{
			raw:
				'From: Ann Lee <ann@example.com>\nTo: team@example.org\nSubject: Re: [ILUG] Printer on the 2nd floor\n' +
				'Content-Type: text/plain; charset=utf-8\n\nThe printer jams again since Monday. Can someone from IT have a look?\n'
		},
		{ subject: 'Invoice 2024-113', from: 'billing@shop.example', body: 'Please find the invoice for March attached.' }
	],
	run(input, { debug }) {
		const message = parseMessage(input.raw ?? '');
		return {
			output: emailFields(message, input),
			debug: debug ? { headers: message.headers, parts: message.parts } : undefined
		};
	}
});
