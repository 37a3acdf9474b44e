import createClient from 'openapi-fetch';
import type { paths } from './openapi';

export interface ClientOptions {
	/** Where the convince server runs, e.g. `http://localhost:3000`. */
	baseUrl: string;
	/** The server's CONVINCE_API_KEY, when it has one. */
	apiKey?: string;
}

/**
 * Typed REST client generated from clients/openapi.json: paths, bodies and responses are checked by
 * TypeScript. Application teams can copy this file with openapi.d.ts, or generate their own client.
 */
export function createRestClient({ baseUrl, apiKey }: ClientOptions) {
	return createClient<paths>({
		baseUrl: new URL('/api/v1', baseUrl).href,
		headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}
	});
}
