import type { Db } from '../../db/client';
import { listRuns } from '../../db/queries/runs';
import { type AnyPipeline, manifest } from '../../src/lib/pipeline';
import { loadPipeline } from './registry';
import { type BatchOutcome, type Progress, startBatch } from './runner';

export interface SeedOptions {
	db: Db;
	pipeline: string;
	dataset: string;
	/** The boolean flag the two runs differ in; the pipeline's first boolean flag when not given. */
	flag?: string;
	registry?: string;
	concurrency?: number;
	reportsDir?: string;
	/** Called before each run starts, with a progress callback for it. */
	onRun?: (name: string) => ((progress: Progress) => void) | undefined;
}

export class SeedError extends Error {
	override readonly name = 'SeedError';
}

function booleanFlags(pipeline: AnyPipeline): string[] {
	const properties = (manifest(pipeline).flags.properties ?? {}) as Record<string, { type?: string }>;
	return Object.keys(properties).filter((name) => properties[name].type === 'boolean');
}

/**
 * Gives evaluators two runs to compare at once: the dataset with one boolean flag off, then on (e.g.
 * triage's blocklist). Does nothing when the database already has runs; returns the runs it made.
 */
export async function seedRuns(options: SeedOptions): Promise<BatchOutcome[]> {
	if (listRuns(options.db).length) return [];
	const pipeline = await loadPipeline(options.pipeline, options.registry);
	const candidates = booleanFlags(pipeline);
	const flag = options.flag ?? candidates[0];
	if (!flag || !candidates.includes(flag))
		throw new SeedError(
			`pipeline ${pipeline.name} has no boolean flag ${options.flag ? `"${flag}"` : 'to vary'} (boolean flags: ${candidates.join(', ') || 'none'})`
		);
	const outcomes: BatchOutcome[] = [];
	for (const value of [false, true]) {
		const name = `${options.dataset}, ${flag} ${value ? 'on' : 'off'}`;
		const { db, registry, concurrency, reportsDir, dataset } = options;
		outcomes.push(
			await startBatch({
				db,
				registry,
				concurrency,
				reportsDir,
				dataset,
				pipeline: pipeline.name,
				name,
				flags: { [flag]: value },
				onProgress: options.onRun?.(name)
			})
		);
	}
	return outcomes;
}
