import type { LayoutServerLoad } from './$types';
import { pageCaller } from '$lib/ui/calls.server';

/** The served pipeline's name and description for every page's header, and whether a reviewer is signed in. */
export const load = (async ({ locals }) => {
	const { name, description, version } = await pageCaller().pipeline.manifest();
	return { pipeline: { name, description, version }, signedIn: locals.signedIn };
}) satisfies LayoutServerLoad;
