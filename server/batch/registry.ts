import type { AnyPipeline } from '../../src/lib/pipeline';

/**
 * A module exporting `pipelines` (name -> pipeline). Batches use the app's registry; tests pass their
 * own module so workers can load pipelines that exist only for tests (e.g. one whose step throws).
 */
export const DEFAULT_REGISTRY = new URL('../../src/lib/pipeline/index.ts', import.meta.url).href;

export class UnknownPipelineError extends Error {
	override readonly name = 'UnknownPipelineError';
}

export type Registry = Record<string, AnyPipeline>;

export function pipelineNamed(pipelines: Registry, name: string): AnyPipeline {
	const pipeline = Object.hasOwn(pipelines, name) ? pipelines[name] : undefined;
	if (!pipeline) throw new UnknownPipelineError(`unknown pipeline "${name}" (registered: ${Object.keys(pipelines).join(', ')})`);
	return pipeline;
}

export async function loadPipeline(name: string, registry = DEFAULT_REGISTRY): Promise<AnyPipeline> {
	const { pipelines } = (await import(/* @vite-ignore */ registry)) as { pipelines: Registry };
	return pipelineNamed(pipelines, name);
}
