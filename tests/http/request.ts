import { inject } from 'vitest';
import type { OpenAPIObject } from 'trpc-to-openapi';

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
