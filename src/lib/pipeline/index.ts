import type { AnyPipeline } from './kit';
import { wordcount } from './wordcount';

export * from './kit';

/** Every pipeline convince can serve, by name. The server picks one (triage unless told otherwise). */
export const pipelines = { wordcount } satisfies Record<string, AnyPipeline>;
export type PipelineName = keyof typeof pipelines;
