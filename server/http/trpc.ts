import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { App } from '../app';
import { logInternalError } from '../errors';
import { limitRequestBody } from './body';
import { statusHeaders } from './results';

export const TRPC_ENDPOINT = '/api/trpc';

/** Answers `/api/trpc/...`; tRPC itself answers 404, 405 and 415, and 413 from the limited body. */
export function handleTrpcRequest(app: App, request: Request): Promise<Response> {
	return fetchRequestHandler({
		endpoint: TRPC_ENDPOINT,
		req: limitRequestBody(request, app.config.maxBodyBytes),
		router: app.router,
		createContext: () => app.contextFor(request),
		onError: logInternalError,
		responseMeta: ({ errors }) => (errors.some((error) => error.code === 'UNAUTHORIZED') ? { headers: statusHeaders(401) } : {})
	});
}
