import { TRPCError, getTRPCErrorFromUnknown } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { z } from 'zod';
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
	/** Runs on the parsed input; what it returns is then checked against `output`. */
	resolve(options: { ctx: Context; input: z.output<I> }): Promise<z.input<O>>;
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
		.mutation(({ ctx, input }) => definition.resolve({ ctx, input: input as z.output<I> }) as Promise<never>);
	definitions.set(procedure, definition);
	return procedure;
}

/** The direct definition a procedure was built from, if it was. */
export function directDefinitionOf(procedure: object): DirectProcedure | undefined {
	return definitions.get(procedure);
}

/**
 * tRPC's input and output validators for a zod schema: parses synchronously, or asynchronously when
 * the schema turns out to need it, and fails with the error `failure` makes of the cause. Returns a
 * promise only in that rare case: promises cost CPU on every call, the more once SvelteKit's
 * AsyncLocalStorage has turned Node's promise hooks on.
 */
function validate<S extends z.ZodType>(
	schema: S,
	value: unknown,
	failure: (cause: unknown) => TRPCError
): z.output<S> | Promise<z.output<S>> {
	try {
		return schema.parse(value);
	} catch (cause) {
		if (Array.isArray((cause as { issues?: unknown } | undefined)?.issues)) throw failure(cause);
		return schema.parseAsync(value).catch((asyncCause: unknown) => {
			throw failure(asyncCause);
		});
	}
}

/**
 * Calls a direct definition as its tRPC procedure would run (protectedProcedure's middleware, then
 * tRPC's input validator, the resolver and the output validator) and throws the same errors.
 */
export async function callDirect(definition: DirectProcedure, ctx: Context, rawInput: unknown): Promise<unknown> {
	assertAuthorized(ctx);
	try {
		const input = await validate(definition.input, rawInput, (cause) => new TRPCError({ code: 'BAD_REQUEST', cause }));
		const output = await definition.resolve({ ctx, input });
		return await validate(
			definition.output,
			output,
			(cause) => new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Output validation failed', cause })
		);
	} catch (error) {
		// As tRPC's chain hands a throw to the middleware: anything but a TRPCError wrapped as a 500 first.
		throw toTRPCError(getTRPCErrorFromUnknown(error));
	}
}
