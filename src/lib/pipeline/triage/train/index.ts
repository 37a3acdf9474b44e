import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../artifacts';
import { type TrainingMail, datasetFile, parseItem, readDataset } from './dataset';
import { buildBlocklist, buildSimilarIndex, trainRoute, trainSpamBayes, trainSpamLogistic } from './models';
import { type Settings, settings as defaultSettings } from './settings';
import { stableStringify } from './stable-json';

export interface Progress {
	stage: string;
	done: number;
	total: number;
}

export interface TrainOptions {
	dataDir: string;
	outDir: string;
	/** Train on `limit` mails spread evenly over the train split (quick runs, tests). */
	limit?: number;
	settings?: Settings;
	onProgress?: (progress: Progress) => void;
}

export interface TrainSummary {
	mails: number;
	files: { file: string; bytes: number }[];
}

/** Each model file and how to build it; the order is the order of the progress display. */
const builders: [file: string, build: (mails: TrainingMail[], settings: Settings) => { toArtifact(): unknown }][] = [
	[ARTIFACT_FILES.spamLogistic, trainSpamLogistic],
	[ARTIFACT_FILES.spamBayes, trainSpamBayes],
	[ARTIFACT_FILES.route, trainRoute],
	[ARTIFACT_FILES.blocklist, buildBlocklist],
	[ARTIFACT_FILES.similar, buildSimilarIndex]
];

async function writeAtomically(file: string, text: string): Promise<void> {
	const temp = `${file}.${process.pid}.tmp`;
	await writeFile(temp, text);
	await rename(temp, file);
}

/** `limit` items at even strides: the split is ordered by corpus folder, so its head would be all ham. */
function spread<T>(items: T[], limit: number | undefined): T[] {
	if (limit === undefined || limit >= items.length) return items;
	return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]);
}

export async function readTrainingMails(
	dataDir: string,
	limit?: number,
	onProgress?: (progress: Progress) => void
): Promise<TrainingMail[]> {
	const items = spread(await readDataset(datasetFile(dataDir, 'train')), limit);
	const mails: TrainingMail[] = [];
	for (const item of items) {
		mails.push(parseItem(item));
		if (mails.length % 250 === 0 || mails.length === items.length)
			onProgress?.({ stage: 'parse mails', done: mails.length, total: items.length });
	}
	return mails;
}

/** Trains every triage model from the train split and writes the model files into `outDir`. */
export async function trainModels(options: TrainOptions): Promise<TrainSummary> {
	const settings = options.settings ?? defaultSettings;
	const mails = await readTrainingMails(options.dataDir, options.limit, options.onProgress);
	await mkdir(options.outDir, { recursive: true });
	const files: TrainSummary['files'] = [];
	for (const [i, [file, build]] of builders.entries()) {
		options.onProgress?.({ stage: `train ${file}`, done: i, total: builders.length });
		const text = stableStringify(build(mails, settings).toArtifact());
		await writeAtomically(join(options.outDir, file), text);
		files.push({ file, bytes: Buffer.byteLength(text) });
	}
	options.onProgress?.({ stage: 'done', done: builders.length, total: builders.length });
	return { mails: mails.length, files };
}
