import { getApp } from '$server/app';
import { SESSION_COOKIE } from '$server/auth';
import type { LayoutServerLoad } from './$types';
import { pageCaller } from '$lib/ui/calls.server';

/** The served pipeline's name and description for every page's header, and whether a reviewer is signed in. */
export const load = (async ({ cookies }) => {
	const { name, description, version } = await pageCaller().pipeline.manifest();
	const signedIn = getApp().sessions?.isValid(cookies.get(SESSION_COOKIE)) ?? false;
	return { pipeline: { name, description, version }, signedIn };
}) satisfies LayoutServerLoad;
