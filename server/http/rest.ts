import { TRPCError } from '@trpc/server';
import { createOpenApiFetchHandler } from 'trpc-to-openapi';
import { formatIssues } from '../../src/lib/pipeline';
import type { App } from '../app';
import { type ApiError, logInternalError } from '../errors';
import { REST_BASE_PATH } from '../openapi';
import { HEALTH_PROCEDURE, type Health } from '../routers/health';
import { isJson, limitRequestBody } from './body';
import { BODY_METHODS, createOperationCaller, operationsOf, parameterIssue, refusedKey } from './operations';
import { apiErrorResponse, methodNotAllowedResponse, notFoundResponse } from './responses';
import { type ApiResult, type ParsedJson, apiError, parseJsonBytes, statusHeaders } from './results';

/**
 * RFC 3986 6.2.2.2: a percent-encoded unreserved character is that character, so `/runs/%31` is
 * `/runs/1`. Neither SvelteKit nor trpc-to-openapi decodes path parameters, which saw "%31".
 */
function normalizePercentEncoding(pathname: string): string {
	return pathname.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
		const character = String.fromCharCode(parseInt(hex, 16));
		return /[\w.~-]/.test(character) ? character : escape;
	});
}

const toResponse = ({ status, body }: ApiResult) => Response.json(body, { status, headers: statusHeaders(status) });

/** trpc-to-openapi answers tRPC's error envelope; clients get the API's one error shape instead. */
async function toApiError(response: Response): Promise<Response> {
	const body = (await response.json()) as { message: string; code: string; data?: Pick<ApiError, 'issues' | 'step' | 'trace'> };
	return apiErrorResponse(response.status, apiError(body.code, body.message, body.data ?? {}));
}

/** Reads the whole body within the size limit and parses it as JSON. */
async function readJsonBody(request: Request, maxBytes: number): Promise<ParsedJson> {
	try {
		return parseJsonBytes(new Uint8Array(await limitRequestBody(request, maxBytes).arrayBuffer()));
	} catch (error) {
		if (error instanceof TRPCError && error.code === 'PAYLOAD_TOO_LARGE')
			return { ok: false, result: { status: 413, body: { code: error.code, message: error.message } } };
		throw error;
	}
}

/**
 * Answers `/api/v1/...`. Routing errors, media type and size are checked here; operations with a JSON
 * body are called through the router (see createOperationCaller), the query-string (GET) ones through
 * trpc-to-openapi's handler. server/http/node-fast-path.ts answers the common JSON requests the same
 * way before SvelteKit sees them; this handler answers everything else.
 */
export function createRestHandler(app: App): (request: Request) => Promise<Response> {
	const operations = operationsOf(app);
	const callOperation = createOperationCaller(app);
	const answer = async (request: Request): Promise<Response> => {
		const ctx = app.contextFor(request);
		const refused = refusedKey(ctx);
		if (refused) return toResponse(refused);
		const url = new URL(request.url);
		const { searchParams } = url;
		const pathname = normalizePercentEncoding(url.pathname);
		const matching = operations.filter((operation) => operation.pattern.test(pathname));
		if (!matching.length) return notFoundResponse(pathname);
		const methods = [...new Set(matching.map((operation) => operation.method))];
		const operation = matching.find((candidate) => candidate.method === request.method);

		if (!operation || !BODY_METHODS.has(request.method)) {
			if (!operation) return methodNotAllowedResponse(request.method, pathname, methods);
			const issue = parameterIssue(operation, pathname, searchParams);
			if (issue)
				return apiErrorResponse(400, {
					code: 'BAD_REQUEST',
					message: `Invalid input: ${formatIssues([issue])}`,
					issues: [issue]
				});
			// A health check that is not ok answers 503 with its own body, so probes reading only the status see it.
			let unhealthy = false;
			const response = await createOpenApiFetchHandler({
				endpoint: REST_BASE_PATH,
				req: pathname === url.pathname ? request : new Request(new URL(pathname + url.search, url), request),
				router: app.router,
				createContext: () => ctx,
				onError: logInternalError,
				responseMeta: ({ paths, data }) => {
					// trpc-to-openapi passes the procedure's output here, not the tRPC envelope its types name.
					unhealthy = paths?.[0] === HEALTH_PROCEDURE && ((data as unknown[])[0] as Health | undefined)?.ok === false;
					return unhealthy ? { status: 503 } : {};
				}
			});
			return response.ok || unhealthy ? response : toApiError(response);
		}

		const encoding = request.headers.get('content-encoding');
		if (encoding && encoding.toLowerCase() !== 'identity') {
			return apiErrorResponse(415, {
				code: 'UNSUPPORTED_MEDIA_TYPE',
				message: `Send the body uncompressed: Content-Encoding "${encoding}" is not supported`
			});
		}
		const contentType = request.headers.get('content-type');
		if (!isJson(contentType)) {
			return apiErrorResponse(415, {
				code: 'UNSUPPORTED_MEDIA_TYPE',
				message: `Send the body as UTF-8 JSON with "Content-Type: application/json" (got ${contentType ? `"${contentType}"` : 'no Content-Type'})`
			});
		}
		const body = await readJsonBody(request, app.config.maxBodyBytes);
		if (!body.ok) return toResponse(body.result);
		return toResponse(await callOperation(operation, pathname, body.value, ctx));
	};
	// HEAD answers what GET would (status and headers: 401, 404...), without the body. trpc-to-openapi
	// answered every HEAD 204 without looking at the key or the path.
	return async (request) => {
		if (request.method !== 'HEAD') return answer(request);
		const asGet = await answer(new Request(request, { method: 'GET' }));
		await asGet.body?.cancel();
		return new Response(null, { status: asGet.status, headers: asGet.headers });
	};
}
