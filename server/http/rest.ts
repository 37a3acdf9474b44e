import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { type OpenApiMeta, createOpenApiFetchHandler } from 'trpc-to-openapi';
import { formatIssues } from '../../src/lib/pipeline/kit';
import type { App } from '../app';
import { type ApiError, errorDetails, logInternalError } from '../errors';
import { REST_BASE_PATH } from '../openapi';
import { createCallerFactory } from '../trpc';
import { limitRequestBody } from './body';
import { apiErrorResponse, methodNotAllowedResponse, notFoundResponse } from './responses';

interface Operation {
	method: string;
	/** Matches the request path; path parameters become named groups. */
	pattern: RegExp;
	/** Dotted tRPC path of the procedure, e.g. `steps.parse`. */
	procedure: string;
}

function pathPattern(path: string): RegExp {
	const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
	return new RegExp(`^${REST_BASE_PATH}${escaped}/?$`);
}

/** Every procedure with OpenAPI metadata, as REST sees it. */
function operationsOf(app: App): Operation[] {
	return Object.entries(app.router._def.procedures).flatMap(([procedure, definition]) => {
		const { openapi } = ((definition as { _def: { meta?: OpenApiMeta } })._def.meta ?? {}) as OpenApiMeta;
		if (!openapi || openapi.enabled === false) return [];
		return [{ method: openapi.method, pattern: pathPattern(openapi.path), procedure }];
	});
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function isJson(contentType: string | null): boolean {
	return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

/** The API's error body: field issues spelled out in the message, never a stack. */
function apiError(code: string, message: string, details: Pick<ApiError, 'issues' | 'step' | 'trace'>): ApiError {
	const { issues, step, trace } = details;
	return {
		code,
		message: issues?.length ? `Invalid input: ${formatIssues(issues)}` : message,
		...(issues && { issues }),
		...(step && { step }),
		...(trace && { trace })
	};
}

function errorResponse(error: unknown, procedure: string): Response {
	const trpcError =
		error instanceof TRPCError
			? error
			: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', cause: error });
	logInternalError({ error: trpcError, path: procedure });
	return apiErrorResponse(
		getHTTPStatusCodeFromError(trpcError),
		apiError(trpcError.code, trpcError.message, errorDetails(trpcError))
	);
}

/** trpc-to-openapi answers tRPC's error envelope; clients get the API's one error shape instead. */
async function toApiError(response: Response): Promise<Response> {
	const body = (await response.json()) as { message: string; code: string; data?: Pick<ApiError, 'issues' | 'step' | 'trace'> };
	return apiErrorResponse(response.status, apiError(body.code, body.message, body.data ?? {}));
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; response: Response };

/** Reads the whole body within the size limit and parses it as JSON. */
async function readJsonBody(request: Request, maxBytes: number): Promise<ParsedBody> {
	let text: string;
	try {
		text = await limitRequestBody(request, maxBytes).text();
	} catch (error) {
		if (error instanceof TRPCError && error.code === 'PAYLOAD_TOO_LARGE')
			return { ok: false, response: apiErrorResponse(413, { code: error.code, message: error.message }) };
		throw error;
	}
	try {
		return { ok: true, value: text ? JSON.parse(text) : undefined };
	} catch (error) {
		return {
			ok: false,
			response: apiErrorResponse(400, {
				code: 'PARSE_ERROR',
				message: `Request body is not valid JSON: ${(error as Error).message}`
			})
		};
	}
}

/**
 * Answers `/api/v1/...`. Routing errors, media type and size are checked here. Operations with a JSON
 * body are called here through the router: trpc-to-openapi's handler coerces every number and boolean
 * inside the input schema (and mutates the pipeline's schemas to do so, so `"false"` became `true`),
 * which only query strings need. It keeps serving the query-string (GET) operations.
 */
export function createRestHandler(app: App): (request: Request) => Promise<Response> {
	const operations = operationsOf(app);
	const createCaller = createCallerFactory(app.router);
	return async (request) => {
		const { pathname } = new URL(request.url);
		const matching = operations.filter((operation) => operation.pattern.test(pathname));
		if (!matching.length) return notFoundResponse(pathname);
		const methods = [...new Set(matching.map((operation) => operation.method))];
		const operation = matching.find((candidate) => candidate.method === request.method);

		if (!operation || !BODY_METHODS.has(request.method)) {
			if (!operation && !(request.method === 'HEAD' && methods.includes('GET')))
				return methodNotAllowedResponse(request.method, pathname, methods);
			const response = await createOpenApiFetchHandler({
				endpoint: REST_BASE_PATH,
				req: request,
				router: app.router,
				createContext: () => app.contextFor(request),
				onError: logInternalError
			});
			return response.ok ? response : toApiError(response);
		}

		const contentType = request.headers.get('content-type');
		if (!isJson(contentType)) {
			return apiErrorResponse(415, {
				code: 'UNSUPPORTED_MEDIA_TYPE',
				message: `Send the body as JSON with "Content-Type: application/json" (got ${contentType ? `"${contentType}"` : 'no Content-Type'})`
			});
		}
		const body = await readJsonBody(request, app.config.maxBodyBytes);
		if (!body.ok) return body.response;
		const pathParameters = operation.pattern.exec(pathname)?.groups ?? {};
		const input = Object.keys(pathParameters).length ? { ...(body.value as object), ...pathParameters } : body.value;
		try {
			const caller = createCaller(app.contextFor(request)) as unknown as Record<string, unknown>;
			const call = operation.procedure.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
			const data = await (call as (input: unknown) => Promise<unknown>)(input);
			return Response.json(data ?? null);
		} catch (error) {
			return errorResponse(error, operation.procedure);
		}
	};
}
