import { type AnyPipeline, type PipelineName, pipelines } from '../src/lib/pipeline';
import { ConfigError } from './config';
import { DEFAULT_PIPELINE } from './default-pipeline';

/** The pipeline served and batched when none is named: `CONVINCE_PIPELINE`, else the default. */
export function defaultPipelineName(): string {
	return process.env.CONVINCE_PIPELINE || DEFAULT_PIPELINE;
}

/** A registered pipeline by name; undefined when this build does not have it (e.g. a stored run's). */
export function registeredPipeline(name: string): AnyPipeline | undefined {
	return Object.hasOwn(pipelines, name) ? pipelines[name as PipelineName] : undefined;
}

/** The pipeline named by `CONVINCE_PIPELINE`; an unknown name stops start-up with the list of known ones. */
export function selectPipeline(name: string = defaultPipelineName()): AnyPipeline {
	const pipeline = registeredPipeline(name);
	if (!pipeline) {
		throw new ConfigError(
			`CONVINCE_PIPELINE="${name}" is not a registered pipeline; known: ${Object.keys(pipelines).join(', ')}`
		);
	}
	return pipeline;
}
