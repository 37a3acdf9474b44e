import { fail, redirect } from '@sveltejs/kit';
import { type Issue, InputError, resolveFlags } from '$lib/pipeline';
import { registeredPipeline } from '$server/pipeline';
import { type PageCaller, type PageError, attempt, pageCaller, pageManifest, withLinkStatus } from '$lib/ui/calls.server';
import { canonicalJson, compareTraces } from '$lib/ui/diff';
import { fieldsOf, readFields, submittedControls } from '$lib/ui/fields';
import { linkTo, readFlagParams, readSource } from '$lib/ui/links';
import { resolveSource } from '$lib/ui/sources.server';
import type { Actions, PageServerLoad } from './$types';

const SIDES = ['a', 'b'] as const;

/**
 * Both sides' flags with the defaults filled in, or the issues of those the pipeline refuses, placed
 * beside their side's fields (`a.<flag>`): a run refused for its flags has nothing to compare.
 */
function resolveSides(pipelineName: string, flags: Record<string, Record<string, unknown>>) {
	const pipeline = registeredPipeline(pipelineName);
	const resolved: Record<string, Record<string, unknown>> = {};
	const issues: Issue[] = [];
	for (const side of SIDES) {
		try {
			resolved[side] = pipeline ? resolveFlags(pipeline, flags[side]) : flags[side];
		} catch (error) {
			if (!(error instanceof InputError)) throw error;
			issues.push(...error.issues.map((issue) => ({ ...issue, path: [side, ...issue.path.slice(1)] })));
		}
	}
	return { resolved, issues };
}

async function runBoth(caller: PageCaller, input: unknown, flags: Record<string, Record<string, unknown>>) {
	const [a, b] = await Promise.all(
		SIDES.map((side) => attempt('pipeline.run', () => caller.pipeline.run({ input, flags: flags[side], debug: true })))
	);
	return { a, b };
}

/** `/compare?<source>&a=<flags JSON>&b=<flags JSON>`: the same input under two flag sets, step by step. */
export const load = (async ({ url, locals }) => withLinkStatus(locals, await compare(url))) satisfies PageServerLoad;

async function compare(url: URL) {
	const caller = pageCaller();
	const manifest = await caller.pipeline.manifest();
	const linkIssues: Issue[] = [];
	const source = readSource(url.searchParams, linkIssues);
	const flags = readFlagParams(url.searchParams, [...SIDES], linkIssues);
	const base = { manifest: pageManifest(manifest), flags, source: undefined, runs: undefined, comparison: undefined };
	if (linkIssues.length)
		return {
			...base,
			error: { kind: 'input', message: 'This link does not describe a comparison.', issues: linkIssues } as PageError
		};
	if (!source) return { ...base, error: undefined };
	const resolved = await resolveSource(caller, manifest, source);
	if (!resolved.ok) return { ...base, error: resolved.error };
	const sides = resolveSides(manifest.name, flags);
	const withSource = { ...base, source: resolved.value, flags: { ...flags, ...sides.resolved } };
	if (sides.issues.length)
		return { ...withSource, error: { kind: 'input', message: 'Some flags need fixing.', issues: sides.issues } as PageError };

	const runs = await runBoth(caller, resolved.value.input, flags);
	const traceOf = (side: 'a' | 'b') => {
		const outcome = runs[side];
		return outcome.ok ? (outcome.value.trace ?? []) : (outcome.error.trace ?? []);
	};
	const steps = compareTraces(
		manifest.steps.map((s) => s.name),
		traceOf('a'),
		traceOf('b')
	);
	const outputsDiffer = runs.a.ok && runs.b.ok ? canonicalJson(runs.a.value.output) !== canonicalJson(runs.b.value.output) : true;
	return { ...withSource, runs, comparison: { ...steps, outputsDiffer }, error: undefined };
}

export const actions = {
	/** Reads both flag sets and redirects to the link of the comparison, whose load runs it. */
	compare: async ({ request }) => {
		const form = await request.formData();
		const manifest = await pageCaller().pipeline.manifest();
		const issues: Issue[] = [];
		// The form carries its source (dataset and id, example or input) in hidden fields named as in the URL.
		const source = readSource(
			new URLSearchParams([...form].filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
			issues
		);
		const flags: Record<string, unknown> = {};
		const values = {};
		for (const side of SIDES) {
			const fields = fieldsOf(manifest.flags, side);
			const read = readFields(fields, form);
			flags[side] = read.value;
			issues.push(...read.issues);
			Object.assign(values, submittedControls(fields, form));
		}
		if (issues.length)
			return fail(400, { values, error: { kind: 'input', message: 'Some flags need fixing.', issues } satisfies PageError });
		redirect(303, linkTo('/compare', source, flags));
	}
} satisfies Actions;
