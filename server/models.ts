import { type AnyPipeline, LoadError } from '../src/lib/pipeline';

interface ModelStatus {
	loaded: boolean;
	error?: string;
}

const statuses = new WeakMap<AnyPipeline, ModelStatus>();
const loading = new WeakSet<AnyPipeline>();

/**
 * Every step whose models did not load, in pipeline order: the pipeline's load stops at the first
 * failure, and an operator fixing one missing file should not learn of the next only afterwards.
 * A step's load keeps what it loaded, so only the failed ones are tried again here.
 */
async function failedSteps(pipeline: AnyPipeline): Promise<string[]> {
	const results = await Promise.allSettled(pipeline.steps.map((step) => step.load()));
	return pipeline.steps.filter((_, i) => results[i].status === 'rejected').map((step) => `"${step.name}"`);
}

/** What health says of a failed load: the steps, not the server's files (the log has the whole cause). */
function failureMessage(error: unknown, failed: string[]): string {
	if (failed.length > 1)
		return `Steps ${failed.slice(0, -1).join(', ')} and ${failed.at(-1)} could not load their models (the server log says why)`;
	return `${error instanceof LoadError ? error.what : 'The pipeline'} could not load its models (the server log says why)`;
}

/** Starts loading a pipeline's models (once; again after a failure) and records how it went for health checks. */
export function warmUp(pipeline: AnyPipeline): Promise<void> {
	const previous = statuses.get(pipeline)?.error;
	// A retry keeps the last failure on show until it settles: probes see the same answer meanwhile.
	const status: ModelStatus = { loaded: false, ...(previous && { error: previous }) };
	statuses.set(pipeline, status);
	loading.add(pipeline);
	return pipeline
		.load()
		.then(
			() => {
				status.loaded = true;
				delete status.error;
			},
			async (error: unknown) => {
				status.error = failureMessage(error, await failedSteps(pipeline));
				// Health checks retry the load: a failure is logged once until the models load, not at every probe.
				if (!previous) console.error('[convince] the models did not load:', error);
			}
		)
		.finally(() => loading.delete(pipeline));
}

/** Whether the models are loaded; a pipeline never warmed up, or whose load failed, starts (again) loading. */
export function modelStatus(pipeline: AnyPipeline): ModelStatus {
	const status = statuses.get(pipeline);
	if (!status || (status.error && !loading.has(pipeline))) void warmUp(pipeline);
	return status ? { ...status } : { loaded: false };
}
