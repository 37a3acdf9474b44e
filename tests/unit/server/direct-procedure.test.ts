import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createContextInner } from '../../../server/context';
import { callDirect, directDefinitionOf } from '../../../server/direct-procedure';
import { errorDetails } from '../../../server/errors';
import { createAppRouter } from '../../../server/routers/_app';
import { createCallerFactory } from '../../../server/trpc';
import { type AnyPipeline, pipelines } from '../../../src/lib/pipeline';
import { withoutTimings } from '../../http/timings';
import { fragile } from './fragile';

/** All a client can learn from a call: the data, or the error's code, message, cause and details. */
async function outcome(call: () => unknown) {
	try {
		return { data: withoutTimings(await call()) };
	} catch (error) {
		if (!(error instanceof TRPCError)) throw error;
		const cause = error.cause?.constructor.name;
		return { code: error.code, message: error.message, cause, details: withoutTimings(errorDetails(error)) };
	}
}

/** Well-formed and broken bodies, and every documented example, for any procedure of the pipeline. */
function bodiesFor(pipeline: AnyPipeline): unknown[] {
	const broken = [undefined, null, 42, {}, { input: 42 }, { input: {} }, { input: { text: 'hi' }, debug: 'yes' }];
	const inputs = [
		...(pipeline.examples ?? []).map(({ input, flags }) => ({ input, ...(flags && { flags }) })),
		...pipeline.steps.flatMap((step) => (step.examples ?? []).map((input) => ({ input }))),
		// Steps taking no fields refuse any (the API's step inputs are strict): this one reaches them.
		{ input: {} },
		{ input: { text: 'boom' } },
		{ input: { text: 'x'.repeat(101) } },
		{ input: { text: 'x' }, flags: { crash: true } },
		{ input: { text: 'x' }, flags: { noSuchFlag: true } }
	];
	return [...broken, ...inputs.flatMap((body) => [body, { ...body, debug: true }])];
}

describe('callDirect', () => {
	it('answers as the tRPC procedure built from the same definition: data and every kind of error', async () => {
		const kinds = new Set<string>();
		for (const pipeline of [fragile, pipelines.wordcount] as AnyPipeline[]) {
			const router = createAppRouter(pipeline);
			const direct = Object.entries(router._def.procedures).flatMap(([path, procedure]) => {
				const definition = directDefinitionOf(procedure);
				return definition ? [{ path, definition }] : [];
			});
			expect(direct.map(({ path }) => path)).toEqual(['pipeline.run', ...pipeline.steps.map((step) => `steps.${step.name}`)]);
			for (const authorized of [true, false]) {
				const ctx = createContextInner({ pipeline, authorized });
				const caller = createCallerFactory(router)(ctx) as unknown as Record<
					string,
					Record<string, (input: unknown) => Promise<unknown>>
				>;
				for (const { path, definition } of direct) {
					const [group, name] = path.split('.');
					for (const body of bodiesFor(pipeline)) {
						const viaTrpc = await outcome(() => caller[group][name](body));
						expect(await outcome(() => callDirect(definition, ctx, body)), `${path} ${JSON.stringify(body)}`).toEqual(viaTrpc);
						kinds.add(`${viaTrpc.code ?? 'OK'} ${viaTrpc.cause ?? ''}`.trim());
					}
				}
			}
		}
		// The cases reach every path through a procedure: success, key, input, step failure, and each kind of bug.
		expect([...kinds].sort()).toEqual([
			'BAD_REQUEST ZodError',
			'INTERNAL_SERVER_ERROR OutputError',
			'INTERNAL_SERVER_ERROR TypeError',
			'INTERNAL_SERVER_ERROR ZodError',
			'OK',
			'UNAUTHORIZED',
			'UNPROCESSABLE_CONTENT StepError'
		]);
	});
});
