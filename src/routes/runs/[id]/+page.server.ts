import { orPageError, queryInput, runsCaller } from '../caller.server';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/** `/runs/<id>?filter=&against=&offset=`: the run, and one page of its items under the filter. */
export const load = (async ({ params, url }) => {
	const caller = runsCaller();
	const id = /^\d+$/.test(params.id) ? Number(params.id) : params.id;
	const query = queryInput(url.searchParams, ['filter', 'against', 'offset']);
	const detail = await orPageError(() => caller.get({ id } as { id: number }));
	const items = await orPageError(() => caller.items({ id, limit: PAGE_SIZE, ...query } as Parameters<typeof caller.items>[0]));
	const otherRuns = (await caller.list()).filter((run) => run.id !== detail.run.id).map(({ id, name }) => ({ id, name }));
	return { ...detail, items, filter: query.filter ?? 'all', against: query.against, otherRuns };
}) satisfies PageServerLoad;
