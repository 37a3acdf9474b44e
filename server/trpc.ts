import { TRPCError, initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context';
import { errorDetails, errorMessage, toTRPCError } from './errors';

const t = initTRPC
	.context<Context>()
	.meta<OpenApiMeta>()
	.create({
		transformer: superjson,
		// tRPC's own default sends stacks whenever NODE_ENV is not 'production', and `node server/serve.js`
		// or a test server may run without it: stacks reach clients only from `vite dev`.
		isDev: process.env.NODE_ENV === 'development',
		// Clients get the field issues (also in the message, as REST has it), the failing step and its trace.
		errorFormatter: ({ shape, error }) => {
			const details = errorDetails(error);
			return { ...shape, message: errorMessage(shape.message, details.issues), data: { ...shape.data, ...details } };
		}
	});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Rejects a context that lacks the API key (server/direct-procedure.ts checks calls that skip tRPC with it too). */
export function assertAuthorized(ctx: Context): void {
	if (!ctx.authorized)
		throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Missing or wrong API key (Authorization: Bearer <key>)' });
}

/**
 * Checks the API key, then turns the pipeline kit's errors into HTTP-meaningful tRPC errors (400
 * input, 422 step failure). One middleware rather than two: every level of tRPC's chain costs CPU on
 * each call, and a rejected key comes out of toTRPCError unchanged anyway.
 */
const authorizedWithKitErrors = t.middleware(async ({ ctx, next }) => {
	assertAuthorized(ctx);
	const result = await next();
	if (!result.ok) throw toTRPCError(result.error);
	return result;
});

/** Requires the API key when one is configured; every API procedure uses this. */
export const protectedProcedure = t.procedure.use(authorizedWithKitErrors);
