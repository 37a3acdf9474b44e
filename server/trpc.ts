import { TRPCError, initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context';
import { errorDetails, toTRPCError } from './errors';

const t = initTRPC
	.context<Context>()
	.meta<OpenApiMeta>()
	.create({
		transformer: superjson,
		// Clients get the field issues, the failing step and its trace; stacks only outside production.
		errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, ...errorDetails(error) } })
	});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns the pipeline kit's errors into HTTP-meaningful tRPC errors (400 input, 422 step failure). */
const mapKitErrors = t.middleware(async ({ next }) => {
	const result = await next();
	if (!result.ok) throw toTRPCError(result.error);
	return result;
});

const isAuthorized = t.middleware(({ ctx, next }) => {
	if (!ctx.authorized)
		throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Missing or wrong API key (Authorization: Bearer <key>)' });
	return next({ ctx });
});

/** No authentication: only for procedures that reveal nothing (none of the API's, today). */
export const publicProcedure = t.procedure.use(mapKitErrors);
/** Requires the API key when one is configured; every API procedure uses this. */
export const protectedProcedure = publicProcedure.use(isAuthorized);
