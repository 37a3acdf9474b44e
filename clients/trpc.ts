import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../server/routers/_app';
import { type ClientOptions, apiUrl } from './rest';

/** Typed tRPC client for scripts and services in TypeScript: procedures, inputs and outputs come from `AppRouter`. */
export function createTrpcClient({ baseUrl, apiKey }: ClientOptions) {
	return createTRPCClient<AppRouter>({
		links: [
			httpBatchLink({
				url: apiUrl(baseUrl, '/api/trpc'),
				transformer: superjson,
				headers: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {})
			})
		]
	});
}
