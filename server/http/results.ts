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

/** Fails on bytes that are not UTF-8 instead of turning them into U+FFFD; a leading byte order mark is dropped. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const decodes = (bytes: Uint8Array, stream: boolean) => {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
		return true;
	} catch {
		return false;
	}
};

/** The offset of the first byte that does not belong to a whole UTF-8 character (only called once decoding failed). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
	// The longest prefix that decodes, allowing a character cut off at its end: the search bisects.
	let valid = 0;
	let invalid = bytes.length;
	while (invalid - valid > 1) {
		const middle = (valid + invalid) >>> 1;
		if (decodes(bytes.subarray(0, middle), true)) valid = middle;
		else invalid = middle;
	}
	if (decodes(bytes.subarray(0, valid), false)) return valid;
	// The prefix ends inside a character that never completes: it starts at its lead byte.
	let lead = valid - 1;
	while (lead > 0 && (bytes[lead] & 0xc0) === 0x80) lead--;
	return lead;
}

/**
 * A request body's bytes as JSON. JSON is UTF-8 (RFC 8259): other bytes are refused (415), not decoded
 * into replacement characters that would change the input the caller meant (a Latin-1 mail, say).
 */
export function parseJsonBytes(bytes: Uint8Array): ParsedJson {
	let text: string;
	try {
		text = strictUtf8.decode(bytes);
	} catch {
		const message = `Request body is not valid UTF-8 (byte ${firstInvalidUtf8Byte(bytes)}): send JSON as UTF-8`;
		return { ok: false, result: { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message } satisfies ApiError } };
	}
	return parseJsonText(text);
}

/** A request body as JSON; every operation with a body takes an object, which an empty body is not. */
function parseJsonText(text: string): ParsedJson {
	if (!text.trim()) {
		const message = 'The request body is empty: send a JSON object (see the operation in /api/openapi.json)';
		return { ok: false, result: { status: 400, body: { code: 'BAD_REQUEST', message } satisfies ApiError } };
	}
	try {
		return { ok: true, value: JSON.parse(text) };
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
