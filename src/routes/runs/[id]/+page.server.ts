import { orPageError, queryInput, runsCaller } from '../caller.server';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/** `/runs/<id>?filter=&against=&order=&offset=`: the run, and one page of its items under the filter. */
export const load = (async ({ params, url }) => {
	const caller = runsCaller();
	const id = /^\d+$/.test(params.id) ? Number(params.id) : params.id;
	const query = queryInput(url.searchParams, ['filter', 'against', 'order', 'offset']);
	const detail = await orPageError(() => caller.get({ id } as { id: number }));
	// "Changed" needs the run to compare against: without one the form says so and lists every item.
	const noRunToCompare = query.filter === 'changed' && query.against === undefined;
	const shown = noRunToCompare ? { ...query, filter: 'all' } : query;
	const items = await orPageError(() => caller.items({ id, limit: PAGE_SIZE, ...shown } as Parameters<typeof caller.items>[0]));
	const otherRuns = (await caller.list()).filter((run) => run.id !== detail.run.id).map(({ id, name }) => ({ id, name }));
	return {
		...detail,
		items,
		filter: query.filter ?? 'all',
		order: query.order ?? 'line',
		against: query.against,
		otherRuns,
		filterIssue: noRunToCompare ? 'Pick the run to compare against to see the changed items; showing every item.' : undefined
	};
}) satisfies PageServerLoad;
