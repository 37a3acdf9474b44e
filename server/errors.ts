import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { type Issue, InputError, LoadError, StepError, formatIssues, issuesFromZod } from '../src/lib/pipeline/kit';

/** Runs work whose errors of this class mean something asked for is not there: a 404 with their message. */
export async function notFoundOn<T>(missing: abstract new (...args: never[]) => Error, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof missing) throw new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
		throw error;
	}
}

/** Body of every error the API answers, tRPC and REST alike (REST drops tRPC's envelope). */
export const apiErrorSchema = z
	.object({
		message: z.string(),
		code: z.string().describe('tRPC error code, e.g. BAD_REQUEST, UNAUTHORIZED, UNPROCESSABLE_CONTENT, SERVICE_UNAVAILABLE'),
		issues: z
			.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
			.optional()
			.describe('What is wrong with the request, field by field (400)'),
		step: z.string().optional().describe('The step that failed on this input (422)'),
		trace: z.array(z.unknown()).optional().describe('The trace up to the failing step, when the request asked for debug (422)')
	})
	.meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof apiErrorSchema>;

const GENERIC_INTERNAL_MESSAGE = 'Internal server error';

/**
 * Maps what a procedure threw to the error clients see: bad input 400, a step failing on this input
 * 422, models that did not load 503, and any other failure 500 with a generic message (the real one,
 * file paths and all, goes to the log, not the client).
 */
export function toTRPCError(error: TRPCError): TRPCError {
	const cause = error.cause;
	if (cause instanceof InputError) return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
	if (cause instanceof StepError) return new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: cause.message, cause });
	if (cause instanceof LoadError) {
		const message = `${cause.what} is not available: its models did not load on the server (its log says why)`;
		return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message, cause });
	}
	if (error.code === 'INTERNAL_SERVER_ERROR' && error.message !== GENERIC_INTERNAL_MESSAGE) {
		return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: GENERIC_INTERNAL_MESSAGE, cause: error.cause ?? error });
	}
	return error;
}

/** The message clients read: the field issues spelled out, where zod's own message is a JSON dump of them. */
export function errorMessage(message: string, issues: Issue[] | undefined): string {
	return issues?.length ? `Invalid input: ${formatIssues(issues)}` : message;
}

/** Field issues, failing step and trace carried by an error's cause, for the error body. */
export function errorDetails(error: TRPCError): Pick<ApiError, 'issues' | 'step' | 'trace'> {
	// A bug (an answer its own output schema rejects, say) is not the caller's input: nothing of it goes out.
	if (error.code === 'INTERNAL_SERVER_ERROR') return {};
	const cause = error.cause;
	if (cause instanceof z.ZodError) return { issues: issuesFromZod(cause) };
	if (cause instanceof InputError) return { issues: cause.issues satisfies Issue[] };
	if (cause instanceof StepError) return cause.trace ? { step: cause.step, trace: cause.trace } : { step: cause.step };
	return {};
}

/** Bugs go to the server log in full, models that did not load in a line each; clients only ever see the generic message. */
export function logInternalError({ error, path }: { error: TRPCError; path?: string }): void {
	const where = path ?? '(no procedure)';
	if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[api] ${where} failed:`, error.cause ?? error);
	// The load's failure was logged whole when it happened: each request it refuses adds one line, not a stack.
	if (error.code === 'SERVICE_UNAVAILABLE') console.error(`[api] ${where} answered 503: ${(error.cause ?? error).message}`);
}
