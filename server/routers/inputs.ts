import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { getDb } from '../../db/client';
import { SAVED_INPUT_ID, getSavedInput, saveInput } from '../../db/queries/inputs';
import { protectedProcedure, router } from '../trpc';

const typedInput = z
	.unknown()
	.refine((value) => value !== undefined, 'Give the input to save')
	.describe('A pipeline or step input as a debug page sends it');

/**
 * Typed inputs too long for a link (tRPC only): the debug pages save one and link to its id, so the
 * page reloads and shares like any other. The request's body limit bounds what can be saved.
 */
export const inputsRouter = router({
	save: protectedProcedure
		.input(z.object({ input: typedInput }))
		.output(z.object({ id: z.string() }))
		.mutation(({ input }) => ({ id: saveInput(getDb(), JSON.stringify(input.input)) })),

	get: protectedProcedure
		.input(z.object({ id: z.string().regex(SAVED_INPUT_ID, 'A saved input id is 22 letters, digits, - or _') }))
		.output(z.object({ input: typedInput }))
		.query(({ input }) => {
			const json = getSavedInput(getDb(), input.id);
			if (json === undefined) throw new TRPCError({ code: 'NOT_FOUND', message: `No input is saved as "${input.id}"` });
			return { input: JSON.parse(json) as unknown };
		})
});
