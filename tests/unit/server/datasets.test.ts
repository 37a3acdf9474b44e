import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetNotFound, openDatasetRef } from '../../../server/samples/datasets';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-datasets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('datasets a page link may open', () => {
	const runFile = path.join(scratch, 'run.jsonl');
	writeFileSync(runFile, '{"id":"a","input":{"text":"x"}}\n');
	const secret = path.join(scratch, 'secret.jsonl');
	writeFileSync(secret, '{"id":"s","input":{"text":"secret"}}\n');

	it('opens files inside the project, and a stored run file wherever it is', () => {
		expect(openDatasetRef('tests/unit/batch/fixtures/words.jsonl').path).toBe(
			path.resolve('tests/unit/batch/fixtures/words.jsonl')
		);
		expect(openDatasetRef(runFile, new Set([runFile])).path).toBe(runFile);
	});

	it('refuses other files outside the project, and a symlink put in place of a run file', () => {
		expect(() => openDatasetRef(secret)).toThrow(new DatasetNotFound(`dataset "${secret}" is outside the project folder`));
		const swapped = path.join(scratch, 'swapped.jsonl');
		symlinkSync(secret, swapped);
		expect(() => openDatasetRef(swapped, new Set([swapped]))).toThrow(DatasetNotFound);
	});

	it('names a missing file as the link gave it, not by where it would be on the server', () => {
		expect(() => openDatasetRef('data/nowhere.jsonl')).toThrow(new DatasetNotFound('dataset file not found: data/nowhere.jsonl'));
	});
});
