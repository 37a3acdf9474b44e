import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Files `npm run train` writes and the steps read, by model. */
export const ARTIFACT_FILES = {
	spamLogistic: 'spam-logistic.json',
	spamBayes: 'spam-bayes.json',
	route: 'route-bayes.json',
	blocklist: 'blocklist.json',
	similar: 'similar-bm25.json'
} as const;

/** Where trained models live: `CONVINCE_ARTIFACTS`, else `<cwd>/artifacts`. */
export function artifactsDir(): string {
	return resolve(process.env.CONVINCE_ARTIFACTS || join(process.cwd(), 'artifacts'));
}

/**
 * Reads a model file written by training. Every model file names its `format`, so a file from an
 * older training run fails here with advice instead of producing nonsense later.
 */
export async function readArtifact<T extends { format: string }>(name: string, format: T['format']): Promise<T> {
	const file = join(artifactsDir(), name);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error(`Model file ${file} is missing: run \`npm run train\` (or set CONVINCE_ARTIFACTS to a trained folder)`);
		}
		throw error;
	}
	const value = JSON.parse(text) as { format?: unknown };
	if (value.format !== format) {
		throw new Error(
			`Model file ${file} has format ${String(value.format)} instead of ${format}: run \`npm run train -- --force\``
		);
	}
	return value as T;
}

/** A model a step reads in its `load` and uses in `run`. */
export interface LoadedModel<T> {
	load: () => Promise<void>;
	get: () => T;
}

export function loadedModel<T>(name: string, read: () => Promise<T>): LoadedModel<T> {
	let model: T | undefined;
	return {
		load: async () => {
			model = await read();
		},
		get: () => {
			if (model === undefined)
				throw new Error(`The ${name} model is not loaded: load the step first (runStep and runPipeline do)`);
			return model;
		}
	};
}
