import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';
import type { OpenAPI3 } from 'openapi-typescript';
import { createOpenApiDocument } from './openapi';
import { DEFAULT_PIPELINE } from './default-pipeline';
import { selectPipeline } from './pipeline';
import { createAppRouter } from './routers/_app';

/** File name in `clients/` -> content. Committed, and checked against the router by a test. */
export type ClientArtifacts = Record<'openapi.json' | 'openapi.d.ts', string>;

/** The OpenAPI document of the default pipeline and its TypeScript types, exactly as committed. */
export async function generateClientArtifacts(): Promise<ClientArtifacts> {
	const pipeline = selectPipeline(DEFAULT_PIPELINE);
	const document = createOpenApiDocument(createAppRouter(pipeline), pipeline);
	const types = astToString(await openapiTS(document as OpenAPI3));
	return {
		'openapi.json': `${JSON.stringify(document, null, '\t')}\n`,
		'openapi.d.ts': `${COMMENT_HEADER}${types}`
	};
}
