import { z } from 'zod';
import { databaseHealth } from '../../db/client';
import packageJson from '../../package.json' with { type: 'json' };
import type { AnyPipeline } from '../../src/lib/pipeline';
import { modelStatus } from '../models';
import { protectedProcedure } from '../trpc';

const componentSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

export const healthSchema = z.object({
	ok: z.boolean().describe('True when the models are loaded and the database answers'),
	version: z.string().describe('Version of the convince service'),
	pipeline: z.object({ name: z.string(), version: z.string() }),
	models: z.object({ loaded: z.boolean(), error: z.string().optional() }),
	database: componentSchema
});

export function createHealthProcedure(pipeline: AnyPipeline) {
	return protectedProcedure
		.meta({
			openapi: {
				method: 'GET',
				path: '/health',
				operationId: 'getHealth',
				tags: ['service'],
				summary: 'Check the service',
				description: 'Whether the models are loaded and the database is reachable, and which versions are served.'
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
				pipeline: { name: pipeline.name, version: pipeline.version },
				models,
				database
			};
		});
}
