import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
	DefinitionError,
	InputError,
	LoadError,
	PipelineOutputError,
	StepError,
	definePipeline,
	defineStep,
	issuesFromZod,
	manifest,
	runPipeline,
	runStep
} from '../../../src/lib/pipeline/kit';
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

	it('bounds what an error repeats of a huge bad request: the first issues, each cut short', async () => {
		const flags = Object.fromEntries(Array.from({ length: 80_000 }, (_, i) => [`flag${i}`, i]));
		const error = (await runPipeline(wordcount, { text: 'a' }, { flags }).catch((caught: unknown) => caught)) as InputError;
		expect(error).toBeInstanceOf(InputError);
		expect(error.message.length).toBeLessThan(1000);
		expect(error.issues[0].message).toMatch(/^Unrecognized keys: "flag0", "flag1", .*… \(\d+ characters\)$/);

		const many = z.array(z.number());
		const parsed = many.safeParse(Array.from({ length: 500 }, () => 'x'));
		const issues = issuesFromZod(parsed.error!, ['input']);
		expect(issues).toHaveLength(21);
		expect(issues[20]).toEqual({ path: ['input'], message: 'and 480 more issues' });
		const longKey = issuesFromZod(z.object({ [`k${'x'.repeat(900_000)}`]: z.string() }).safeParse({}).error!);
		expect(JSON.stringify(longKey).length).toBeLessThan(1000);
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

describe('manifest', () => {
	it('describes step inputs and flags as the API takes them: unknown keys refused', async () => {
		const described = manifest(wordcount);
		expect(described.flags).toMatchObject({ additionalProperties: false });
		for (const step of described.steps) expect(step.input, step.name).toMatchObject({ additionalProperties: false });
		// As the API refuses them; inside the pipeline a step still takes what the steps before it hand on.
		await expect(runPipeline(wordcount, { text: 'a b' }, { flags: { minLenght: 2 } })).rejects.toThrow(/minLenght/);
		expect(await runStep(wordcount.steps[1], { tokens: ['a'], extra: 1 })).toMatchObject({ output: { words: 1 } });
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

describe("an author's mistakes", () => {
	const echo = (name: string, examples?: { n: number }[]) =>
		defineStep({
			name,
			description: 'Returns its input',
			input: z.object({ n: z.number().min(0) }),
			output: z.object({ n: z.number() }),
			examples,
			run: (input) => ({ output: input })
		});
	const pipelineOf = (definition: Partial<Parameters<typeof definePipeline>[0]>) =>
		definePipeline({
			name: 'mistakes',
			version: '1.0.0',
			description: 'A pipeline with one mistake',
			input: z.object({ n: z.number() }),
			output: z.object({ n: z.number() }),
			flags: z.object({}),
			steps: [echo('one')],
			run: async (input) => input,
			...definition
		});

	it('are refused where the step or pipeline is defined, each in words that say what to change', () => {
		expect(() => echo('shout ing/é?')).toThrow(/Step name "shout ing\/é\?" is not allowed: use lower camelCase/);
		expect(() => echo('constructor')).toThrow(DefinitionError);
		expect(() => echo('then')).toThrow(DefinitionError);
		expect(() => echo('shouting', [{ n: 1 }, { n: -1 }])).toThrow(
			'Step "shouting": example 2 is not a valid input: n: Too small: expected number to be >=0'
		);
		expect(() => pipelineOf({ steps: [echo('route'), echo('route')] })).toThrow(
			'Pipeline "mistakes": two steps are named "route"; step names must be unique'
		);
		expect(() => pipelineOf({ flags: z.object({ on: z.boolean().default(true), threshold: z.number() }) })).toThrow(
			'Pipeline "mistakes": flag "threshold" has no default; add .default(...): callers, links and batch runs leave flags out'
		);
		expect(() => pipelineOf({ examples: [{ name: 'bad', input: { n: 1 }, flags: { nope: true } as never }] })).toThrow(
			/Pipeline "mistakes": example 1 is not a valid set of flags: .*nope/
		);
		expect(() => pipelineOf({ examples: [{ name: 'fine', input: { n: 1 } }] })).not.toThrow();
	});

	it('a step run but not listed in steps fails naming the fix; one the run never reaches says so in the trace', async () => {
		const listed = echo('listed');
		const forgotten = echo('forgotten');
		const unlisted = pipelineOf({ steps: [listed], run: async (input, ctx) => ctx.step(forgotten, input as { n: number }) });
		await expect(runPipeline(unlisted, { n: 1 })).rejects.toThrow(
			'Step "forgotten" is run by pipeline "mistakes" but missing from its steps: add it there'
		);
		const neverReached = pipelineOf({
			steps: [listed, forgotten],
			run: async (input, ctx) => ctx.step(listed, input as { n: number })
		});
		const run = await runPipeline(neverReached, { n: 1 }, { debug: true });
		expect(run.trace?.map((entry) => [entry.step, entry.status])).toEqual([
			['listed', 'ok'],
			['forgotten', 'skipped']
		]);
		expect(run.trace?.[1]).toMatchObject({ reason: 'not run on this input' });
	});

	it("an output the pipeline's schema rejects is the pipeline's bug, and a step's bad output names the step once", async () => {
		const wrongOutput = pipelineOf({ run: async () => ({ n: 'one' }) as never });
		const error = await runPipeline(wrongOutput, { n: 1 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PipelineOutputError);
		// In debug mode it keeps the trace, for the pages and for explaining a changed item.
		const traced = await runPipeline(wrongOutput, { n: 1 }, { debug: true }).catch((e: unknown) => e);
		expect((traced as PipelineOutputError).trace).toEqual([]);
		expect((error as PipelineOutputError).trace).toBeUndefined();
		expect((error as Error).message).toBe(
			'Pipeline "mistakes" returned an output its output schema rejects: output.n: expected number, received string'
		);
		const lying = defineStep({
			name: 'lying',
			description: 'Breaks its own output schema',
			input: z.object({ n: z.number() }),
			output: z.object({ share: z.number().max(1) }),
			run: () => ({ output: { share: 1.5 } })
		});
		const pipeline = pipelineOf({
			steps: [lying],
			run: async (input, ctx) => ({ n: (await ctx.step(lying, input as { n: number })).share })
		});
		const failed = await runPipeline(pipeline, { n: 1 }).catch((e: unknown) => e);
		expect(failed).toBeInstanceOf(StepError);
		expect((failed as Error).message).toBe(
			'Step "lying" returned an invalid output: output.share: Too big: expected number to be <=1'
		);
		// As the server's thread rebuilds it from a pipeline worker's answer: a plain Error with the name.
		const rebuilt = Object.assign(new Error((failed as StepError).message), { name: 'OutputError' });
		expect(new StepError('lying', rebuilt).message).toBe((failed as Error).message);
	});
});
