import type { ApiError } from '../errors';
import { statusHeaders } from './results';

/** An error in the API's one JSON shape, for failures outside procedures (routing, body limits). */
export function apiErrorResponse(status: number, error: ApiError, headers: Record<string, string> = {}): Response {
	return Response.json(error, { status, headers: { ...statusHeaders(status), ...headers } });
}

export function notFoundResponse(pathname: string): Response {
	return apiErrorResponse(404, {
		code: 'NOT_FOUND',
		message: `No API route at ${pathname}; the REST operations are listed in /api/openapi.json`
	});
}

/** 405 naming the methods `pathname` takes; HEAD goes wherever GET does. */
export function methodNotAllowedResponse(method: string, pathname: string, allowed: string[]): Response {
	const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
	return apiErrorResponse(
		405,
		{ code: 'METHOD_NOT_SUPPORTED', message: `${method} is not supported on ${pathname}; use ${allowed.join(' or ')}` },
		{ allow: allow.join(', ') }
	);
}
