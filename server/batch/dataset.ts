import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import type { DatasetProblem } from '../../db/schema';
import type { AnyPipeline } from '../../src/lib/pipeline';

/**
 * Datasets are streamed, never loaded whole.
 *
 * JSONL: one `{ "id": string | number, "input": {...}, "label": {...} }` object per line (label optional).
 *
 * CSV (header row required): `id`; the label either as JSON in a `label` column or flattened over
 * `label.<field>` columns (each value read as JSON when it parses, e.g. `true`, `null`, `3`, else as
 * text); the input either as JSON in an `input` column or as one column per input field (named
 * `<field>` or `input.<field>`, values as text).
 */

/**
 * Dataset names evaluators type instead of paths (files written by `node scripts/data.mjs`). The held-out
 * split comes first: the sample picker opens on it, where the models have not seen the mails (a train
 * mail finds itself among its similar mails).
 */
export const namedDatasets: Record<string, string> = {
	test: 'data/spamassassin-test.jsonl',
	train: 'data/spamassassin-train.jsonl',
	all: 'data/spamassassin-all.jsonl'
};

/**
 * What to keep in mind when reading a run's metrics, when its dataset holds items the pipeline's models
 * learnt from (`trainedOn`): given by name, or by the path a name stands for.
 */
export function trainingDataCaveat(
	pipeline: Pick<AnyPipeline, 'name' | 'trainedOn'> | undefined,
	run: { datasetName: string; datasetPath: string }
): string | null {
	const trainedOn = pipeline?.trainedOn?.find(
		(name) =>
			name === run.datasetName || (Object.hasOwn(namedDatasets, name) && path.resolve(namedDatasets[name]) === run.datasetPath)
	);
	if (!trainedOn) return null;
	return `Dataset ${trainedOn} holds the items the ${pipeline?.name} models learnt from: its metrics overstate how the pipeline does on items it has not seen.`;
}

export interface DatasetRef {
	/** The name given (`test`) or the path as given. */
	name: string;
	path: string;
	format: 'jsonl' | 'csv';
}

export interface DatasetItem {
	id: string;
	/** 1-based line of the item in the file (the first line of a multi-line CSV record). */
	line: number;
	input: unknown;
	label?: unknown;
}

/** An item as read; `text` is its JSONL line, which workers receive as is (no second serialisation). */
export type ItemRecord = { kind: 'item'; text?: string } & DatasetItem;
export type DatasetRecord = ItemRecord | ({ kind: 'problem' } & DatasetProblem);

/** The dataset cannot be used at all (unknown name, missing file, unsupported format). */
export class DatasetError extends Error {
	override readonly name = 'DatasetError';
}

/** The dataset's file is not there; the message names the resolved path, for the command line. */
export class DatasetFileMissing extends DatasetError {
	constructor(
		message: string,
		readonly given: string
	) {
		super(message);
	}
}

export function resolveDataset(nameOrPath: string): DatasetRef {
	const file = namedDatasets[nameOrPath] ?? nameOrPath;
	const extension = path.extname(file).toLowerCase();
	if (extension !== '.jsonl' && extension !== '.csv') {
		const names = Object.keys(namedDatasets).join(', ');
		throw new DatasetError(`dataset "${nameOrPath}" is neither a known name (${names}) nor a .jsonl or .csv path`);
	}
	const resolved = path.resolve(file);
	if (!existsSync(resolved)) {
		const hint = namedDatasets[nameOrPath] ? ' (write it with `node scripts/data.mjs`)' : '';
		throw new DatasetFileMissing(`dataset file not found: ${resolved}${hint}`, nameOrPath);
	}
	return { name: nameOrPath, path: resolved, format: extension === '.csv' ? 'csv' : 'jsonl' };
}

/** Items and problems in file order; ids repeated in the file are problems (results are keyed by id). */
export async function* readDataset(ref: DatasetRef): AsyncGenerator<DatasetRecord> {
	const firstLineOf = new Map<string, number>();
	for await (const record of ref.format === 'csv' ? readCsv(ref.path) : readJsonl(ref.path)) {
		if (record.kind === 'item') {
			const first = firstLineOf.get(record.id);
			if (first !== undefined) {
				yield { kind: 'problem', line: record.line, message: `duplicate id "${record.id}" (first on line ${first})` };
				continue;
			}
			firstLineOf.set(record.id, record.line);
		}
		yield record;
	}
}

/** JSON's own whitespace (RFC 8259): a JSONL line of nothing else is blank, neither item nor problem. */
const BLANK_LINE = /^[ \t\r]*$/;
const isBlankByte = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0d;

/**
 * Bytes per read. 64 KB reads (the stream default) cost the reading thread about 200 ms of CPU per
 * 100 MB, five times what 1 MB reads do, and that thread is the one feeding the workers.
 */
const READ_BYTES = 1024 * 1024;

/** Counts the non-blank lines of a file read in chunks, without decoding it. */
class LineCounter {
	private records = 0;
	private content = false;

	add(chunk: Buffer): void {
		for (let start = 0; ;) {
			const newline = chunk.indexOf(0x0a, start);
			const end = newline === -1 ? chunk.length : newline;
			for (let i = start; !this.content && i < end; i++) this.content = !isBlankByte(chunk[i]);
			if (newline === -1) return;
			if (this.content) this.records++;
			this.content = false;
			start = newline + 1;
		}
	}

	end(): number {
		return this.records + (this.content ? 1 : 0);
	}
}

/** Content hash (to refuse resuming over a changed file) and record count (for progress), in one pass over a JSONL file. */
export async function fingerprintDataset(ref: DatasetRef): Promise<{ hash: string; records: number }> {
	const hash = createHash('sha256');
	const lines = new LineCounter();
	for await (const chunk of createReadStream(ref.path, { highWaterMark: READ_BYTES })) {
		hash.update(chunk as Buffer);
		if (ref.format === 'jsonl') lines.add(chunk as Buffer);
	}
	let records = lines.end();
	if (ref.format === 'csv') for await (const _ of readCsv(ref.path)) records++;
	return { hash: hash.digest('hex'), records };
}

/** A line's text: UTF-8 decoded on its own, so no string longer than a line is ever made; a final CR dropped. */
function lineText(bytes: Buffer, start: number, end: number): string {
	return bytes.toString('utf8', start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
}

/**
 * Lines of a text file, pulled one at a time. Unlike readline's iterator, which buffers up to 1,024
 * lines ahead of a slow reader (long enough for them to age into the old generation, so a whole
 * dataset passes through it as garbage), this holds the reads the current line spans (one, for lines
 * shorter than a read), outside the JS heap. Splitting bytes at LF is safe in UTF-8: no multi-byte
 * character contains that byte.
 */
async function* lines(file: string): AsyncGenerator<string> {
	/** The start of a line that goes on in the next read, piece by piece: joined once, when it ends. */
	let pieces: Buffer[] = [];
	let first = true;
	for await (const read of createReadStream(file, { highWaterMark: READ_BYTES }) as AsyncIterable<Buffer>) {
		// A UTF-8 byte order mark (editors on Windows write one) is not part of the first line.
		let start = first && read[0] === 0xef && read[1] === 0xbb && read[2] === 0xbf ? 3 : 0;
		first = false;
		let newline = read.indexOf(0x0a, start);
		if (pieces.length && newline !== -1) {
			const line = Buffer.concat([...pieces, read.subarray(0, newline)]);
			pieces = [];
			yield lineText(line, 0, line.length);
			start = newline + 1;
			newline = read.indexOf(0x0a, start);
		}
		for (; newline !== -1; newline = read.indexOf(0x0a, start)) {
			yield lineText(read, start, newline);
			start = newline + 1;
		}
		if (start < read.length) pieces.push(read.subarray(start));
	}
	if (pieces.length) {
		const line = Buffer.concat(pieces);
		yield lineText(line, 0, line.length);
	}
}

async function* readJsonl(file: string): AsyncGenerator<DatasetRecord> {
	let line = 0;
	for await (const text of lines(file)) {
		line++;
		if (BLANK_LINE.test(text)) continue;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch (error) {
			yield { kind: 'problem', line, message: `not valid JSON (${(error as Error).message})` };
			continue;
		}
		const record = toRecord(value, line);
		yield record.kind === 'item' ? { ...record, text } : record;
	}
}

function toRecord(value: unknown, line: number): DatasetRecord {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		return { kind: 'problem', line, message: 'not a JSON object' };
	const { id, input, label } = value as Record<string, unknown>;
	if (!(typeof id === 'string' && id !== '') && !(typeof id === 'number' && Number.isFinite(id)))
		return { kind: 'problem', line, message: 'missing "id" (a non-empty string or a number)' };
	if (input === undefined) return { kind: 'problem', line, message: 'missing "input"' };
	return { kind: 'item', id: String(id), line, input, ...(label === undefined ? {} : { label }) };
}

/** One item as a worker receives it: its line beside its record, a JSONL line copied verbatim. */
export function encodeItem({ line, text, id, input, label }: ItemRecord): string {
	return `{"line":${line},"record":${text ?? JSON.stringify({ id, input, label })}}`;
}

/** Encoded items as one JSON text for a worker. */
export function joinEncodedItems(encoded: string[]): string {
	return `[${encoded.join(',')}]`;
}

/** Items as one JSON text for a worker (the runner sizes its chunks with ChunkPacker). */
export function encodeItems(items: ItemRecord[]): string {
	return joinEncodedItems(items.map(encodeItem));
}

/** The worker's side of encodeItems: records read as the main thread read them. */
export function decodeItems(json: string): DatasetItem[] {
	return (JSON.parse(json) as { line: number; record: unknown }[]).flatMap(({ line, record }) => {
		const item = toRecord(record, line);
		return item.kind === 'item' ? [item] : [];
	});
}

async function* readCsv(file: string): AsyncGenerator<DatasetRecord> {
	const skipped: DatasetProblem[] = [];
	const parser = createReadStream(file).pipe(
		parse({
			columns: true,
			bom: true,
			skip_empty_lines: true,
			info: true,
			raw: true,
			skip_records_with_error: true,
			on_skip: (error, raw) => {
				if (error) skipped.push({ line: firstLineOf(Number(error.lines), raw), message: error.message });
			}
		})
	);
	const problem = (skip: DatasetProblem): DatasetRecord => ({ kind: 'problem', ...skip });
	type Parsed = { record: Record<string, string>; info: { lines: number }; raw: string };
	for await (const { record, info, raw } of parser as AsyncIterable<Parsed>) {
		// csv-parse skips a record while it reads ahead: its problem goes out in its place, in line order.
		while (skipped.length && skipped[0].line < info.lines) yield problem(skipped.shift() as DatasetProblem);
		yield csvRecord(record, firstLineOf(info.lines, raw));
	}
	yield* skipped.map(problem);
}

/**
 * The line a CSV record starts on: csv-parse counts to the record's last line, and a quoted field may
 * span lines. `raw` is the record's text with the blank lines skipped before it and its line end;
 * csv-parse counts every CR and LF inside quotes as a line.
 */
function firstLineOf(lastLine: number, raw = ''): number {
	const text = raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
	return lastLine - (text.match(/[\r\n]/g)?.length ?? 0);
}

function csvRecord(row: Record<string, string>, line: number): DatasetRecord {
	const input: Record<string, unknown> = {};
	const label: Record<string, unknown> = {};
	let hasLabel = false;
	for (const [column, value] of Object.entries(row)) {
		if (column === 'id' || column === 'input' || column === 'label') continue;
		if (column.startsWith('label.')) {
			// An empty cell is a field without a value (a ham mail's unknown queue), not an empty name.
			label[column.slice('label.'.length)] = value === '' ? null : jsonOrText(value);
			hasLabel = true;
		} else input[column.startsWith('input.') ? column.slice('input.'.length) : column] = value;
	}
	let column = 'input';
	try {
		const parsedInput = 'input' in row ? JSON.parse(row.input) : input;
		column = 'label';
		const parsedLabel = 'label' in row ? (row.label === '' ? undefined : JSON.parse(row.label)) : hasLabel ? label : undefined;
		return toRecord({ id: row.id, input: parsedInput, label: parsedLabel }, line);
	} catch (error) {
		return { kind: 'problem', line, message: `"${column}" column is not valid JSON (${(error as Error).message})` };
	}
}

function jsonOrText(value: string): unknown {
	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
}
