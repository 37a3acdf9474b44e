import { z } from 'zod';
import { getDb } from '../../db/client';
import { runDatasetPaths } from '../../db/queries/runs';
import { DatasetNotFound, datasetChoices } from '../samples/datasets';
import { getSample, searchSamples } from '../samples/store';
import { notFoundOn } from '../errors';
import { protectedProcedure, router } from '../trpc';

/** A missing dataset or item is a 404 naming what was asked for. */
const orNotFound = <T>(work: () => Promise<T>) => notFoundOn(DatasetNotFound, work);

const datasetName = z
	.string()
	.min(1)
	.max(1000)
	.describe('A dataset name (e.g. `test`), or a .jsonl/.csv path inside the project or of a stored batch run');

/** Dataset items for the debug pages' sample picker (tRPC only: application teams send their own input). */
export const samplesRouter = router({
	datasets: protectedProcedure.input(z.void()).query(() => ({ datasets: datasetChoices() })),

	search: protectedProcedure
		.input(
			z.object({
				dataset: datasetName,
				query: z.string().max(500).default(''),
				filters: z.record(z.string(), z.string().max(1000)).default({}),
				offset: z.number().int().min(0).default(0),
				limit: z.number().int().min(1).max(200).default(50)
			})
		)
		.query(({ ctx, input }) => orNotFound(() => searchSamples(ctx.pipeline, input, runDatasetPaths(getDb())))),

	get: protectedProcedure
		.input(z.object({ dataset: datasetName, id: z.string().min(1).max(1000) }))
		.query(({ ctx, input }) => orNotFound(() => getSample(ctx.pipeline, input.dataset, input.id, runDatasetPaths(getDb()))))
});
