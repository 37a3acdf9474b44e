import { type AnyPipeline, type PipelineName, pipelines } from '../src/lib/pipeline';
import { DEFAULT_PIPELINE } from './default-pipeline';

function isPipelineName(name: string): name is PipelineName {
	return Object.hasOwn(pipelines, name);
}

/** The pipeline named by `CONVINCE_PIPELINE`; an unknown name stops start-up with the list of known ones. */
export function selectPipeline(name: string = process.env.CONVINCE_PIPELINE || DEFAULT_PIPELINE): AnyPipeline {
	if (!isPipelineName(name)) {
		throw new Error(`CONVINCE_PIPELINE="${name}" is not a registered pipeline; known: ${Object.keys(pipelines).join(', ')}`);
	}
	return pipelines[name];
}
