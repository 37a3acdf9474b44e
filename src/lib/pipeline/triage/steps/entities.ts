import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { analyzeText, entitySchema, loadNlp } from '../nlp';

export const entities = defineStep({
	name: 'entities',
	description: 'Finds dates, times, amounts of money, percentages, numbers, e-mail addresses, URLs and the like (wink-nlp).',
	input: z.object({
		text: z.string().max(100_000).describe('Text to read, e.g. the subject and the start of the body')
	}),
	output: z.object({
		entities: z.array(entitySchema).describe('In text order')
	}),
	debug: z.object({
		spans: z
			.array(z.object({ start: z.number().int(), end: z.number().int(), label: z.string() }))
			.describe('The entities as highlighted spans of the text')
			.meta(display.spans('text'))
	}),
	examples: [
		{
			text: 'Order #4411: we charged $249.99 on 12 March 2002. Questions? Mail billing@shop.example or see http://shop.example/faq'
		}
	],
	load: loadNlp,
	run({ text }, { debug }) {
		const found = analyzeText(text).entities;
		return {
			output: { entities: found },
			debug: debug ? { spans: found.map(({ start, end, type }) => ({ start, end, label: type })) } : undefined
		};
	}
});
