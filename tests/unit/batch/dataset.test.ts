import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	DatasetError,
	type DatasetRecord,
	decodeItems,
	encodeItems,
	fingerprintDataset,
	readDataset,
	resolveDataset,
	trainingDataCaveat
} from '../../../server/batch/dataset';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
const scratch = mkdtempSync(path.join(tmpdir(), 'convince-dataset-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function readAll(file: string): Promise<DatasetRecord[]> {
	const records: DatasetRecord[] = [];
	for await (const record of readDataset(resolveDataset(file))) records.push(record);
	return records;
}

describe('JSONL datasets', () => {
	it('yields items in file order and reports malformed lines and repeated ids by line number', async () => {
		const records = await readAll(fixture('words.jsonl'));
		expect(records.filter((r) => r.kind === 'item').map((r) => [r.id, r.line])).toEqual([
			['a', 1],
			['b', 2],
			['c', 3],
			['d', 5],
			['e', 9]
		]);
		const problems = records.flatMap((r) => (r.kind === 'problem' ? [[r.line, r.message]] : []));
		expect(problems).toEqual([
			[4, expect.stringMatching(/not valid JSON/)],
			[6, expect.stringMatching(/missing "id"/)],
			[8, 'duplicate id "a" (first on line 1)']
		]);
	});

	it('keeps ids as strings and labels optional', async () => {
		const file = path.join(scratch, 'numbers.jsonl');
		writeFileSync(file, '{"id":7,"input":{"text":"x"}}\n{"id":"","input":{}}\n[1]\n{"id":8}\n');
		const records = await readAll(file);
		expect(records[0]).toEqual({ kind: 'item', id: '7', line: 1, input: { text: 'x' }, text: '{"id":7,"input":{"text":"x"}}' });
		expect(records.slice(1).map((r) => r.kind === 'problem' && r.message)).toEqual([
			'missing "id" (a non-empty string or a number)',
			'not a JSON object',
			'missing "input"'
		]);
	});
});

describe('items sent to workers', () => {
	it('decode to the items as read, from JSONL lines verbatim and from CSV records', async () => {
		for (const name of ['words.jsonl', 'words.csv', 'words-json.csv']) {
			const items = (await readAll(fixture(name))).filter((r) => r.kind === 'item');
			const asRead = items.map(({ id, line, input, label }) => ({
				kind: 'item',
				id,
				line,
				input,
				...(label === undefined ? {} : { label })
			}));
			expect(decodeItems(encodeItems(items)), name).toEqual(asRead);
		}
	});
});

describe('CSV datasets', () => {
	it('reads input columns as text and flattened label columns as JSON, with quoted newlines', async () => {
		const records = await readAll(fixture('words.csv'));
		const items = records.filter((r) => r.kind === 'item');
		expect(items.map((r) => [r.id, r.input, r.label])).toEqual([
			['a', { text: 'one two three four five six' }, { long: true }],
			['b', { text: 'one, two' }, { long: false }],
			['c', { text: 'a "quoted" text with\na newline in it' }, { long: true }],
			['e', { text: 'short' }, { long: false }]
		]);
		expect(items.find((r) => r.id === 'e')?.line).toBe(7);
		// A record over two lines is numbered by its first.
		expect(items.find((r) => r.id === 'c')?.line).toBe(4);
		const problem = records.find((r) => r.kind === 'problem');
		expect(problem).toMatchObject({ line: 6, message: expect.stringMatching(/column/i) });
		// In line order, as JSONL records come: csv-parse reports a skipped record while it reads ahead.
		expect(records.map((r) => r.line)).toEqual([...records.map((r) => r.line)].sort((x, y) => x - y));
	});

	it('reads an empty label cell as null, a field without a value', async () => {
		const file = path.join(scratch, 'queues.csv');
		writeFileSync(file, 'id,subject,label.spam,label.queue\nh,Hi,false,\nr,Re: rpm,false,rpm\n');
		expect((await readAll(file)).map((r) => (r.kind === 'item' ? r.label : r))).toEqual([
			{ spam: false, queue: null },
			{ spam: false, queue: 'rpm' }
		]);
	});

	it('numbers records by their first line as Excel writes CSV: CRLF between rows, LF inside cells', async () => {
		const file = path.join(scratch, 'crlf.csv');
		writeFileSync(file, 'id,text\r\n\r\na,"x\ny"\r\nb,"too","many"\r\nc,"p\nq\nr"\r\n');
		const records = await readAll(file);
		expect(records.map((r) => [r.kind === 'item' ? r.id : 'problem', r.line])).toEqual([
			['a', 3],
			['problem', 5],
			['c', 6]
		]);
	});

	it('reads JSON `input` and `label` columns, reporting one that does not parse', async () => {
		const records = await readAll(fixture('words-json.csv'));
		expect(records[0]).toMatchObject({
			kind: 'item',
			id: 'x',
			input: { text: 'alpha beta gamma delta epsilon zeta' },
			label: { long: true }
		});
		expect(records[1]).toEqual({ kind: 'item', id: 'y', line: 3, input: { text: 'alpha' } });
		expect(records[2]).toMatchObject({ kind: 'problem', line: 4, message: expect.stringMatching(/not valid JSON/) });
	});

	it('names the JSON column that does not parse', async () => {
		const file = path.join(scratch, 'bad-columns.csv');
		writeFileSync(file, 'id,input,label\na,"{""text"":""x""}",{oops\nb,{oops,"{""long"":true}"\n');
		const messages = (await readAll(file)).map((record) => (record.kind === 'problem' ? record.message : ''));
		expect(messages).toEqual([
			expect.stringMatching(/^"label" column is not valid JSON/),
			expect.stringMatching(/^"input" column is not valid JSON/)
		]);
	});
});

describe('resolving and fingerprinting', () => {
	it('names the problem for unknown names, other formats and missing files', () => {
		expect(() => resolveDataset('nope')).toThrow(DatasetError);
		expect(() => resolveDataset('nope')).toThrow(/known name \(test, train, all\)/);
		expect(() => resolveDataset(path.join(scratch, 'missing.jsonl'))).toThrow(/not found/);
	});

	it('counts records and changes its hash when the content changes', async () => {
		const file = path.join(scratch, 'copy.jsonl');
		copyFileSync(fixture('words.jsonl'), file);
		const before = await fingerprintDataset(resolveDataset(file));
		expect(before.records).toBe(8);
		writeFileSync(file, '{"id":"z","input":{"text":"x"}}\n', { flag: 'a' });
		const after = await fingerprintDataset(resolveDataset(file));
		expect(after.records).toBe(9);
		expect(after.hash).not.toBe(before.hash);
	});

	it('counts exactly the records it reads, across blank lines, CRLF, read-chunk boundaries and no final newline', async () => {
		const item = (id: number) => JSON.stringify({ id, input: { text: 'x'.repeat(id * 997) } });
		// JSON whitespace only is blank; a no-break space is not JSON whitespace, so that line is a problem.
		const lines = [item(1), '', '  \t', item(2), '\u00a0', item(3), '\r', ...Array.from({ length: 200 }, (_, i) => item(i + 4))];
		const file = path.join(scratch, 'spaced.jsonl');
		writeFileSync(file, lines.join('\r\n'));
		const records = await readAll(file);
		expect(records.filter((r) => r.kind === 'problem').map((r) => r.line)).toEqual([5]);
		expect((await fingerprintDataset(resolveDataset(file))).records).toBe(records.length);
		expect(records.length).toBe(204);
	});
	it('decodes characters that straddle a read, and lines longer than a read, as written', async () => {
		const MB = 1024 * 1024;
		// Multi-byte characters (2, 3 and 4 bytes in UTF-8) over the first reads' boundaries, a line of 2.5 MB.
		const texts = [
			'é€😀'.repeat(Math.ceil(MB / 9)),
			'ü'.repeat(MB / 2 + 3),
			'😀 '.repeat(Math.ceil((2.5 * MB) / 5)),
			'€'.repeat(1000)
		];
		const file = path.join(scratch, 'wide.jsonl');
		writeFileSync(file, texts.map((text, id) => JSON.stringify({ id, input: { text } })).join('\n'));
		const records = await readAll(file);
		expect(records.map((r) => (r.kind === 'item' ? (r.input as { text: string }).text : r.message))).toEqual(texts);
	});

	it('reads past a UTF-8 byte order mark and replaces invalid UTF-8 bytes', async () => {
		const file = path.join(scratch, 'bom.jsonl');
		const line = (id: string, text: Buffer) =>
			Buffer.concat([Buffer.from(`{"id":"${id}","input":{"text":"`), text, Buffer.from('"}}\n')]);
		writeFileSync(
			file,
			Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), line('a', Buffer.from('ok')), line('b', Buffer.from([0x61, 0xff, 0x62]))])
		);
		const records = await readAll(file);
		expect(records.map((r) => (r.kind === 'item' ? [r.id, (r.input as { text: string }).text] : r.message))).toEqual([
			['a', 'ok'],
			['b', 'a\ufffdb']
		]);
	});
});

describe('trainingDataCaveat', () => {
	const trained = { name: 'triage', trainedOn: ['train', 'all'] };
	it('names a dataset the pipeline learnt from, given by name or by the path the name stands for', () => {
		expect(trainingDataCaveat(trained, { datasetName: 'all', datasetPath: '/elsewhere/all.jsonl' })).toBe(
			'Dataset all holds the items the triage models learnt from: its metrics overstate how the pipeline does on items it has not seen.'
		);
		const trainFile = path.resolve('data/spamassassin-train.jsonl');
		expect(trainingDataCaveat(trained, { datasetName: 'data/spamassassin-train.jsonl', datasetPath: trainFile })).toMatch(
			/^Dataset train holds/
		);
	});

	it('says nothing of a held-out dataset, of other files, or for a pipeline without trained models', () => {
		expect(
			trainingDataCaveat(trained, { datasetName: 'test', datasetPath: path.resolve('data/spamassassin-test.jsonl') })
		).toBeNull();
		expect(trainingDataCaveat(trained, { datasetName: 'mine.jsonl', datasetPath: '/tmp/mine.jsonl' })).toBeNull();
		expect(trainingDataCaveat({ name: 'wordcount' }, { datasetName: 'all', datasetPath: '/x' })).toBeNull();
		expect(trainingDataCaveat(undefined, { datasetName: 'all', datasetPath: '/x' })).toBeNull();
	});
});
