import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_FILES, artifactsDir, readArtifact } from '../../../src/lib/pipeline/triage/artifacts';
import { spamFeatures } from '../../../src/lib/pipeline/triage/features';
import { LOGISTIC_FORMAT, type LogisticArtifact, LogisticModel } from '../../../src/lib/pipeline/triage/models/logistic';
import { readTrainingMails, trainModels } from '../../../src/lib/pipeline/triage/train';
import { settings } from '../../../src/lib/pipeline/triage/train/settings';
import { stableStringify } from '../../../src/lib/pipeline/triage/train/stable-json';
import { sourceClosure } from '../../../src/lib/pipeline/triage/train/stamp';
import { validate } from '../../../src/lib/pipeline/triage/train/validate';
import { DATA_DIR, ROOT, ensureArtifacts, runScript } from './fixtures';

const SLICE = 400;
let scratch = '';

beforeAll(async () => {
	await ensureArtifacts();
	scratch = await mkdtemp(join(tmpdir(), 'convince-train-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function filesOf(dir: string): Promise<Record<string, Buffer>> {
	const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
	return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))] as const)));
}

describe('training', () => {
	it('writes byte-identical model files when run twice on the same slice', async () => {
		const [first, second] = [join(scratch, 'a'), join(scratch, 'b')];
		await trainModels({ dataDir: DATA_DIR, outDir: first, limit: SLICE });
		await trainModels({ dataDir: DATA_DIR, outDir: second, limit: SLICE });
		const [a, b] = [await filesOf(first), await filesOf(second)];
		expect(Object.keys(a)).toEqual(Object.values(ARTIFACT_FILES).sort());
		for (const name of Object.keys(a)) expect(a[name].equals(b[name]), name).toBe(true);
	});

	it('trains on a slice that holds both spam and ham, and the model tells them apart', async () => {
		const mails = await readTrainingMails(DATA_DIR, SLICE);
		expect(mails).toHaveLength(SLICE);
		expect(mails.filter((m) => m.label.spam).length).toBeGreaterThan(SLICE / 10);
		const model = LogisticModel.fromArtifact(
			JSON.parse(await readFile(join(scratch, 'a', ARTIFACT_FILES.spamLogistic), 'utf8')) as LogisticArtifact
		);
		let right = 0;
		for (const { mail, label } of mails) if (model.predict(spamFeatures(mail)) >= 0.5 === label.spam) right++;
		expect(right / mails.length).toBeGreaterThan(0.95);
	});

	it('scores the settings on a validation slice of the train split', async () => {
		const scores = validate(await readTrainingMails(DATA_DIR, 1500), settings);
		for (const model of ['logistic', 'bayes'] as const) {
			expect(scores[model]['spam.f1']).toBeGreaterThan(0.9);
			expect(scores[model]['route.macroF1']).toBeGreaterThan(0.8);
		}
		// Naive Bayes is overconfident: a temperature above 1 always fits held-out mail better.
		expect(scores.calibration['route.bestTemperature']).toBeGreaterThan(1);
	});

	it('stamps the run with every source file training depends on, parser included', () => {
		const files = sourceClosure(join(ROOT, 'src/lib/pipeline/triage/train/index.ts')).map((file) =>
			relative(join(ROOT, 'src/lib/pipeline/triage'), file)
		);
		expect(files).toEqual(
			expect.arrayContaining(['mime.ts', 'text.ts', 'features.ts', 'train/settings.ts', 'models/logistic.ts', 'models/bm25.ts'])
		);
		expect(files.some((file) => file.startsWith('steps/'))).toBe(false);
	});
});

describe('scripts/train.mjs', () => {
	it('trains, then skips while nothing changed, and retrains with --force', async () => {
		const out = join(scratch, 'cli');
		const args = ['--limit', '150', '--out', out];
		expect((await runScript('train.mjs', args)).stdout).toMatch(/150 mails in/);
		expect(Object.keys(await filesOf(out))).toEqual(Object.values(ARTIFACT_FILES).sort());
		expect((await runScript('train.mjs', args)).stdout).toMatch(/up to date/);
		expect((await runScript('train.mjs', [...args, '--force'])).stdout).toMatch(/150 mails in/);
		// Another slice is another training set.
		expect((await runScript('train.mjs', ['--limit', '151', '--out', out])).stdout).toMatch(/151 mails in/);
	});

	it('prints help, and rejects bad options with a message', async () => {
		expect((await runScript('train.mjs', ['--help'])).stdout).toMatch(/Usage: npm run train/);
		const failure = await runScript('train.mjs', ['--limit', '0']).catch((e: { stderr: string; code: number }) => e);
		expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/--limit must be a positive integer/) });
	});
});

describe('model files', () => {
	it('come from CONVINCE_ARTIFACTS, and a missing or outdated file says to run training', async () => {
		const dir = join(scratch, 'elsewhere');
		await mkdir(dir, { recursive: true });
		const previous = process.env.CONVINCE_ARTIFACTS;
		process.env.CONVINCE_ARTIFACTS = dir;
		try {
			expect(artifactsDir()).toBe(dir);
			await expect(readArtifact<LogisticArtifact>(ARTIFACT_FILES.spamLogistic, LOGISTIC_FORMAT)).rejects.toThrow(
				/is missing: run `npm run train`/
			);
			await writeFile(join(dir, ARTIFACT_FILES.spamLogistic), '{"format":"logistic/0"}');
			await expect(readArtifact<LogisticArtifact>(ARTIFACT_FILES.spamLogistic, LOGISTIC_FORMAT)).rejects.toThrow(
				/instead of logistic\/2: run `npm run train -- --force`/
			);
		} finally {
			if (previous === undefined) delete process.env.CONVINCE_ARTIFACTS;
			else process.env.CONVINCE_ARTIFACTS = previous;
		}
		expect(artifactsDir()).toBe(previous ?? join(process.cwd(), 'artifacts'));
	});
});

describe('stableStringify', () => {
	it('sorts keys and rounds fractions, so equal models give equal bytes', () => {
		expect(stableStringify({ b: 1 / 3, a: [2, { d: null, c: true }], e: undefined })).toBe(
			'{"a":[2,{"c":true,"d":null}],"b":0.3333333}'
		);
		expect(stableStringify({ x: 0.1 + 0.2 })).toBe(stableStringify({ x: 0.3 }));
		expect(() => stableStringify({ f: () => 1 })).toThrow(/function/);
	});
});
