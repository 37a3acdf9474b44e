import { type AnyPipeline, pipelines } from '../../src/lib/pipeline';

/**
 * A module exporting `pipelines` (name -> pipeline). Batches use the app's registry; tests pass their
 * own module so workers can load pipelines that exist only for tests (e.g. one whose step throws).
 */
export const DEFAULT_REGISTRY = new URL('../../src/lib/pipeline/index.ts', import.meta.url).href;

/** The pipeline a batch runs when none is named. */
export function defaultPipelineName(): string {
	return process.env.CONVINCE_PIPELINE ?? 'triage';
}

export class UnknownPipelineError extends Error {
	override readonly name = 'UnknownPipelineError';
}

export async function loadPipeline(name: string, registry = DEFAULT_REGISTRY): Promise<AnyPipeline> {
	const { pipelines } = (await import(/* @vite-ignore */ registry)) as { pipelines: Record<string, AnyPipeline> };
	const pipeline = Object.hasOwn(pipelines, name) ? pipelines[name] : undefined;
	if (!pipeline) throw new UnknownPipelineError(`unknown pipeline "${name}" (registered: ${Object.keys(pipelines).join(', ')})`);
	return pipeline;
}

/** A stored run's pipeline, when this build still registers it (for metric descriptions, explain). */
export function registeredPipeline(name: string): AnyPipeline | undefined {
	return Object.hasOwn(pipelines, name) ? (pipelines as Record<string, AnyPipeline>)[name] : undefined;
}
