import { fail, redirect } from '@sveltejs/kit';
import type { Issue } from '$lib/pipeline';
import {
	type Outcome,
	type PageCaller,
	type PageError,
	attempt,
	failureStatus,
	pageCaller,
	pageManifest,
	withLinkStatus
} from '$lib/ui/calls.server';
import { fieldsOf, readFields, submittedControls } from '$lib/ui/fields';
import { pickerParams, readFlagParams, readSource, shareableLink, withParams } from '$lib/ui/links';
import { type ResolvedSource, reproducibleLink, resolveSource, submittedSource } from '$lib/ui/sources.server';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 25;

/** The sample picker: the datasets there are, and the page of items matching the search and filters. */
async function loadPicker(caller: PageCaller, params: URLSearchParams, sourceDataset: string | undefined) {
	const { datasets } = await caller.samples.datasets();
	const browse = params.get('browse') || sourceDataset || datasets[0];
	if (!browse) return { datasets, browse, query: '', filters: {}, result: undefined };
	const query = params.get('q') ?? '';
	const filters = Object.fromEntries(
		[...params].filter(([name]) => name.startsWith('label.')).map(([name, value]) => [name.slice(6), value])
	);
	const offset = Math.max(0, Number(params.get('offset')) || 0);
	const result = await attempt('samples.search', () =>
		caller.samples.search({ dataset: browse, query, filters, offset, limit: PAGE_SIZE })
	);
	return { datasets, browse, query, filters, result };
}

export const load = (async ({ url, locals }) => {
	const caller = pageCaller();
	const manifest = await caller.pipeline.manifest();
	const linkIssues: Issue[] = [];
	const source = readSource(url.searchParams, linkIssues);
	const { flags: urlFlags } = readFlagParams(url.searchParams, ['flags'], linkIssues);
	const picker = await loadPicker(caller, url.searchParams, source && 'dataset' in source ? source.dataset : undefined);

	let resolved: ResolvedSource | undefined;
	let outcome: Outcome<Awaited<ReturnType<PageCaller['pipeline']['run']>>> | undefined;
	let sourceError: PageError | undefined;
	if (source) {
		const found = await resolveSource(caller, manifest, source);
		if (found.ok) resolved = found.value;
		else sourceError = found.error;
	}
	const flags = url.searchParams.has('flags') ? urlFlags : ((resolved?.flags ?? {}) as Record<string, unknown>);
	if (resolved && linkIssues.length === 0) {
		const input = resolved.input;
		outcome = await attempt('pipeline.run', () => caller.pipeline.run({ input, flags, debug: true }));
	}
	const ran = outcome?.ok ? outcome.value : undefined;
	return withLinkStatus(locals, {
		manifest: pageManifest(manifest),
		flags,
		picker,
		pickerParams: pickerParams(url.searchParams),
		source: resolved ? { ...resolved, flags } : undefined,
		error:
			sourceError ??
			(outcome && !outcome.ok ? outcome.error : undefined) ??
			(linkIssues.length ? linkError(linkIssues) : undefined),
		run: ran,
		shareLink: resolved && ran ? shareableLink('/', resolved.source, { flags: ran.flags }) : undefined
	});
}) satisfies PageServerLoad;

function linkError(issues: Issue[]): PageError {
	return { kind: 'input', message: 'This link does not describe a run.', issues };
}

export const actions = {
	/**
	 * Runs what the form holds: the answer is a redirect to the link that names its input (a sample, an
	 * example, typed input, or typed input saved because it is too long for a link), whose load runs
	 * it. The URL then reproduces the result.
	 */
	run: async ({ request }) => {
		const form = await request.formData();
		const caller = pageCaller();
		const manifest = await caller.pipeline.manifest();
		const inputFields = fieldsOf(manifest.input, 'input');
		const flagFields = fieldsOf(manifest.flags, 'flags');
		const input = readFields(inputFields, form);
		const flags = readFields(flagFields, form);
		const values = { ...submittedControls(inputFields, form), ...submittedControls(flagFields, form) };
		const issues = [...input.issues, ...flags.issues];
		if (issues.length)
			return fail(400, { values, error: { kind: 'input', message: 'Some fields need fixing.', issues } satisfies PageError });

		const source = await submittedSource(caller, manifest, form, input.value);
		const link = await reproducibleLink(caller, '/', source, { flags: flags.value });
		if (!link.ok) return fail(failureStatus(link.error), { values, error: link.error });
		redirect(303, withParams(link.value, pickerParams(form)));
	}
} satisfies Actions;
