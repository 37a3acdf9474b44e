import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { type ApiError, errorDetails, errorMessage, logInternalError } from '../errors';

/** Headers an answer with this status needs besides its JSON: a 401 names the scheme to use (RFC 9110). */
export function statusHeaders(status: number): Readonly<Record<string, string>> {
	return status === 401 ? UNAUTHORIZED_HEADERS : NO_HEADERS;
}
const UNAUTHORIZED_HEADERS = Object.freeze({ 'www-authenticate': 'Bearer realm="convince"' });
const NO_HEADERS = Object.freeze({});

/** A JSON answer before it is written: SvelteKit's REST route and the node fast path write the same ones. */
export interface ApiResult {
	status: number;
	body: unknown;
}

/** The API's error body: field issues spelled out in the message, never a stack. */
export function apiError(code: string, message: string, details: Pick<ApiError, 'issues' | 'step' | 'trace'>): ApiError {
	const { issues, step, trace } = details;
	return {
		code,
		message: errorMessage(message, issues),
		...(issues && { issues }),
		...(step && { step }),
		...(trace && { trace })
	};
}

/** What a procedure threw, as the client sees it; anything but a TRPCError is a bug, logged and answered 500. */
export function procedureErrorResult(error: unknown, procedure: string): ApiResult {
	const trpcError =
		error instanceof TRPCError
			? error
			: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', cause: error });
	logInternalError({ error: trpcError, path: procedure });
	return {
		status: getHTTPStatusCodeFromError(trpcError),
		body: apiError(trpcError.code, trpcError.message, errorDetails(trpcError))
	};
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; result: ApiResult };

/** A request body as JSON; an empty body is no input at all (the procedure then names what is missing). */
export function parseJsonText(text: string): ParsedJson {
	try {
		return { ok: true, value: text ? JSON.parse(text) : undefined };
	} catch (error) {
		return {
			ok: false,
			result: {
				status: 400,
				body: { code: 'PARSE_ERROR', message: `Request body is not valid JSON: ${(error as Error).message}` } satisfies ApiError
			}
		};
	}
}
