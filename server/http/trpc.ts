import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { App } from '../app';
import { logInternalError } from '../errors';
import { declaresOtherCharset, limitRequestBody } from './body';
import { statusHeaders } from './results';

export const TRPC_ENDPOINT = '/api/trpc';

/** Answers `/api/trpc/...`; tRPC itself answers 404, 405 and 415 (but for a charset), and 413 from the limited body. */
export function handleTrpcRequest(app: App, request: Request): Promise<Response> {
	return fetchRequestHandler({
		endpoint: TRPC_ENDPOINT,
		req: limitRequestBody(request, app.config.maxBodyBytes),
		router: app.router,
		createContext: () => {
			// tRPC itself refuses other media types, but would read a Latin-1 body as UTF-8, and a compressed
			// one as text (its 400 quoted the gzip bytes).
			const contentType = request.headers.get('content-type');
			if (request.method === 'POST' && declaresOtherCharset(contentType))
				throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: `Send the body as UTF-8 JSON (got "${contentType}")` });
			const encoding = request.headers.get('content-encoding');
			if (request.method === 'POST' && encoding && encoding.toLowerCase() !== 'identity')
				throw new TRPCError({
					code: 'UNSUPPORTED_MEDIA_TYPE',
					message: `Send the body uncompressed: Content-Encoding "${encoding}" is not supported`
				});
			return app.contextFor(request);
		},
		onError: logInternalError,
		responseMeta: ({ errors }) => (errors.some((error) => error.code === 'UNAUTHORIZED') ? { headers: statusHeaders(401) } : {})
	});
}
