import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFile } from 'node:fs/promises';
import type { OpenAPIObject } from 'trpc-to-openapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE_WORKERS } from '../../server/config';
import { DEFAULT_PIPELINE } from '../../server/default-pipeline';
import { testPipeline } from '../setup/server';
import { baseUrl, call, openApiDocument, operationsOf, postJson } from './request';

// The parser and the generator type the same JSON with different OpenAPI typings.
type ParserDocument = Parameters<typeof validate>[0];

let document: OpenAPIObject;
let operations: ReturnType<typeof operationsOf>;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

beforeAll(async () => {
	document = await openApiDocument();
	// Dereferenced, so response schemas compile on their own.
	operations = operationsOf((await dereference(structuredClone(document) as ParserDocument)) as OpenAPIObject);
});

function expectMatchesSchema(value: unknown, schema: object) {
	const check = ajv.compile(schema);
	expect(check(value), ajv.errorsText(check.errors)).toBe(true);
}

describe('the OpenAPI document', () => {
	it('is a valid OpenAPI 3.1 document', async () => {
		const result = await validate(structuredClone(document) as ParserDocument);
		expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
		expect(document.openapi).toBe('3.1.0');
	});

	it.runIf(testPipeline === DEFAULT_PIPELINE)('is the committed clients/openapi.json', async () => {
		const committed = JSON.parse(await readFile('clients/openapi.json', 'utf8'));
		expect(document).toEqual(committed);
	});

	it('has an operation per step, the pipeline, the manifest and health, each with a summary', async () => {
		const { body: manifest } = await call('/api/v1/manifest');
		const steps = (manifest as { steps: { name: string }[] }).steps.map((s) => s.name);
		const listed = operations.map((o) => `${o.method.toUpperCase()} ${o.path}`);
		expect(listed).toEqual(
			expect.arrayContaining(['POST /pipeline', 'GET /manifest', 'GET /health', ...steps.map((s) => `POST /steps/${s}`)])
		);
		expect(operations.filter((o) => o.path.startsWith('/steps/')).map((o) => o.operationId)).toEqual(
			steps.map((s) => `runStep${s.charAt(0).toUpperCase()}${s.slice(1)}`)
		);
		for (const operation of operations) expect(document.paths?.[operation.path]?.[operation.method]?.summary).toBeTruthy();
	});

	it('documents every flag with its default and description', () => {
		const body = document.paths?.['/pipeline']?.post?.requestBody as {
			content: Record<string, { schema: { properties: Record<string, unknown> } }>;
		};
		const flags = body.content['application/json'].schema.properties.flags as {
			properties: Record<string, { default?: unknown; description?: string }>;
		};
		expect(Object.keys(flags.properties).length).toBeGreaterThan(0);
		for (const [name, flag] of Object.entries(flags.properties)) {
			expect(flag.default, name).toBeDefined();
			expect(flag.description, name).toBeTruthy();
		}
	});

	it('declares the bearer scheme', () => {
		expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
		expect(document.paths?.['/pipeline']?.post?.security).toEqual([{ bearerAuth: [] }]);
	});

	it('is served beside Swagger UI, from the package, not a CDN', async () => {
		const page = await fetch(new URL('/docs', baseUrl));
		const html = await page.text();
		expect(page.headers.get('content-type')).toMatch(/text\/html/);
		expect(html).toContain('/api/openapi.json');
		expect(html).not.toMatch(/https?:\/\//);
		for (const asset of ['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js'])
			expect((await fetch(new URL(asset, baseUrl))).status).toBe(200);
	});
});

describe('every operation', () => {
	it('answers its documented examples, or no input when it takes none, with a response matching its schema', async () => {
		const tried: string[] = [];
		for (const operation of operations) {
			const requests =
				operation.method === 'get' ? (operation.takesInput ? [] : [undefined]) : operation.examples.map((e) => e.value);
			for (const example of requests) {
				const { status, body } =
					example === undefined ? await call(`/api/v1${operation.path}`) : await postJson(`/api/v1${operation.path}`, example);
				expect(status, `${operation.operationId}: ${JSON.stringify(body).slice(0, 500)}`).toBe(200);
				expectMatchesSchema(body, operation.responseSchema);
				tried.push(operation.operationId);
			}
		}
		expect(tried).toEqual(expect.arrayContaining(['runPipeline', 'getManifest', 'getHealth']));
		expect(tried.filter((id) => id.startsWith('runStep')).length, 'steps with documented examples').toBeGreaterThan(0);
	});

	it('runs the pipeline on worker threads, one per core up to 4 (health says how many)', async () => {
		const { body } = await call('/api/v1/health');
		expect((body as { pipeline: { workers: number } }).pipeline.workers).toBe(DEFAULT_PIPELINE_WORKERS);
	});

	it.skipIf(testPipeline !== 'triage')(
		'runs a step given much text on a worker thread: the event loop answers other requests meanwhile',
		async () => {
			const words = 'great awful fine terrible lovely bad good '.repeat(2400).slice(0, 100_000);
			// ~0.3 s of sentiment scoring: on the event loop, the health check sent after it would wait for it.
			const order: string[] = [];
			const step = postJson('/api/v1/steps/sentiment', { input: { text: words, model: 'vader' }, debug: true }).then((answer) => {
				order.push('step');
				return answer;
			});
			await new Promise((resolve) => setTimeout(resolve, 20));
			await call('/api/v1/health').then(() => order.push('health'));
			const { status, body } = await step;
			expect(status).toBe(200);
			expect(body).toMatchObject({ output: { label: expect.any(String) }, debug: expect.anything() });
			expect(order).toEqual(['health', 'step']);
		}
	);

	it('runs every step alone on the input it receives inside the pipeline, with debug', async () => {
		const pipeline = operations.find((o) => o.operationId === 'runPipeline');
		expect(pipeline?.examples.length, 'the pipeline documents at least one example').toBeGreaterThan(0);
		const run = await postJson('/api/v1/pipeline', { ...(pipeline?.examples[0].value as object), debug: true });
		expect(run.status).toBe(200);
		const trace = (run.body as { trace: { step: string; status: string; input?: unknown }[] }).trace;
		for (const entry of trace.filter((e) => e.status === 'ok')) {
			const operation = operations.find((o) => o.path === `/steps/${entry.step}`);
			const { status, body } = await postJson(`/api/v1/steps/${entry.step}`, { input: entry.input, debug: true });
			expect(status, `${entry.step}: ${JSON.stringify(body).slice(0, 500)}`).toBe(200);
			expectMatchesSchema(body, operation?.responseSchema ?? {});
		}
	});
});
