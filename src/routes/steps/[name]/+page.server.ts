import { error, fail, redirect } from '@sveltejs/kit';
import type { Issue, Manifest } from '$lib/pipeline';
import { type PageError, attempt, failureStatus, pageCaller, withLinkStatus } from '$lib/ui/calls.server';
import { fieldsOf, readFields, submittedControls } from '$lib/ui/fields';
import { readSource, shareableLink } from '$lib/ui/links';
import { reproducibleLink, savedInput } from '$lib/ui/sources.server';
import type { Actions, PageServerLoad } from './$types';

function stepOf(manifest: Manifest, name: string) {
	const step = manifest.steps.find((s) => s.name === name);
	if (!step)
		error(
			404,
			`The ${manifest.name} pipeline has no step "${name}"; its steps are ${manifest.steps.map((s) => s.name).join(', ')}`
		);
	return step;
}

/**
 * `?input=<JSON>` runs that input, `?saved=<id>` the input saved under that id (typed input too long
 * for a link), `?example=<n>` the step's n-th example; none shows its first example.
 */
export const load = (async ({ params, url, locals }) =>
	withLinkStatus(locals, await stepRun(params.name, url))) satisfies PageServerLoad;

/** The step a link names, run on the input it names (an example, typed or saved input). */
async function stepRun(name: string, url: URL) {
	const caller = pageCaller();
	const manifest = await caller.pipeline.manifest();
	const step = stepOf(manifest, name);
	const linkIssues: Issue[] = [];
	const source = readSource(url.searchParams, linkIssues);
	const example = source && 'example' in source ? source.example : 0;
	const saved = source && 'saved' in source ? await savedInput(caller, source.saved) : undefined;
	// A saved input that cannot be read leaves the form empty rather than showing an example in its place.
	const input = saved
		? saved.ok
			? saved.value
			: undefined
		: source && 'input' in source
			? source.input
			: step.examples[example];
	const linkError: PageError | undefined = linkIssues.length
		? { kind: 'input', message: 'This link does not describe a run.', issues: linkIssues }
		: saved && !saved.ok
			? saved.error
			: source && 'example' in source && input === undefined
				? { kind: 'notFound', message: `Step "${step.name}" has no example number ${example} (it has ${step.examples.length})` }
				: undefined;
	if (!source || linkError) return { step, input, error: linkError, result: undefined };
	const outcome = await attempt(`steps.${step.name}`, () => caller.steps[step.name]({ input, debug: true }));
	return {
		step,
		input,
		error: outcome.ok ? undefined : outcome.error,
		result: outcome.ok ? outcome.value : undefined,
		shareLink: shareableLink(`/steps/${step.name}`, source && 'saved' in source ? source : { input })
	};
}

function postedInput(json: string): { value: unknown; issues: Issue[] } {
	const issues: Issue[] = [];
	const source = readSource(new URLSearchParams({ input: json }), issues);
	if (!source && !issues.length) issues.push({ path: ['input'], message: 'The posted "input" is empty' });
	return { value: source && 'input' in source ? source.input : undefined, issues };
}

export const actions = {
	/**
	 * Like the run page: redirect to the link that reproduces the run (saving typed input too long for
	 * one). The input comes from the step's fields, or whole as JSON in `input`, as a link carries it:
	 * a pipeline run's "Run this step alone" posts a step input too long for a link that way.
	 */
	run: async ({ params, request }) => {
		const form = await request.formData();
		const caller = pageCaller();
		const step = stepOf(await caller.pipeline.manifest(), params.name);
		const fields = fieldsOf(step.input, 'input');
		const posted = form.get('input');
		const { value: input, issues } = typeof posted === 'string' ? postedInput(posted) : readFields(fields, form);
		const values = submittedControls(fields, form);
		if (issues.length)
			return fail(400, { values, error: { kind: 'input', message: 'Some fields need fixing.', issues } satisfies PageError });
		const link = await reproducibleLink(caller, `/steps/${step.name}`, { input });
		if (!link.ok) return fail(failureStatus(link.error), { values, error: link.error });
		redirect(303, link.value);
	}
} satisfies Actions;
