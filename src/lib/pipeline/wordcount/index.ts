import { z } from 'zod';
import { definePipeline, defineStep, display } from '../kit';

/**
 * A deliberately small second pipeline. Tests serve it instead of triage to prove that the API, the
 * pages and the batch runner follow whatever pipeline is registered, with no edit outside this folder.
 */

const tokens = defineStep({
	name: 'tokens',
	description: 'Splits text into lower-case word tokens.',
	input: z.object({ text: z.string().describe('Any text') }),
	output: z.object({ tokens: z.array(z.string()) }),
	debug: z.object({
		spans: z.array(z.object({ start: z.number(), end: z.number(), label: z.string() })).meta(display.spans('text'))
	}),
	examples: [{ text: 'The quick brown fox' }],
	run({ text }, { debug }) {
		const matches = [...text.matchAll(/\p{L}+/gu)];
		return {
			output: { tokens: matches.map((m) => m[0].toLowerCase()) },
			debug: debug ? { spans: matches.map((m) => ({ start: m.index, end: m.index + m[0].length, label: 'word' })) } : undefined
		};
	}
});

const count = defineStep({
	name: 'count',
	description: 'Counts tokens, optionally ignoring very short ones.',
	input: z.object({ tokens: z.array(z.string()), minLength: z.number().int().min(1).default(1) }),
	output: z.object({ words: z.number().int(), distinct: z.number().int() }),
	debug: z.object({ top: z.array(z.object({ word: z.string(), count: z.number() })).meta(display.table(['word', 'count'])) }),
	examples: [{ tokens: ['a', 'rose', 'is', 'a', 'rose'], minLength: 1 }],
	run({ tokens, minLength }, { debug }) {
		const kept = tokens.filter((t) => t.length >= minLength);
		const counts = new Map<string, number>();
		for (const t of kept) counts.set(t, (counts.get(t) ?? 0) + 1);
		const top = debug
			? [...counts]
					.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
					.slice(0, 10)
					.map(([word, c]) => ({ word, count: c }))
			: [];
		return { output: { words: kept.length, distinct: counts.size }, debug: debug ? { top } : undefined };
	}
});

const verdict = defineStep({
	name: 'verdict',
	description: 'Calls a text long when it has at least `threshold` words.',
	input: z.object({ words: z.number().int(), threshold: z.number().int().min(0) }),
	output: z.object({ long: z.boolean() }),
	run: ({ words, threshold }) => ({ output: { long: words >= threshold } })
});

export const wordcount = definePipeline({
	name: 'wordcount',
	description: 'Counts the words of a text and calls it long or short (a small pipeline for tests).',
	version: '1.0.0',
	input: z.object({
		text: z.string().max(100_000).describe('The text to count'),
		title: z.string().max(200).optional().describe('An optional title, counted with the text')
	}),
	output: z.object({ words: z.number().int(), distinct: z.number().int(), long: z.boolean() }),
	flags: z.object({
		minLength: z.number().int().min(1).max(20).default(1).describe('Ignore words shorter than this'),
		threshold: z.number().int().min(0).default(5).describe('Word count from which a text is long'),
		verdict: z.boolean().default(true).describe('Decide long/short (off: always short)')
	}),
	label: z.object({ long: z.boolean() }),
	evaluation: {
		score: (output, label) => ({ correct: output.long === label.long, predicted: output.long, expected: label.long }),
		aggregate: (scores) => ({
			accuracy: scores.length ? scores.filter((s) => s.correct).length / scores.length : 0,
			items: scores.length
		}),
		primaryMetric: 'accuracy',
		metrics: {
			accuracy: { description: 'Share of texts whose long/short verdict matches the label', higherIsBetter: true },
			items: { description: 'Items scored', higherIsBetter: null }
		}
	},
	steps: [tokens, count, verdict],
	summarize: (input) => ({ title: input.title ?? input.text.slice(0, 80), subtitle: `${input.text.length} characters` }),
	examples: [{ name: 'short sentence', input: { text: 'The quick brown fox jumps' }, label: { long: true } }],
	async run(input, ctx) {
		const { tokens: words } = await ctx.step(tokens, { text: [input.title, input.text].filter(Boolean).join('\n') });
		const counted = await ctx.step(count, { tokens: words, minLength: ctx.flags.minLength });
		let long = false;
		if (ctx.flags.verdict) ({ long } = await ctx.step(verdict, { words: counted.words, threshold: ctx.flags.threshold }));
		else ctx.skip(verdict, 'flag verdict is off');
		return { ...counted, long };
	}
});
