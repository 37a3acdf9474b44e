import { build, stop } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Workers run one plain-JS module: a worker's task function and the pipeline registry bundled together. Loading
 * TypeScript through tsx instead costs each worker its own loader thread (~40 MB and ~0.4 s at start).
 * The bundle lives inside the project so that its package imports resolve to node_modules.
 */
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/convince/', import.meta.url));

/** A module and its function that makes a worker's task function from a registry (awaited if async). */
export interface WorkerEntry {
	module: string;
	factory: string;
}

/** The batch worker (evaluate.ts). */
export const BATCH_WORKER: WorkerEntry = {
	module: fileURLToPath(new URL('./evaluate.ts', import.meta.url)),
	factory: 'startWorker'
};
/** Builds in flight in this process: the esbuild service stops when none is. */
let builds = 0;
/** Bundles unused this long are deleted; every use touches its file. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Writes the worker module for this registry (a module exporting `pipelines`) and returns its file URL. */
export async function bundleWorker(registry: string, entry: WorkerEntry = BATCH_WORKER): Promise<string> {
	const registryPath = registry.startsWith('file:') ? fileURLToPath(registry) : path.resolve(registry);
	builds++;
	const { outputFiles } = await build({
		stdin: {
			contents: [
				`import { pipelines } from ${JSON.stringify(registryPath)};`,
				`import { ${entry.factory} } from ${JSON.stringify(entry.module)};`,
				`export default await ${entry.factory}(pipelines);`
			].join('\n'),
			resolveDir: path.dirname(entry.module),
			sourcefile: 'worker.js',
			loader: 'js'
		},
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		// The project's tsconfig extends SvelteKit's generated one, absent before `svelte-kit sync`.
		tsconfigRaw: {},
		write: false,
		logLevel: 'error'
	}).finally(async () => {
		// esbuild's service process would otherwise idle beside the batch until it ends (~12 MB).
		if (--builds === 0) await stop();
	});
	const code = outputFiles[0].text;
	mkdirSync(CACHE_DIR, { recursive: true });
	const file = path.join(CACHE_DIR, `worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
	if (!touch(file)) {
		// Batches starting together may write the same bundle: a rename replaces it whole.
		const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
		writeFileSync(partial, code);
		renameSync(partial, file);
	}
	pruneStaleBundles(file);
	return pathToFileURL(file).href;
}

/** Marks a bundle as used; false when it is missing (or cannot be touched, then it is written anew). */
function touch(file: string): boolean {
	try {
		const now = new Date();
		utimesSync(file, now, now);
		return true;
	} catch {
		return false;
	}
}

function pruneStaleBundles(keep: string): void {
	for (const name of readdirSync(CACHE_DIR)) {
		const file = path.join(CACHE_DIR, name);
		if (file === keep || !name.startsWith('worker-')) continue;
		try {
			if (Date.now() - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
		} catch {
			// Pruned by another batch meanwhile.
		}
	}
}
