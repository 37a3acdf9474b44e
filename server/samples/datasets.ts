import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { type DatasetRef, DatasetFileMissing, namedDatasets, resolveDataset } from '../batch/dataset';

/**
 * Which datasets the sample picker offers: env `CONVINCE_DATASETS` (comma-separated names or paths)
 * when set, else the named datasets whose files exist (`node scripts/data.mjs` writes them).
 */
export function datasetChoices(env: Record<string, string | undefined> = process.env): string[] {
	const configured = env.CONVINCE_DATASETS?.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (configured?.length) return configured;
	return Object.entries(namedDatasets)
		.filter(([, file]) => existsSync(file))
		.map(([name]) => name);
}

/** The dataset is unknown, missing, or outside the project: a 404 for the pages, never a crash. */
export class DatasetNotFound extends Error {
	override readonly name = 'DatasetNotFound';
}

/** The path with every symlink resolved, or as it is when it does not exist (resolveDataset says so). */
function realPath(file: string): string {
	try {
		return realpathSync(file);
	} catch {
		return file;
	}
}

/**
 * A file a page link may open: one inside the project, or the file of a stored batch run. Symlinks are
 * followed before judging, and a run's file must be no symlink at all: one swapped in for it (in /tmp,
 * say) would otherwise open any file.
 */
function openable(file: string, runPaths: ReadonlySet<string>): boolean {
	const real = realPath(file);
	if (runPaths.has(file) && real === file) return true;
	const relative = path.relative(realPath(process.cwd()), real);
	return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Resolves a dataset named in a page URL: a known name, a `.jsonl`/`.csv` path inside the working
 * directory, or the file of a stored batch run wherever it is (`runPaths`; run pages link their items
 * this way). Other paths are refused, so a link cannot make the server read arbitrary files.
 */
export function openDatasetRef(nameOrPath: string, runPaths: ReadonlySet<string> = new Set()): DatasetRef {
	if (!Object.hasOwn(namedDatasets, nameOrPath) && !openable(path.resolve(nameOrPath), runPaths)) {
		throw new DatasetNotFound(`dataset "${nameOrPath}" is outside the project folder`);
	}
	try {
		return resolveDataset(nameOrPath);
	} catch (error) {
		// Not the resolved path the command line shows: pages and API clients have no business with the server's folders.
		if (error instanceof DatasetFileMissing) throw new DatasetNotFound(`dataset file not found: ${error.given}`);
		throw new DatasetNotFound(error instanceof Error ? error.message : String(error));
	}
}
