import { z } from 'zod';
import { databaseHealth } from '../../db/client';
import packageJson from '../../package.json' with { type: 'json' };
import type { AnyPipeline } from '../../src/lib/pipeline';
import { modelStatus } from '../models';
import type { PipelineRunner } from '../pipeline-pool/runner';
import { protectedProcedure } from '../trpc';

const componentSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

export const healthSchema = z.object({
	ok: z.boolean().describe('True when the models are loaded and the database answers'),
	version: z.string().describe('Version of the convince service'),
	pipeline: z.object({
		name: z.string(),
		version: z.string(),
		workers: z.number().int().nonnegative().describe('Worker threads running the pipeline for API calls (0: on the event loop)')
	}),
	models: z.object({ loaded: z.boolean(), error: z.string().optional() }),
	database: componentSchema
});

export type Health = z.infer<typeof healthSchema>;

/** The health procedure's path in the app router. */
export const HEALTH_PROCEDURE = 'health';
/** Its REST operation, whose 503 the OpenAPI document declares with this body (server/openapi.ts). */
export const HEALTH_OPERATION_ID = 'getHealth';

export function createHealthProcedure(pipeline: AnyPipeline, runner: PipelineRunner) {
	return protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/health',
				operationId: HEALTH_OPERATION_ID,
				tags: ['service'],
				summary: 'Check the service',
				description:
					'Whether the models are loaded and the database is reachable, which versions are served, and how many worker threads run the pipeline. Answers 503 with the same body while `ok` is false (models still loading or failed to load, database unreachable).'
			}
		})
		.input(z.void())
		.output(healthSchema)
		.query(() => {
			const models = modelStatus(pipeline);
			const database = databaseHealth();
			return {
				ok: models.loaded && database.ok,
				version: packageJson.version,
				pipeline: { name: pipeline.name, version: pipeline.version, workers: runner.workers() },
				models,
				database
			};
		});
}
