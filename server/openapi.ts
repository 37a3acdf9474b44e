import { type OpenAPIObject, type OpenApiRouter, generateOpenApiDocument } from 'trpc-to-openapi';
import packageJson from '../package.json' with { type: 'json' };
import type { AnyPipeline } from '../src/lib/pipeline';
import { apiErrorSchema } from './errors';
import { HEALTH_OPERATION_ID } from './routers/health';
import { stepOperationId } from './routers/steps';

/** Where the REST handler is mounted; relative, so the committed document is the served one, whatever the host. */
export const REST_BASE_PATH = '/api/v1';

type ExampleObject = { summary: string; value: unknown };

/** The first non-blank text in a value, depth first: what tells a step's examples apart. */
function firstText(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (value === null || typeof value !== 'object') return undefined;
	for (const inner of Object.values(value)) {
		const text = firstText(inner);
		if (text) return text;
	}
	return undefined;
}

/** A step example's summary in the docs' example picker, e.g. `spam: "Get your FREE credit report now!!!"`. */
function stepExampleSummary(step: string, input: unknown, index: number): string {
	// An input with no text (a null domain) reads best as its JSON, when that is short.
	const text = firstText(input)?.replace(/\s+/g, ' ');
	const json = JSON.stringify(input);
	if (!text) return json.length <= 60 ? `${step}: ${json}` : `${step} example ${index + 1}`;
	return `${step}: "${text.length > 60 ? `${text.slice(0, 59)}…` : text}"`;
}

/** Realistic request bodies per operation id, from the pipeline's and each step's own examples. */
function requestExamples(pipeline: AnyPipeline): Record<string, Record<string, ExampleObject>> {
	const pipelineExamples = (pipeline.examples ?? []).map((example, index) => [
		`example${index + 1}`,
		{ summary: example.name, value: { input: example.input, ...(example.flags ? { flags: example.flags } : {}), debug: false } }
	]);
	const stepExamples = pipeline.steps.map((step) => [
		stepOperationId(step.name),
		Object.fromEntries(
			(step.examples ?? []).map((input, index) => [
				`example${index + 1}`,
				{ summary: stepExampleSummary(step.name, input, index), value: { input, debug: false } }
			])
		)
	]);
	return { runPipeline: Object.fromEntries(pipelineExamples), ...Object.fromEntries(stepExamples) };
}

const errorResponses = {
	400: ['BadRequest', 'The body or query is not valid JSON or does not match the schema; `issues` names each field'],
	401: ['Unauthorized', 'An API key is configured and the request lacks `Authorization: Bearer <key>` or has a wrong key'],
	404: ['NotFound', 'What the request names (e.g. a run id) does not exist'],
	413: ['PayloadTooLarge', 'The body is larger than the server accepts (CONVINCE_MAX_BODY_BYTES, 1 MB by default)'],
	415: ['UnsupportedMediaType', 'The body is not sent as UTF-8 `application/json`'],
	422: ['StepFailed', 'A step failed on this input; `step` names it, and `trace` shows the run up to it when `debug` was asked'],
	500: ['InternalError', 'A bug in the service; the message is generic and the details are in the server log'],
	503: ['ServiceUnavailable', "A step's models did not load on the server; the message names the step, the server log says why"]
} as const satisfies Record<number, [string, string]>;

/** Every request with a body can hit the size limit and the media type check, whatever the procedure. */
const BODY_ERRORS = [413, 415];

/**
 * The OpenAPI 3.1 document of the REST API, generated from the router and completed with what the
 * generator cannot know: request examples and the service's own error responses.
 */
export function createOpenApiDocument(router: OpenApiRouter, pipeline: AnyPipeline): OpenAPIObject {
	const document = generateOpenApiDocument(router, {
		title: `convince: ${pipeline.name} API`,
		description: `${pipeline.description}\n\nServes pipeline ${pipeline.name} ${pipeline.version}. Every operation follows the pipeline's own schemas; GET /manifest describes them as JSON Schema. A request body is at most CONVINCE_MAX_BODY_BYTES (1 MB by default; 413 above it), whatever length a schema allows its fields.`,
		version: packageJson.version,
		baseUrl: REST_BASE_PATH,
		tags: ['pipeline', 'steps', 'service'],
		securitySchemes: {
			bearerAuth: {
				type: 'http',
				scheme: 'bearer',
				description: 'The API key configured with CONVINCE_API_KEY; a server started without one does not check it'
			}
		},
		defs: { ApiError: apiErrorSchema }
	});
	const examples = requestExamples(pipeline);
	const errorRef = { $ref: '#/components/schemas/ApiError' };
	// The generator's per-code error schemas describe its own error body; ApiError replaces them.
	const schemas = Object.fromEntries(
		Object.entries(document.components?.schemas ?? {}).filter(([name]) => !name.startsWith('error.'))
	);
	document.components = {
		...document.components,
		schemas,
		responses: Object.fromEntries(
			Object.values(errorResponses).map(([name, description]) => [
				name,
				{ description, content: { 'application/json': { schema: errorRef } } }
			])
		)
	};
	for (const pathItem of Object.values(document.paths ?? {})) {
		for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
			const operation = pathItem[method];
			if (!operation?.responses) continue;
			const media =
				operation.requestBody && 'content' in operation.requestBody
					? operation.requestBody.content['application/json']
					: undefined;
			// Statuses the generator or the procedure's `errorResponses` listed, in the API's own error shape.
			const statuses = new Set([...Object.keys(operation.responses).map(Number), ...(media ? BODY_ERRORS : [])]);
			const errors = Object.entries(errorResponses)
				.filter(([status]) => statuses.has(Number(status)))
				.map(([status, [name]]) => [status, { $ref: `#/components/responses/${name}` }]);
			let ok = operation.responses[200];
			let notOk = {};
			// Health answers 503 with its own body while not ok (server/http/rest.ts), not the error shape:
			// one named schema serves both answers.
			if (operation.operationId === HEALTH_OPERATION_ID) {
				schemas.Health = ok.content['application/json'].schema;
				ok = { ...ok, content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } };
				notOk = { 503: { ...ok, description: 'Not ok (models loading or not loaded, database unreachable): the same body' } };
			}
			operation.responses = { 200: ok, ...Object.fromEntries(errors), ...notOk };
			const operationExamples = examples[operation.operationId ?? ''];
			if (media && operationExamples && Object.keys(operationExamples).length) media.examples = operationExamples;
		}
	}
	return document;
}
