import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, LoadError, definePipeline, defineStep, runPipeline, runStep } from '../../../src/lib/pipeline/kit';
import { wordcount } from '../../../src/lib/pipeline/wordcount';

describe('runPipeline', () => {
	it('gives the same output with debug on and off, and traces every step only in debug', async () => {
		const plain = await runPipeline(wordcount, { text: 'one two three four five six' });
		const traced = await runPipeline(wordcount, { text: 'one two three four five six' }, { debug: true });
		expect(traced.output).toEqual(plain.output);
		expect(plain.trace).toBeUndefined();
		expect(traced.trace?.map((t) => [t.step, t.status])).toEqual([
			['tokens', 'ok'],
			['count', 'ok'],
			['verdict', 'ok']
		]);
		expect(plain.timings.map((t) => t.step)).toEqual(['tokens', 'count', 'verdict']);
	});

	it('fills flag defaults and records skipped steps', async () => {
		const run = await runPipeline(wordcount, { text: 'a b c d e f' }, { flags: { verdict: false }, debug: true });
		expect(run.flags).toEqual({ minLength: 1, threshold: 5, verdict: false });
		expect(run.output.long).toBe(false);
		expect(run.trace?.at(-1)).toMatchObject({ step: 'verdict', status: 'skipped' });
	});

	it('rejects unknown and mistyped flags, naming them', async () => {
		const error = await runPipeline(wordcount, { text: 'x' }, { flags: { nope: 1, threshold: 'x' } }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		const paths = (error as InputError).issues.map((i) => i.path.join('.'));
		expect(paths).toContain('flags.threshold');
		expect((error as InputError).message).toMatch(/nope/);
	});

	it('rejects bad input with the field path, in words a person reads once', async () => {
		const error = await runPipeline(wordcount, { text: 3 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).issues[0].path).toEqual(['input', 'text']);
		expect((error as InputError).message).toBe('Invalid input: input.text: expected string, received number');
		const missing = await runPipeline(wordcount, {}).catch((e: unknown) => e);
		expect((missing as InputError).issues).toEqual([{ path: ['input', 'text'], message: 'Required: expected string' }]);
	});
});

describe('runStep', () => {
	it('validates input, applies defaults and returns debug only when asked', async () => {
		const count = wordcount.steps[1];
		const plain = await runStep(count, { tokens: ['a', 'b', 'a'] });
		expect(plain.output).toEqual({ words: 3, distinct: 2 });
		expect(plain.debug).toBeUndefined();
		const traced = await runStep(count, { tokens: ['a', 'b', 'a'] }, { debug: true });
		expect(traced.debug).toEqual({
			top: [
				{ word: 'a', count: 2 },
				{ word: 'b', count: 1 }
			]
		});
		await expect(runStep(count, { tokens: 'a' })).rejects.toThrow(/input\.tokens/);
	});
});

describe('loading', () => {
	it('reports a failed load as a LoadError naming the step, and tries again on the next run', async () => {
		let attempts = 0;
		const flaky = defineStep({
			name: 'flaky',
			description: 'Loads on the second try',
			input: z.object({ n: z.number() }),
			output: z.object({ n: z.number() }),
			async load() {
				if (++attempts === 1) throw new Error('model file missing');
			},
			run: (input) => ({ output: input })
		});
		const pipeline = definePipeline({
			name: 'loads',
			version: '1.0.0',
			description: 'One step that loads',
			input: z.object({ n: z.number() }),
			output: z.object({ n: z.number() }),
			flags: z.object({}),
			steps: [flaky],
			run: (input, ctx) => ctx.step(flaky, input)
		});
		const failed = await runPipeline(pipeline, { n: 1 }).catch((error: unknown) => error);
		expect(failed).toBeInstanceOf(LoadError);
		expect(failed).toMatchObject({ step: 'flaky', message: 'Step "flaky" could not load: model file missing' });
		expect((await runPipeline(pipeline, { n: 2 })).output).toEqual({ n: 2 });
		expect((await runStep(flaky, { n: 3 })).output).toEqual({ n: 3 });
		expect(attempts).toBe(2);
	});
});
