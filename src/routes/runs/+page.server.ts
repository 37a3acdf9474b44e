import { redirect } from '@sveltejs/kit';
import { resolveFlags } from '$lib/pipeline';
import { registeredPipeline } from '$server/pipeline';
import { runsCaller } from './caller.server';
import type { PageServerLoad } from './$types';

/** Every run, with the name of each run's primary metric and the default flags of its pipeline (pipelines differ). */
export const load = (async ({ url }) => {
	// The compare form submits the ticked runs as `run`: the older becomes the baseline. Anything but a
	// run id (a hand-edited address) counts as not ticked.
	const picked = url.searchParams
		.getAll('run')
		.map(Number)
		.filter((id) => Number.isSafeInteger(id) && id > 0)
		.sort((x, y) => x - y);
	if (picked.length === 2) redirect(303, `/runs/compare?a=${picked[0]}&b=${picked[1]}`);
	const runs = await runsCaller().list();
	const pipelines = [...new Set(runs.map((run) => run.pipeline))].map((name) => [name, registeredPipeline(name)] as const);
	const primaryMetrics = Object.fromEntries(
		pipelines.map(([name, pipeline]) => [name, pipeline?.evaluation?.primaryMetric ?? null])
	);
	const defaultFlags = Object.fromEntries(
		pipelines.map(([name, pipeline]) => [name, pipeline ? (resolveFlags(pipeline) as Record<string, unknown>) : null])
	);
	return {
		runs,
		primaryMetrics,
		defaultFlags,
		picked,
		pickError: picked.length ? `Tick exactly two runs to compare (${picked.length} ticked).` : undefined
	};
}) satisfies PageServerLoad;
