import { statSync } from 'node:fs';
import { type AnyPipeline, type ItemSummary, manifest } from '../../src/lib/pipeline';
import { type Scalar, choices, properties, unwrapNullable } from '../../src/lib/ui/schema';
import { type DatasetRef, readDataset } from '../batch/dataset';
import { DatasetNotFound, openDatasetRef } from './datasets';

/** Dataset items for the sample picker, read once per file version and kept in memory. */

export interface Sample {
	id: string;
	input: unknown;
	label?: unknown;
}

export interface SampleSummary extends ItemSummary {
	id: string;
	label?: unknown;
}

/** A label field reviewers can filter on, with the values it can take. */
export interface Facet {
	field: string;
	values: Scalar[];
}

/** What a search compares, prepared once per item so a search is a plain scan. */
interface SearchKey {
	/** Title, subtitle and id in lower case. */
	text: string;
	/** Label field -> the JSON of its value, as filters name values. */
	label: Record<string, string>;
}

interface LoadedDataset {
	version: string;
	items: Sample[];
	summaries: SampleSummary[];
	keys: SearchKey[];
	facets: Facet[];
	/** Lines that are not items (bad JSON, missing id...); the batch runner reports them in detail. */
	problems: number;
}

/** Datasets kept at once; the SpamAssassin splits are 6 to 34 MB each. */
const MAX_CACHED = 4;
/** Distinct values beyond this make a free-text field, not a filter. */
const MAX_FACET_VALUES = 50;

const cache = new Map<string, Promise<LoadedDataset>>();

function summarize(pipeline: AnyPipeline, item: Sample): SampleSummary {
	let summary: ItemSummary = { title: item.id };
	try {
		summary = pipeline.summarize?.(item.input) ?? summary;
	} catch {
		// An input this pipeline cannot read still gets listed by id; running it shows the real error.
	}
	return { id: item.id, ...summary, label: item.label };
}

const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Booleans and enums offer their values; other scalar fields the values seen in the data. */
function facetsOf(pipeline: AnyPipeline, labels: unknown[]): Facet[] {
	const schema = manifest(pipeline).label;
	if (!schema) return [];
	return properties(schema).flatMap(([field, property]) => {
		const { schema: inner, nullable } = unwrapNullable(property);
		const declared = inner.type === 'boolean' ? [true, false] : choices(inner);
		if (declared) return [{ field, values: nullable ? [...declared, null] : declared }];
		const seen = new Set<Scalar>();
		for (const label of labels) {
			const value = (label as Record<string, unknown> | undefined)?.[field];
			if (isScalar(value)) seen.add(value);
		}
		if (seen.size === 0 || seen.size > MAX_FACET_VALUES) return [];
		return [{ field, values: [...seen].sort((a, b) => (a === null ? 1 : b === null ? -1 : String(a).localeCompare(String(b)))) }];
	});
}

function searchKey(summary: SampleSummary): SearchKey {
	const label = typeof summary.label === 'object' && summary.label !== null ? Object.entries(summary.label) : [];
	return {
		text: `${summary.title}\n${summary.subtitle ?? ''}\n${summary.id}`.toLowerCase(),
		label: Object.fromEntries(label.map(([field, value]) => [field, JSON.stringify(value ?? null)]))
	};
}

async function load(pipeline: AnyPipeline, ref: DatasetRef, version: string): Promise<LoadedDataset> {
	const items: Sample[] = [];
	let problems = 0;
	for await (const record of readDataset(ref)) {
		if (record.kind === 'problem') problems++;
		else items.push({ id: record.id, input: record.input, label: record.label });
	}
	const summaries = items.map((item) => summarize(pipeline, item));
	return {
		version,
		items,
		summaries,
		keys: summaries.map(searchKey),
		facets: facetsOf(
			pipeline,
			items.map((item) => item.label)
		),
		problems
	};
}

async function dataset(pipeline: AnyPipeline, name: string, runPaths: ReadonlySet<string>): Promise<LoadedDataset> {
	const ref = openDatasetRef(name, runPaths);
	const stat = statSync(ref.path);
	const version = `${stat.size}:${stat.mtimeMs}`;
	const key = `${pipeline.name}\0${ref.path}`;
	let loading = cache.get(key);
	if (loading && (await loading.catch(() => undefined))?.version !== version) loading = undefined;
	if (!loading) {
		loading = load(pipeline, ref, version);
		loading.catch(() => cache.delete(key));
	}
	// Re-inserting keeps the map in least-recently-used order.
	cache.delete(key);
	cache.set(key, loading);
	if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
	return loading;
}

export interface SampleQuery {
	dataset: string;
	/** Words that must all appear in the title, subtitle or id (any case). */
	query: string;
	/** Label field -> the JSON of the value it must have (`"true"`, `"\"fork\""`, `"null"`). */
	filters: Record<string, string>;
	offset: number;
	limit: number;
}

/** `runPaths`: dataset files of stored batch runs, readable wherever they are (see openDatasetRef). */
export async function searchSamples(pipeline: AnyPipeline, q: SampleQuery, runPaths: ReadonlySet<string> = new Set()) {
	const data = await dataset(pipeline, q.dataset, runPaths);
	const words = q.query.toLowerCase().split(/\s+/).filter(Boolean);
	const filters = Object.entries(q.filters).filter(([, value]) => value !== '');
	const matches = data.summaries.filter((_, i) => {
		const key = data.keys[i];
		return (
			filters.every(([field, value]) => (key.label[field] ?? 'null') === value) && words.every((word) => key.text.includes(word))
		);
	});
	return {
		dataset: q.dataset,
		total: matches.length,
		size: data.items.length,
		problems: data.problems,
		facets: data.facets,
		offset: q.offset,
		limit: q.limit,
		items: matches.slice(q.offset, q.offset + q.limit)
	};
}

export async function getSample(
	pipeline: AnyPipeline,
	datasetName: string,
	id: string,
	runPaths: ReadonlySet<string> = new Set()
): Promise<Sample> {
	const data = await dataset(pipeline, datasetName, runPaths);
	const item = data.items.find((i) => i.id === id);
	if (!item) throw new DatasetNotFound(`no item "${id}" in dataset "${datasetName}"`);
	return item;
}
