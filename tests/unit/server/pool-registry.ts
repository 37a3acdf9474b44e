import { threadId } from 'node:worker_threads';
import { z } from 'zod';
import { definePipeline, defineStep } from '../../../src/lib/pipeline';
import { pipelines as batchFixtures } from '../batch/fixtures/registry';
import { fragile } from './fragile';

let waiting = 0;

/** Waits, as a step awaiting a remote lookup does, until `text` runs wait at once (or fails after 10 s). */
const gather = defineStep({
	name: 'gather',
	description: 'Resolves once as many runs as its text says are waiting in it together.',
	input: z.object({ text: z.string() }),
	output: z.object({ text: z.string() }),
	async run({ text }) {
		waiting++;
		const deadline = Date.now() + 10_000;
		while (waiting < Number(text)) {
			if (Date.now() > deadline) throw new Error(`only ${waiting} runs waited together`);
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		return { output: { text } };
	}
});

const together = definePipeline({
	name: 'together',
	description: 'Runs overlap while a step waits (tests only).',
	version: '0.0.1',
	input: z.object({ text: z.string() }),
	output: z.object({ text: z.string() }),
	flags: z.object({}),
	steps: [gather],
	run: async (input, ctx) => ctx.step(gather, input)
});

/** A step whose debug data holds a function, which cannot be copied between threads. */
const leak = defineStep({
	name: 'leak',
	description: 'Names the thread it ran on, with a callback in its debug data.',
	input: z.object({ text: z.string() }),
	output: z.object({ text: z.string() }),
	debug: z.unknown(),
	run: ({ text }) => ({ output: { text: `${text} on thread ${threadId}` }, debug: { callback: () => text } })
});

const leaky = definePipeline({ ...together, name: 'leaky', steps: [leak], run: async (input, ctx) => ctx.step(leak, input) });

/**
 * Pipelines for pool workers in tests: the batch fixtures' (one cannot load its models, one exhausts its
 * heap), fragile, one whose runs must overlap and one whose debug data cannot cross threads.
 */
export const pipelines = { ...batchFixtures, fragile, together, leaky };
