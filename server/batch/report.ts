import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/client';
import { outcomeCounts, pageRunItems } from '../../db/queries/items';
import type { Run } from '../../db/schema';
import type { AnyPipeline } from '../../src/lib/pipeline';
import { trainingDataCaveat } from './dataset';
import { describeMetric } from './metrics';
import { datasetItems } from '../../src/lib/ui/run-dataset';

interface Table {
	title: string;
	headers: string[];
	rows: string[][];
}

const REPORTED_ERRORS = 50;

/** Four decimals; a fraction too small for them keeps two significant digits (a delta of +0.00004 is not +0.0000). */
export function formatNumber(value: number): string {
	if (Number.isInteger(value)) return String(value);
	return Math.abs(value) < 0.00005 ? String(Number(value.toPrecision(2))) : value.toFixed(4);
}

/** Everything the summary says, as tables both the Markdown and the HTML render. */
function summaryTables(db: Db, run: Run, pipeline: AnyPipeline): Table[] {
	const code = `${run.gitCommit}${run.gitDirty ? ' (uncommitted changes)' : ''}`;
	const caveat = trainingDataCaveat(pipeline, run);
	const tables: Table[] = [
		{
			title: 'Run',
			headers: ['', ''],
			rows: [
				['status', run.status],
				['pipeline', `${run.pipeline} ${run.pipelineVersion}`],
				['code', code],
				['flags', JSON.stringify(run.flags)],
				// A dataset given as its path is named once.
				[
					'dataset',
					`${datasetItems(run)} (${run.datasetName === run.datasetPath ? '' : `${run.datasetPath}, `}sha256 ${run.datasetHash.slice(0, 12)})`
				],
				...(caveat ? [['caveat', caveat]] : []),
				[
					'items',
					`${run.itemsDone} of ${run.itemsTotal}, ${run.itemsErrors} errors, ${run.datasetProblems.length} malformed lines`
				],
				['started', run.startedAt.toISOString()],
				['duration', `${(run.durationMs / 1000).toFixed(1)} s`]
			]
		},
		{
			title: 'Metrics',
			headers: ['metric', 'value', 'better', 'description'],
			rows: Object.entries(run.metrics ?? {}).map(([name, value]) => {
				const info = describeMetric(pipeline, name);
				const better = info?.higherIsBetter == null ? '' : info.higherIsBetter ? 'higher' : 'lower';
				return [name, formatNumber(value), better, info?.description ?? ''];
			})
		}
	];
	for (const [field, counts] of Object.entries(outcomeCounts(db, run.id))) {
		tables.push({
			title: `Confusion matrix: ${field}`,
			// The score field holding the codes names the positive class (e.g. `spam`).
			headers: ['', `actual ${field}`, `actual not ${field}`],
			rows: [
				[`predicted ${field}`, String(counts.tp ?? 0), String(counts.fp ?? 0)],
				[`predicted not ${field}`, String(counts.fn ?? 0), String(counts.tn ?? 0)]
			]
		});
	}
	const errors = pageRunItems(db, run.id, { filter: 'errors', offset: 0, limit: REPORTED_ERRORS });
	if (errors.total)
		tables.push({
			title: `Errors (${errors.total}${errors.total > REPORTED_ERRORS ? `, first ${REPORTED_ERRORS}` : ''})`,
			headers: ['id', 'line', 'step', 'error'],
			rows: errors.items.map((item) => [item.itemId, String(item.line), item.error?.step ?? '', item.error?.message ?? ''])
		});
	if (run.datasetProblems.length)
		tables.push({
			title: 'Malformed dataset lines',
			headers: ['line', 'problem'],
			rows: run.datasetProblems.map((problem) => [String(problem.line), problem.message])
		});
	return tables;
}

/**
 * Text as Markdown shows it, and as it reads in a terminal: a backslash keeps a renderer from taking
 * `<` as the start of HTML (a run named `<script>`) or `&lt;` as an entity, without the HTML entities
 * that made `{"flag":true}` read `{&quot;flag&quot;:true}`. A pipe would end a cell, a line break a
 * row; the text's own backslashes are escaped too, or `\<img>` would turn the escape off.
 */
function markdownText(text: string): string {
	return text.replace(/[\\<|]|&(?=#?\w+;)/g, (character) => `\\${character}`).replace(/\r?\n/g, ' ');
}

function toMarkdown(run: Run, tables: Table[]): string {
	const sections = tables.map((table) =>
		[
			`## ${table.title}`,
			'',
			`| ${table.headers.map(markdownText).join(' | ')} |`,
			`|${table.headers.map(() => '---').join('|')}|`,
			...table.rows.map((row) => `| ${row.map(markdownText).join(' | ')} |`)
		].join('\n')
	);
	return [`# Run ${run.id}: ${markdownText(run.name)}`, ...sections, 'Every item: `items.csv`.', ''].join('\n\n');
}

function escapeHtml(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function toHtml(run: Run, tables: Table[]): string {
	const title = escapeHtml(`Run ${run.id}: ${run.name}`);
	const sections = tables.map(
		(table) =>
			`<h2>${escapeHtml(table.title)}</h2>\n<table>\n<tr>${table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>\n` +
			table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n') +
			'\n</table>'
	);
	const style =
		'body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}td{max-width:40rem}';
	return `<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n<title>${title}</title>\n<style>${style}</style>\n<h1>${title}</h1>\n${sections.join('\n')}\n<p>Every item: <a href="items.csv">items.csv</a>.</p>\n</html>\n`;
}

/** Writes `summary.md` and `summary.html` beside the run's `items.csv` (see writeItemsCsv). */
export function writeRunSummary(db: Db, run: Run, pipeline: AnyPipeline, dir: string): void {
	const tables = summaryTables(db, run, pipeline);
	writeFileSync(path.join(dir, 'summary.md'), toMarkdown(run, tables));
	writeFileSync(path.join(dir, 'summary.html'), toHtml(run, tables));
}
