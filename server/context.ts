import type { AnyPipeline } from '../src/lib/pipeline';

export interface ContextOptions {
	/** The pipeline this server serves (see `server/pipeline.ts`). */
	pipeline: AnyPipeline;
	/**
	 * False for an HTTP request that lacks the configured API key. Trusted server code (page loads,
	 * scripts, tests) builds its context with `true` and never goes through HTTP auth.
	 */
	authorized: boolean;
}

/** Builds a context without HTTP, so server code and tests can call procedures directly. */
export function createContextInner(options: ContextOptions) {
	return { pipeline: options.pipeline, authorized: options.authorized };
}

export type Context = Awaited<ReturnType<typeof createContextInner>>;
