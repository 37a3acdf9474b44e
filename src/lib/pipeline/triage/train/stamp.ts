import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const RELATIVE_IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveModule(from: string, specifier: string): string | null {
	const base = resolve(dirname(from), specifier);
	return [base, `${base}.ts`, join(base, 'index.ts')].find((file) => existsSync(file) && file.endsWith('.ts')) ?? null;
}

/** The source files a module pulls in through relative imports, itself included, sorted. */
export function sourceClosure(entry: string): string[] {
	const seen = new Set<string>();
	const pending = [resolve(entry)];
	while (pending.length) {
		const file = pending.pop() as string;
		if (seen.has(file)) continue;
		seen.add(file);
		for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
			const target = resolveModule(file, specifier);
			if (target) pending.push(target);
		}
	}
	return [...seen].sort();
}

/**
 * What a training run depends on: the dataset bytes and the code that reads them (parser, tokenizer,
 * features, models, settings). Equal stamps mean training would write the same artifacts again.
 */
export function trainingStamp(datasetFiles: string[], entry: string): string {
	const hash = createHash('sha256');
	for (const file of datasetFiles) hash.update(readFileSync(file));
	const root = dirname(resolve(entry));
	for (const file of sourceClosure(entry)) hash.update(relative(root, file)).update(readFileSync(file));
	return hash.digest('hex');
}
