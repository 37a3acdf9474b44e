import { getApp } from '$server/app';
import type { LayoutServerLoad } from './$types';
import { pageCaller } from '$lib/ui/calls.server';

/**
 * The served pipeline's name and description for every page's header, whether a reviewer is signed in,
 * and whether the pages are closed to this visitor until they are (a server with an API key).
 */
export const load = (async ({ locals }) => {
	const { name, description, version } = await pageCaller().pipeline.manifest();
	const closed = getApp().sessions !== undefined && !locals.signedIn;
	return { pipeline: { name, description, version }, signedIn: locals.signedIn, closed };
}) satisfies LayoutServerLoad;
