import { TRPCError, type inferProcedureInput, type inferProcedureOutput } from '@trpc/server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { createContextInner } from '../../../server/context';
import { errorDetails } from '../../../server/errors';
import { type AppRouter, createAppRouter } from '../../../server/routers/_app';
import { createCallerFactory } from '../../../server/trpc';
import { type AnyPipeline, pipelines } from '../../../src/lib/pipeline';
import { fragile } from './fragile';

function callerFor<P extends AnyPipeline>(pipeline: P, authorized = true) {
	return createCallerFactory(createAppRouter(pipeline))(createContextInner({ pipeline, authorized }));
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
	return error;
}

describe('createAppRouter', () => {
	const caller = callerFor(pipelines.wordcount);

	it('runs the pipeline with flag defaults filled in, and each step alone', async () => {
		const run = await caller.pipeline.run({ input: { text: 'one two three four five' }, flags: { threshold: 3 } });
		expect(run.output).toEqual({ words: 5, distinct: 5, long: true });
		expect(run.flags).toEqual({ minLength: 1, threshold: 3, verdict: true });
		expect(run.trace).toBeUndefined();
		const counted = await caller.steps.count({ input: { tokens: ['a', 'b', 'a'] }, debug: true });
		expect(counted.output).toEqual({ words: 3, distinct: 2 });
		expect(counted.debug?.top[0]).toEqual({ word: 'a', count: 2 });
	});

	it('has one step procedure per step, named after it', () => {
		const router = createAppRouter(fragile);
		expect(Object.keys(router._def.procedures).filter((p) => p.startsWith('steps.'))).toEqual([
			'steps.echo',
			'steps.brokenOutput',
			'steps.brokenDebug'
		]);
	});

	it('keeps the pipeline and step types on the procedures', () => {
		type WordcountRouter = ReturnType<typeof createAppRouter<typeof pipelines.wordcount>>;
		expectTypeOf<inferProcedureInput<WordcountRouter['pipeline']['run']>['input']>().toEqualTypeOf<{
			text: string;
			title?: string | undefined;
		}>();
		expectTypeOf<inferProcedureInput<WordcountRouter['steps']['tokens']>['input']>().toEqualTypeOf<{ text: string }>();
		expectTypeOf<inferProcedureOutput<WordcountRouter['steps']['count']>['output']>().toEqualTypeOf<{
			words: number;
			distinct: number;
		}>();
		expectTypeOf<inferProcedureOutput<WordcountRouter['pipeline']['run']>['flags']['threshold']>().toEqualTypeOf<number>();
		// AppRouter follows the default pipeline.
		expectTypeOf<inferProcedureInput<AppRouter['pipeline']['run']>['input']>().toEqualTypeOf<
			z.input<typeof pipelines.triage.input>
		>();
		expectTypeOf<keyof AppRouter['steps']>().toEqualTypeOf<(typeof pipelines.triage.steps)[number]['name']>();
	});

	it('rejects bad input and unknown flags with the field paths (400)', async () => {
		const error = await trpcError(
			caller.pipeline.run({ input: { text: 3 as unknown as string }, flags: { nope: true } as never })
		);
		expect(error.code).toBe('BAD_REQUEST');
		expect(errorDetails(error).issues?.map((i) => i.path.join('.'))).toEqual(['input.text', 'flags']);
	});

	it('requires authorization on every procedure when the context lacks it', async () => {
		const closed = callerFor(pipelines.wordcount, false);
		for (const call of [
			() => closed.health(),
			() => closed.pipeline.manifest(),
			() => closed.steps.tokens({ input: { text: 'x' } }),
			() => closed.inputs.save({ input: { text: 'x' } }),
			() => closed.inputs.get({ id: 'AAAAAAAAAAAAAAAAAAAAAA' })
		]) {
			expect((await trpcError(call())).code).toBe('UNAUTHORIZED');
		}
	});

	it('reports a step failing on the input as 422 naming the step, with the trace in debug mode', async () => {
		const fragileCaller = callerFor(fragile);
		const plain = await trpcError(fragileCaller.pipeline.run({ input: { text: 'boom' } }));
		expect(plain.code).toBe('UNPROCESSABLE_CONTENT');
		expect(errorDetails(plain)).toEqual({ step: 'echo' });
		const traced = await trpcError(fragileCaller.pipeline.run({ input: { text: 'boom' }, debug: true }));
		expect(errorDetails(traced).trace).toMatchObject([{ step: 'echo', status: 'error' }]);
		const alone = await trpcError(fragileCaller.steps.echo({ input: { text: 'boom' } }));
		expect([alone.code, errorDetails(alone).step]).toEqual(['UNPROCESSABLE_CONTENT', 'echo']);
	});

	it('hides bugs behind a generic 500 message', async () => {
		const fragileCaller = callerFor(fragile);
		for (const call of [
			() => fragileCaller.pipeline.run({ input: { text: 'x' }, flags: { crash: true } }),
			() => fragileCaller.steps.brokenOutput({ input: {} }),
			() => fragileCaller.steps.brokenDebug({ input: {}, debug: true })
		]) {
			const error = await trpcError(call());
			expect(error.code).toBe('INTERNAL_SERVER_ERROR');
			expect(error.message).toBe('Internal server error');
		}
	});
});
