import type { AnyPipeline } from '../src/lib/pipeline';

interface ModelStatus {
	loaded: boolean;
	error?: string;
}

const statuses = new WeakMap<AnyPipeline, ModelStatus>();

/** Starts loading a pipeline's models (once; again after a failure) and records how it went for health checks. */
export function warmUp(pipeline: AnyPipeline): Promise<void> {
	const status: ModelStatus = { loaded: false };
	statuses.set(pipeline, status);
	return pipeline.load().then(
		() => {
			status.loaded = true;
		},
		(error: unknown) => {
			status.error = error instanceof Error ? error.message : String(error);
		}
	);
}

/** Whether the models are loaded; a pipeline never warmed up, or whose load failed, starts (again) loading. */
export function modelStatus(pipeline: AnyPipeline): ModelStatus {
	const status = statuses.get(pipeline);
	if (!status || status.error) void warmUp(pipeline);
	return status ? { ...status } : { loaded: false };
}
