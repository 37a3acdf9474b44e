import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { differingFields } from '$server/batch/compare';
import { orPageError, queryInput, runsCaller } from '../caller.server';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/** `/runs/compare?a=&b=[&kind=&offset=][&explain=<item id>]`: run b against baseline a. */
export const load = (async ({ url }) => {
	const caller = runsCaller();
	const query = queryInput(url.searchParams, ['a', 'b', 'kind', 'offset']);
	if (query.a === undefined || query.b === undefined)
		error(400, 'Name the two runs to compare: /runs/compare?a=<run id>&b=<run id>');
	const input = { limit: PAGE_SIZE, ...query } as Parameters<typeof caller.compare>[0];
	const comparison = await orPageError(() => caller.compare(input));
	const [detailA, detailB] = await Promise.all([caller.get({ id: comparison.a.id }), caller.get({ id: comparison.b.id })]);
	const explainItem = url.searchParams.get('explain');
	let explanation;
	let explainError: string | undefined;
	if (explainItem) {
		try {
			explanation = await caller.explain({ a: comparison.a.id, b: comparison.b.id, item: explainItem });
		} catch (caught) {
			if (!(caught instanceof TRPCError) || caught.code !== 'NOT_FOUND') throw caught;
			explainError = caught.message;
		}
	}
	return {
		comparison,
		pageSize: PAGE_SIZE,
		/** Per changed item, the output fields that differ: long outputs hide them otherwise. */
		differing: Object.fromEntries(
			comparison.changes.map((change) => [change.itemId, differingFields(change.a.output, change.b.output)])
		),
		charts: {
			a: { latency: detailA.latency, confusion: detailA.confusion },
			b: { latency: detailB.latency, confusion: detailB.confusion }
		},
		kind: query.kind,
		explainItem,
		explanation,
		explainError
	};
}) satisfies PageServerLoad;
