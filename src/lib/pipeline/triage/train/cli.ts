import cliProgress from 'cli-progress';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { artifactsDir } from '../artifacts';
import { datasetFile } from './dataset';
import { type Progress, readTrainingMails, trainModels } from './index';
import { settings } from './settings';
import { trainingStamp } from './stamp';
import { validate } from './validate';

const HELP = `Usage: npm run train -- [options]   (or node scripts/train.mjs [options])

Trains the triage models from the train split of the SpamAssassin data: the spam classifiers (logistic
regression and naive Bayes), the routing classifier, the sender-domain Bloom blocklist and the
similar-mail BM25 index. Writes them into the artifacts folder. Skips the work when the dataset and
the training code are unchanged since the last run.

Options:
  --data <dir>    dataset folder (default: data; written by \`npm run data\` when missing)
  --out <dir>     artifacts folder (default: $CONVINCE_ARTIFACTS or ./artifacts)
  --limit <n>     train on n mails spread over the train split (quick runs)
  --force         train even when up to date
  --validate      train on the train split minus a validation slice, print its scores, write nothing
  --help          show this help`;

const STAMP_FILE = 'training.stamp';
const LOCK_DIR = '.training.lock';
const LOCK_WAIT_MS = 10 * 60_000;
const ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs `work` while holding a lock on `dir`, so parallel runs (test workers) train once and the rest reuse it. */
async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
	const lock = join(dir, LOCK_DIR);
	await mkdir(dir, { recursive: true });
	const deadline = Date.now() + LOCK_WAIT_MS;
	for (;;) {
		try {
			await mkdir(lock);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw error;
			await sleep(250);
		}
	}
	try {
		return await work();
	} finally {
		await rm(lock, { recursive: true, force: true });
	}
}

/** A bar per stage on a terminal; plain lines in logs and CI. */
function progressReporter(): { report: (progress: Progress) => void; stop: () => void } {
	if (!process.stdout.isTTY) {
		let lastStage = '';
		return {
			report: ({ stage, done, total }) => {
				if (stage !== lastStage || done === total) console.log(`train: ${stage} ${done}/${total}`);
				lastStage = stage;
			},
			stop: () => {}
		};
	}
	const bar = new cliProgress.SingleBar({ format: 'train: {bar} {value}/{total} {stage}' }, cliProgress.Presets.shades_classic);
	let started = false;
	return {
		report: ({ stage, done, total }) => {
			if (!started) bar.start(total, done, { stage });
			started = true;
			bar.setTotal(total);
			bar.update(done, { stage });
		},
		stop: () => bar.stop()
	};
}

function ensureDataset(dataDir: string, dataScript: string): void {
	if (existsSync(datasetFile(dataDir, 'train'))) return;
	const result = spawnSync(process.execPath, [dataScript, '--out', dataDir], { stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`${dataScript} failed (exit ${result.status})`);
}

function formatMetrics(name: string, metrics: Record<string, number>): string {
	const keys = ['spam.precision', 'spam.recall', 'spam.f1', 'route.macroF1'];
	return `${name.padEnd(10)} ${keys.map((k) => `${k} ${metrics[k].toFixed(4)}`).join('  ')}`;
}

/** `scripts/train.mjs` hands its arguments here; `dataScript` writes the dataset when it is missing. */
export async function main(argv: string[], dataScript: string): Promise<void> {
	const { values } = parseArgs({
		args: argv,
		options: {
			data: { type: 'string', default: 'data' },
			out: { type: 'string' },
			limit: { type: 'string' },
			force: { type: 'boolean', default: false },
			validate: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false }
		}
	});
	if (values.help) return console.log(HELP);
	const limit = values.limit === undefined ? undefined : Number(values.limit);
	if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
		throw new Error(`--limit must be a positive integer, got "${values.limit}"`);
	const dataDir = resolve(values.data);
	const outDir = resolve(values.out ?? artifactsDir());
	ensureDataset(dataDir, dataScript);

	if (values.validate) {
		const mails = await readTrainingMails(dataDir, limit);
		const scores = validate(mails, settings);
		console.log(formatMetrics('logistic', scores.logistic));
		console.log(formatMetrics('bayes', scores.bayes));
		const calibration = scores.calibration;
		console.log(
			`route      log loss ${calibration['route.logLoss'].toFixed(4)} at temperature ${settings.route.temperature}; ` +
				`lowest ${calibration['route.bestLogLoss'].toFixed(4)} at ${calibration['route.bestTemperature'].toFixed(2)}`
		);
		return;
	}

	await withLock(outDir, async () => {
		const stampFile = join(outDir, STAMP_FILE);
		const stamp = `${trainingStamp([datasetFile(dataDir, 'train')], ENTRY)} limit=${limit ?? 'all'}\n`;
		const previous = existsSync(stampFile) ? await readFile(stampFile, 'utf8') : null;
		if (previous === stamp && !values.force) return console.log(`train: ${outDir} is up to date (use --force to retrain)`);

		await rm(stampFile, { force: true });
		const started = performance.now();
		const progress = progressReporter();
		const summary = await trainModels({ dataDir, outDir, limit, onProgress: progress.report }).finally(progress.stop);
		await writeFile(stampFile, stamp);
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		console.log(`train: ${summary.mails} mails in ${seconds} s -> ${outDir}`);
		for (const { file, bytes } of summary.files) console.log(`train:   ${file} ${(bytes / 1024).toFixed(0)} KiB`);
	});
}
