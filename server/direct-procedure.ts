import { TRPCError, getTRPCErrorFromUnknown } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { z } from 'zod';
import { type MaybePromise, andThen, recover } from '../src/lib/pipeline';
import type { Context } from './context';
import { toTRPCError } from './errors';
import { assertAuthorized, protectedProcedure } from './trpc';

/**
 * A protected mutation's whole behaviour as plain data. tRPC serves it through its procedure; the REST
 * operations call it with callDirect, which skips tRPC's per-call middleware plumbing (it cost more
 * CPU than a cheap step itself) but answers exactly as the procedure does.
 */
export interface DirectProcedure<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
	meta: OpenApiMeta;
	input: I;
	output: O;
	/** Runs on the parsed input; what it returns is then checked against `output`. Synchronous when it can be. */
	resolve(options: { ctx: Context; input: z.output<I> }): MaybePromise<z.input<O>>;
}

const definitions = new WeakMap<object, DirectProcedure>();

/** The tRPC procedure of a direct definition; directDefinitionOf finds the definition again from it. */
export function directProcedure<I extends z.ZodType, O extends z.ZodType>(definition: DirectProcedure<I, O>) {
	const procedure = protectedProcedure
		.meta(definition.meta)
		.input(definition.input)
		.output(definition.output)
		// tRPC infers the same types from the schemas as z.input / z.output do, but cannot tell while I
		// and O are unknown; the procedure's own types still come from the schemas.
		.mutation(({ ctx, input }) => definition.resolve({ ctx, input: input as z.output<I> }) as never);
	definitions.set(procedure, definition);
	return procedure;
}

/** The direct definition a procedure was built from, if it was. */
export function directDefinitionOf(procedure: object): DirectProcedure | undefined {
	return definitions.get(procedure);
}

/**
 * tRPC's input and output validators for a zod schema: parses synchronously, or asynchronously when
 * the schema turns out to need it, and fails with the error `failure` makes of the cause.
 */
function validate<S extends z.ZodType>(
	schema: S,
	value: unknown,
	failure: (cause: unknown) => TRPCError
): MaybePromise<z.output<S>> {
	try {
		return schema.parse(value);
	} catch (cause) {
		if (Array.isArray((cause as { issues?: unknown } | undefined)?.issues)) throw failure(cause);
		return schema.parseAsync(value).catch((asyncCause: unknown) => {
			throw failure(asyncCause);
		});
	}
}

const badRequest = (cause: unknown) => new TRPCError({ code: 'BAD_REQUEST', cause });
const outputInvalid = (cause: unknown) =>
	new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Output validation failed', cause });

/**
 * Calls a direct definition as its tRPC procedure would run (protectedProcedure's middleware, then
 * tRPC's input validator, the resolver and the output validator) and fails with the same errors:
 * thrown now, or as the promise's rejection when some part ran asynchronously (see MaybePromise).
 */
export function callDirect(definition: DirectProcedure, ctx: Context, rawInput: unknown): MaybePromise<unknown> {
	assertAuthorized(ctx);
	return recover(
		() =>
			andThen(validate(definition.input, rawInput, badRequest), (input) =>
				andThen(definition.resolve({ ctx, input }), (output) => validate(definition.output, output, outputInvalid))
			),
		(error) => {
			// As tRPC's chain hands a throw to the middleware: anything but a TRPCError wrapped as a 500 first.
			throw toTRPCError(getTRPCErrorFromUnknown(error));
		}
	);
}
