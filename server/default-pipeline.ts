import type { PipelineName, pipelines } from '../src/lib/pipeline';

/**
 * The pipeline served when `CONVINCE_PIPELINE` is unset; also types `AppRouter` and the committed clients.
 * Kept free of runtime imports so test setup can read it before any model exists.
 */
export const DEFAULT_PIPELINE = 'triage' satisfies PipelineName;
export type DefaultPipeline = (typeof pipelines)[typeof DEFAULT_PIPELINE];
