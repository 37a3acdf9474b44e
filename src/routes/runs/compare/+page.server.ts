import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { differingFields } from '$server/batch/compare';
import { DEFAULT_EXPLAINED_CHANGES } from '$server/batch/explain';
import { toTRPCError } from '$server/errors';
import { orPageError, queryInput, runsCaller } from '../caller.server';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/**
 * An explanation that cannot be had as a message on the page: pipeline, dataset or item gone (404), or
 * models that did not load (503, said as the API says it: the file is for the server log only).
 */
async function orUnavailable<T>(explain: () => Promise<T>): Promise<{ value?: T; error?: string }> {
	try {
		return { value: await explain() };
	} catch (caught) {
		const answer = caught instanceof TRPCError ? toTRPCError(caught) : undefined;
		if (answer?.code !== 'NOT_FOUND' && answer?.code !== 'SERVICE_UNAVAILABLE') throw caught;
		return { error: answer.message };
	}
}

/** `/runs/compare?a=&b=[&kind=&offset=][&why][&explain=<item id>]`: run b against baseline a. */
export const load = (async ({ url }) => {
	const caller = runsCaller();
	const query = queryInput(url.searchParams, ['a', 'b', 'kind', 'offset']);
	if (query.a === undefined || query.b === undefined)
		error(400, 'Name the two runs to compare: /runs/compare?a=<run id>&b=<run id>');
	const input = { limit: PAGE_SIZE, ...query } as Parameters<typeof caller.compare>[0];
	const comparison = await orPageError(() => caller.compare(input));
	const [detailA, detailB] = await Promise.all([caller.get({ id: comparison.a.id }), caller.get({ id: comparison.b.id })]);
	const runs = { a: comparison.a.id, b: comparison.b.id };
	const explainItem = url.searchParams.get('explain');
	const explained = explainItem ? await orUnavailable(() => caller.explain({ ...runs, item: explainItem })) : {};
	const why = url.searchParams.has('why')
		? await orUnavailable(() =>
				caller.explainChanges({ ...runs, kind: query.kind } as Parameters<typeof caller.explainChanges>[0])
			)
		: {};
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
		explanation: explained.value,
		explainError: explained.error,
		why: why.value,
		whyError: why.error,
		whyLimit: DEFAULT_EXPLAINED_CHANGES
	};
}) satisfies PageServerLoad;
