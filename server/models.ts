import { type AnyPipeline, LoadError } from '../src/lib/pipeline';

interface ModelStatus {
	loaded: boolean;
	error?: string;
}

const statuses = new WeakMap<AnyPipeline, ModelStatus>();
const loading = new WeakSet<AnyPipeline>();

/** What health says of a failed load: the step, not the server's files (the log has the whole cause). */
function failureMessage(error: unknown): string {
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
			(error: unknown) => {
				status.error = failureMessage(error);
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
