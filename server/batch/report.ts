import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/client';
import { type RunItemAsStored, iterateRunItemsAsStored, outcomeCounts, pageRunItems } from '../../db/queries/items';
import type { Run } from '../../db/schema';
import type { AnyPipeline } from '../../src/lib/pipeline';
import { describeMetric } from './metrics';

interface Table {
	title: string;
	headers: string[];
	rows: string[][];
}

const REPORTED_ERRORS = 50;

export function formatNumber(value: number): string {
	return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function csvCell(value: unknown): string {
	const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Stored JSON as the CSV shows it: a JSON string as its text, anything else as its JSON. */
function storedCell(json: string | null): string | null {
	return json?.startsWith('"') ? (JSON.parse(json) as string) : json;
}

/** Milliseconds to the microsecond: the full doubles (34.99652700000024) only clutter a spreadsheet. */
const roundMs = (ms: number | undefined) => (ms === undefined ? ms : Math.round(ms * 1000) / 1000);

function csvRow(item: RunItemAsStored, steps: string[]): string {
	const stepMs = new Map(item.timings.map((timing) => [timing.step, roundMs(timing.ms)]));
	const cells = [
		item.itemId,
		item.line,
		item.correct,
		item.error?.step,
		item.error?.message,
		roundMs(item.durationMs),
		...steps.map((step) => stepMs.get(step)),
		storedCell(item.output),
		storedCell(item.label),
		storedCell(item.score)
	];
	return cells.map(csvCell).join(',') + '\n';
}

/** Everything the summary says, as tables both the Markdown and the HTML render. */
function summaryTables(db: Db, run: Run, pipeline: AnyPipeline): Table[] {
	const code = `${run.gitCommit}${run.gitDirty ? ' (uncommitted changes)' : ''}`;
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
					`${run.datasetName} (${run.datasetName === run.datasetPath ? '' : `${run.datasetPath}, `}sha256 ${run.datasetHash.slice(0, 12)})`
				],
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
				return [name, formatNumber(value), info ? (info.higherIsBetter ? 'higher' : 'lower') : '', info?.description ?? ''];
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

function markdownCell(text: string): string {
	return text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

function toMarkdown(run: Run, tables: Table[]): string {
	const sections = tables.map((table) =>
		[
			`## ${table.title}`,
			'',
			`| ${table.headers.map(markdownCell).join(' | ')} |`,
			`|${table.headers.map(() => '---').join('|')}|`,
			...table.rows.map((row) => `| ${row.map(markdownCell).join(' | ')} |`)
		].join('\n')
	);
	return [`# Run ${run.id}: ${run.name}`, ...sections, 'Every item: `items.csv`.', ''].join('\n\n');
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
		'body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}';
	return `<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n<title>${title}</title>\n<style>${style}</style>\n<h1>${title}</h1>\n${sections.join('\n')}\n<p>Every item: <a href="items.csv">items.csv</a>.</p>\n</html>\n`;
}

/** items.csv while its run goes on, named after the process writing it. */
const PARTIAL_CSV = /^items\.csv\.\d+\.partial$/;

/**
 * A run's report, written while the run goes on: whenever every item below a dataset line is stored,
 * the runner has the rows up to there read back once, in dataset order, into items.csv. So when the
 * last item is done only the last rows and the summary are left, where writing every row after the
 * run took about 4% of it. Reading back from the database puts the items of a resumed run's earlier
 * sessions in their place. items.csv has a temporary name until `finish`. (The metrics are not taken
 * along: their scores would stay in memory beside the workers, which took the peak RSS of a
 * 100,000-item run past 500 MB.)
 */
export class RunReport {
	/** `<reportsDir>/run-<id>/`. */
	readonly dir: string;
	private readonly steps: string[];
	private readonly partialCsv: string;
	private csv: number | undefined;
	/** Lines below this are read. */
	private readBelow = 0;
	/** What failed while writing (a full disk, a folder that cannot be made): `finish` throws it. */
	private failure: { error: unknown } | undefined;

	constructor(
		private readonly db: Db,
		private readonly runId: number,
		private readonly pipeline: AnyPipeline,
		reportsDir: string
	) {
		this.dir = path.resolve(reportsDir, `run-${runId}`);
		this.partialCsv = path.join(this.dir, `items.csv.${process.pid}.partial`);
		this.steps = pipeline.steps.map((step) => step.name);
	}

	/** Reads the rows of the lines below `line` not read yet (every item there must be stored). */
	readLinesBelow(line: number): void {
		if (this.failure || line <= this.readBelow) return;
		try {
			this.csv ??= this.openCsv();
			let rows: string[] = [];
			for (const item of iterateRunItemsAsStored(this.db, this.runId, { from: this.readBelow, below: line })) {
				rows.push(csvRow(item, this.steps));
				if (rows.length === 1000) {
					writeSync(this.csv, rows.join(''));
					rows = [];
				}
			}
			writeSync(this.csv, rows.join(''));
			this.readBelow = line;
		} catch (error) {
			this.failure = { error };
		}
	}

	/** Puts items.csv, complete now that every item is stored, in place beside the summary of the finished run. */
	finish(run: Run): void {
		this.readLinesBelow(Infinity);
		if (this.failure) throw this.failure.error;
		const csv = this.csv;
		if (csv === undefined) throw new Error('the report is finished already');
		this.csv = undefined;
		closeSync(csv);
		renameSync(this.partialCsv, path.join(this.dir, 'items.csv'));
		// Left by sessions of this run that were killed.
		for (const name of readdirSync(this.dir)) if (PARTIAL_CSV.test(name)) rmSync(path.join(this.dir, name), { force: true });
		const tables = summaryTables(this.db, run, this.pipeline);
		writeFileSync(path.join(this.dir, 'summary.md'), toMarkdown(run, tables));
		writeFileSync(path.join(this.dir, 'summary.html'), toHtml(run, tables));
	}

	/** Drops what was written, and the run's folder if nothing else is in it: the run did not finish. */
	discard(): void {
		const csv = this.csv;
		this.csv = undefined;
		try {
			if (csv !== undefined) closeSync(csv);
			rmSync(this.partialCsv, { force: true });
			rmdirSync(this.dir);
		} catch {
			// Never made (the folder could not be), or holds an earlier report.
		}
	}

	/** Opens the temporary items.csv with its header row. */
	private openCsv(): number {
		mkdirSync(this.dir, { recursive: true });
		const headers = [
			'id',
			'line',
			'correct',
			'error_step',
			'error',
			'duration_ms',
			...this.steps.map((step) => `ms_${step}`),
			'output',
			'label',
			'score'
		];
		const fd = openSync(this.partialCsv, 'w');
		try {
			writeSync(fd, headers.join(',') + '\n');
		} catch (error) {
			closeSync(fd);
			throw error;
		}
		return fd;
	}
}
