import type { Issue } from '../pipeline/kit/errors';

/**
 * The URL is the state of a page, so a reviewer can send a link that reproduces what they saw:
 * `?dataset=<name>&id=<itemId>&flags=<JSON>`, or `?input=<JSON>` for typed input, or `?example=<n>`
 * for one of the pipeline's examples, or `?saved=<id>` for typed input too long for a link (saved on
 * the server). The batch runs link their items to exactly this format.
 */
export type RunSource = { dataset: string; id: string } | { input: unknown } | { example: number } | { saved: string };

/** Links longer than this are refused by servers' header limits (Node's is 16 KB) or get mangled in chat. */
export const MAX_LINK_CHARS = 8_000;

/** Flags go under `flags` on the run page and under `a` and `b` on the compare page. */
export type FlagParams = Record<string, unknown>;

export function sourceParams(source: RunSource): Record<string, string> {
	if ('dataset' in source) return { dataset: source.dataset, id: source.id };
	if ('example' in source) return { example: String(source.example) };
	if ('saved' in source) return { saved: source.saved };
	return { input: JSON.stringify(source.input) };
}

export function linkTo(path: string, source: RunSource | undefined, flags: FlagParams = {}): string {
	const params = new URLSearchParams(source ? sourceParams(source) : {});
	for (const [name, value] of Object.entries(flags)) if (value !== undefined) params.set(name, JSON.stringify(value));
	const query = params.toString();
	return query ? `${path}?${query}` : path;
}

/** A link for the source, or undefined when it would be too long to share (typed input then gets saved). */
export function shareableLink(path: string, source: RunSource, flags: FlagParams = {}): string | undefined {
	const link = linkTo(path, source, flags);
	return link.length <= MAX_LINK_CHARS ? link : undefined;
}

function readJson(params: URLSearchParams, name: string, issues: Issue[]): unknown {
	const raw = params.get(name);
	if (raw === null || raw === '') return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		issues.push({ path: [name], message: `The link's "${name}" is not valid JSON` });
		return undefined;
	}
}

export function readSource(params: URLSearchParams, issues: Issue[]): RunSource | undefined {
	const dataset = params.get('dataset');
	const id = params.get('id');
	if (dataset && id) return { dataset, id };
	const example = params.get('example');
	if (example !== null) {
		const index = Number(example);
		if (Number.isInteger(index) && index >= 0) return { example: index };
		issues.push({ path: ['example'], message: `The link's "example" must be a number, got "${example}"` });
		return undefined;
	}
	const saved = params.get('saved');
	if (saved !== null) {
		// As the server makes them (db/queries/inputs.ts); checked here too so a mangled link says so.
		if (/^[\w-]{22}$/.test(saved)) return { saved };
		issues.push({ path: ['saved'], message: `The link's "saved" must be the 22-character id of a saved input, got "${saved}"` });
		return undefined;
	}
	const input = readJson(params, 'input', issues);
	return input === undefined ? undefined : { input };
}

/** The address of `url` with query parameters set (or deleted, when undefined) and an optional fragment. */
export function withQueryChanges(url: URL, changes: Record<string, string | number | undefined>, hash = ''): string {
	const changed = new URL(url);
	for (const [name, value] of Object.entries(changes)) {
		if (value === undefined) changed.searchParams.delete(name);
		else changed.searchParams.set(name, String(value));
	}
	return `${changed.pathname}${changed.search}${hash}`;
}

/** Flag sets named in the URL, each a JSON object defaulting to `{}` (every flag at its default). */
export function readFlagParams(params: URLSearchParams, names: string[], issues: Issue[]): Record<string, FlagParams> {
	return Object.fromEntries(
		names.map((name) => {
			const value = readJson(params, name, issues) ?? {};
			if (typeof value === 'object' && value !== null && !Array.isArray(value)) return [name, value as FlagParams];
			issues.push({ path: [name], message: `The link's "${name}" must be a JSON object of flags` });
			return [name, {}];
		})
	);
}

/** The sample picker's own parameters: which dataset it browses, the search words, label filters and page. */
export function pickerParams(params: Iterable<[string, FormDataEntryValue]>): Record<string, string> {
	const kept: Record<string, string> = {};
	for (const [name, value] of params) {
		if (typeof value === 'string' && value !== '' && (['browse', 'q', 'offset'].includes(name) || name.startsWith('label.')))
			kept[name] = value;
	}
	return kept;
}

export function withParams(link: string, extra: Record<string, string>): string {
	const query = new URLSearchParams(extra).toString();
	return query ? `${link}${link.includes('?') ? '&' : '?'}${query}` : link;
}

/** Hidden fields a form carries to say which sample or example its input was loaded from. */
export function sourceFields(source: RunSource | undefined): Record<string, string> {
	// Typed input, saved or not, is sent as typed: saving it again gives it the same id.
	if (!source || 'input' in source || 'saved' in source) return {};
	return 'dataset' in source
		? { 'from.dataset': source.dataset, 'from.id': source.id }
		: { 'from.example': String(source.example) };
}
