import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { createServerCaller } from '$server/app';
import { errorDetails } from '$server/errors';
import { formatIssues } from '$lib/pipeline';

/** The runs procedures, called in-process for the pages (trusted: no HTTP hop, no API key). */
export function runsCaller() {
	return createServerCaller().runs;
}

/** A missing run is the page's 404; a bad query parameter its 400, naming the parameter. */
export async function orPageError<T>(call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (caught) {
		if (caught instanceof TRPCError && caught.code === 'NOT_FOUND') error(404, caught.message);
		if (caught instanceof TRPCError && caught.code === 'BAD_REQUEST') {
			const { issues } = errorDetails(caught);
			error(400, issues?.length ? `This link's parameters are not valid: ${formatIssues(issues)}` : caught.message);
		}
		throw caught;
	}
}

/** Query parameters as procedure input: numbers where they look like numbers, empty ones left out. */
export function queryInput(params: URLSearchParams, names: string[]): Record<string, string | number> {
	const input: Record<string, string | number> = {};
	for (const name of names) {
		const value = params.get(name);
		if (value === null || value === '') continue;
		// Negative and fractional numbers too, so that the procedure names what is wrong with them ("too small").
		input[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
	}
	return input;
}
