import createClient from 'openapi-fetch';
import type { paths } from './openapi.js';

export interface ClientOptions {
	/**
	 * Where the convince server runs, e.g. `http://localhost:3000`, or behind a proxy with a path prefix,
	 * e.g. `https://tools.example/convince` (the API is then under `/convince/api`).
	 */
	baseUrl: string;
	/** The server's CONVINCE_API_KEY, when it has one. */
	apiKey?: string;
}

/** `path` (e.g. `/api/v1`) under the server's address, keeping the address's own path as a prefix. */
export function apiUrl(baseUrl: string, path: string): string {
	const url = new URL(baseUrl);
	url.pathname = url.pathname.replace(/\/+$/, '') + path;
	url.search = '';
	url.hash = '';
	return url.href;
}

/**
 * Typed REST client generated from clients/openapi.json: paths, bodies and responses are checked by
 * TypeScript. Application teams can copy this file with openapi.d.ts, or generate their own client.
 */
export function createRestClient({ baseUrl, apiKey }: ClientOptions) {
	return createClient<paths>({
		baseUrl: apiUrl(baseUrl, '/api/v1'),
		headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}
	});
}
