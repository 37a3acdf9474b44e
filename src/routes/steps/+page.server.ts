import { pageCaller } from '$lib/ui/calls.server';
import type { PageServerLoad } from './$types';

export const load = (async () => ({ manifest: await pageCaller().pipeline.manifest() })) satisfies PageServerLoad;
