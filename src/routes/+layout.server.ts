import type { LayoutServerLoad } from './$types';
import { pageCaller } from '$lib/ui/calls.server';

/** The served pipeline's name and description, for every page's header. */
export const load = (async () => {
	const { name, description, version } = await pageCaller().pipeline.manifest();
	return { pipeline: { name, description, version } };
}) satisfies LayoutServerLoad;
