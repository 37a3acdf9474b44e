import type { Manifest } from '$lib/pipeline';
import { canonicalJson } from './diff';
import type { FormSource } from './fields';
import { type FlagParams, type RunSource, linkTo, shareableLink } from './links';
import { type Outcome, type PageCaller, attempt } from './calls.server';

/** What a page runs: the input a URL or form names, with the sample's label when it came from a dataset. */
export interface ResolvedSource {
	source: RunSource;
	input: unknown;
	label?: unknown;
	/** Flags an example comes with (used when the URL names none). */
	flags?: unknown;
	/** How the source reads on the page: `test / spam-1-00013`, `example "short sentence"`. */
	title?: string;
}

export async function resolveSource(caller: PageCaller, manifest: Manifest, source: RunSource): Promise<Outcome<ResolvedSource>> {
	if ('dataset' in source) {
		const sample = await attempt('samples.get', () => caller.samples.get({ dataset: source.dataset, id: source.id }));
		if (!sample.ok) return sample;
		return {
			ok: true,
			value: { source, input: sample.value.input, label: sample.value.label, title: `${source.dataset} / ${source.id}` }
		};
	}
	if ('example' in source) {
		const example = manifest.examples[source.example];
		if (!example)
			return { ok: false, error: { kind: 'notFound', message: `The pipeline has no example number ${source.example}` } };
		return {
			ok: true,
			value: { source, input: example.input, label: example.label, flags: example.flags, title: `example "${example.name}"` }
		};
	}
	if ('saved' in source) {
		const saved = await savedInput(caller, source.saved);
		return saved.ok ? { ok: true, value: { source, input: saved.value } } : saved;
	}
	return { ok: true, value: { source, input: source.input } };
}

/** Typed input saved under this id (see reproducibleLink). */
export async function savedInput(caller: PageCaller, id: string): Promise<Outcome<unknown>> {
	const saved = await attempt('inputs.get', () => caller.inputs.get({ id }));
	return saved.ok ? { ok: true, value: saved.value.input } : saved;
}

/**
 * The link that reproduces a run of this source: typed input too long for a link is saved on the
 * server first and linked by its id.
 */
export async function reproducibleLink(
	caller: PageCaller,
	path: string,
	source: RunSource,
	flags: FlagParams = {}
): Promise<Outcome<string>> {
	const link = shareableLink(path, source, flags);
	if (link || !('input' in source)) return { ok: true, value: link ?? linkTo(path, source, flags) };
	const saved = await attempt('inputs.save', () => caller.inputs.save({ input: source.input }));
	return saved.ok ? { ok: true, value: linkTo(path, { saved: saved.value.id }, flags) } : saved;
}

/** Text areas send CRLF line ends; a sample whose text came back unchanged must still count as unchanged. */
function sameInput(a: unknown, b: unknown): boolean {
	const normalize = (value: unknown) => canonicalJson(value).replaceAll('\\r\\n', '\\n');
	return normalize(a) === normalize(b);
}

/**
 * The source of a submitted input: the sample or example the form was loaded from when the reviewer
 * left the input as it was (so the link names the sample), else the typed input itself.
 */
export async function submittedSource(
	caller: PageCaller,
	manifest: Manifest,
	form: FormSource,
	input: unknown
): Promise<RunSource> {
	const dataset = form.get('from.dataset');
	const id = form.get('from.id');
	const example = form.get('from.example');
	const loadedFrom: RunSource | undefined =
		typeof dataset === 'string' && typeof id === 'string'
			? { dataset, id }
			: typeof example === 'string'
				? { example: Number(example) }
				: undefined;
	if (loadedFrom) {
		const loaded = await resolveSource(caller, manifest, loadedFrom);
		if (loaded.ok && sameInput(loaded.value.input, input)) return loadedFrom;
	}
	return { input };
}
