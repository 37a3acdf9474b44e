import { z } from 'zod';
import { definePipeline, defineStep } from '../../../src/lib/pipeline/kit';

/** Fails on demand, the ways real steps do: throwing on an input, breaking its output contract, or a bug outside any step. */
const echo = defineStep({
	name: 'echo',
	description: 'Returns its text; throws when the text starts with "boom".',
	input: z.object({ text: z.string() }),
	output: z.object({ text: z.string() }),
	examples: [{ text: 'hello' }],
	run({ text }) {
		if (text.startsWith('boom')) throw new Error('cannot echo boom (internal detail /srv/secret)');
		return { output: { text } };
	}
});

const broken = defineStep({
	name: 'brokenOutput',
	description: 'Returns something its own output schema rejects.',
	input: z.object({}),
	output: z.object({ count: z.number() }),
	run: () => ({ output: { count: 'many' as unknown as number } })
});

/** The kit does not check debug data against the step's debug schema; the procedures' output validation does. */
const brokenDebug = defineStep({
	name: 'brokenDebug',
	description: 'Returns debug data its own debug schema rejects.',
	input: z.object({}),
	output: z.object({}),
	debug: z.object({ count: z.number() }),
	run: () => ({ output: {}, debug: { count: 'many' as unknown as number } })
});

export const fragile = definePipeline({
	name: 'fragile',
	description: 'A pipeline that fails on demand (tests only).',
	version: '0.0.1',
	input: z.object({ text: z.string().max(100) }),
	output: z.object({ text: z.string() }),
	flags: z.object({ crash: z.boolean().default(false).describe('Throw a bug outside any step') }),
	steps: [echo, broken, brokenDebug],
	examples: [{ name: 'hello', input: { text: 'hello' } }],
	async run(input, ctx) {
		if (ctx.flags.crash) throw new TypeError('undefined is not a function (internal detail /srv/secret)');
		return ctx.step(echo, input);
	}
});
