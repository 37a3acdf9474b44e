import { expect, inject } from 'vitest';
import type { OpenAPIObject } from 'trpc-to-openapi';
import { withoutTimings } from './timings';

export const baseUrl = inject('baseUrl');

export interface JsonResponse {
	status: number;
	headers: Headers;
	body: unknown;
}

/** Calls the server like an outside client would, and reads the answer as JSON. */
export async function call(path: string, init: RequestInit = {}, origin = baseUrl): Promise<JsonResponse> {
	const response = await fetch(new URL(path, origin), init);
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// Left as text: the assertion that expected JSON shows what came instead.
	}
	return { status: response.status, headers: response.headers, body };
}

export function postJson(
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
	origin = baseUrl
): Promise<JsonResponse> {
	return call(
		path,
		{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
		origin
	);
}

export async function openApiDocument(): Promise<OpenAPIObject> {
	const { status, body } = await call('/api/openapi.json');
	if (status !== 200) throw new Error(`GET /api/openapi.json answered ${status}`);
	return body as OpenAPIObject;
}

export interface Operation {
	method: 'get' | 'post';
	path: string;
	operationId: string;
	examples: { name: string; value: unknown }[];
	/** GET operations with query or path parameters need values no document example gives (e.g. a run id). */
	takesInput: boolean;
	/** JSON Schema of the 200 response. */
	responseSchema: object;
}

/** Every operation of the document, with its request examples. */
export function operationsOf(document: OpenAPIObject): Operation[] {
	return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
		(['get', 'post'] as const).flatMap((method) => {
			const operation = item[method];
			if (!operation) return [];
			const media =
				operation.requestBody && 'content' in operation.requestBody
					? operation.requestBody.content['application/json']
					: undefined;
			const examples = Object.entries(media?.examples ?? {}).map(([name, example]) => ({
				name,
				value: 'value' in example ? example.value : undefined
			}));
			const success = operation.responses?.['200'] as { content: Record<string, { schema: object }> };
			const takesInput = (operation.parameters ?? []).length > 0;
			return [
				{
					method,
					path,
					operationId: operation.operationId ?? '',
					examples,
					takesInput,
					responseSchema: success.content['application/json'].schema
				}
			];
		})
	);
}

/**
 * server/serve.js answers JSON-body REST calls sent as `application/json` exactly on a node:http fast
 * path, and leaves every other request to SvelteKit's REST route; `application/json; charset=utf-8` is
 * just as valid, so the same request sent both ways compares the two paths.
 */
const FAST_PATH_TYPE = 'application/json';
const SVELTEKIT_PATH_TYPE = 'application/json; charset=utf-8';

function comparable(response: JsonResponse) {
	return { status: response.status, contentType: response.headers.get('content-type'), body: withoutTimings(response.body) };
}

/**
 * Sends one request both ways and expects the same status, content type and body; returns the fast
 * path's answer. The fast path writes at once with a Content-Length, SvelteKit streams chunked: that
 * shows each answer came from the path it should.
 */
export async function expectSameOnBothPaths(send: (contentType: string) => Promise<JsonResponse>): Promise<JsonResponse> {
	const fast = await send(FAST_PATH_TYPE);
	const sveltekit = await send(SVELTEKIT_PATH_TYPE);
	expect(fast.headers.get('content-length'), 'the fast path answered').not.toBeNull();
	expect(sveltekit.headers.get('transfer-encoding'), "SvelteKit's route answered").toBe('chunked');
	expect(comparable(fast)).toEqual(comparable(sveltekit));
	return fast;
}
