import type { AnyPipeline } from './kit';
import { triage } from './triage';
import { wordcount } from './wordcount';

export * from './kit';

/** Every pipeline convince can serve, by name. The server picks one (triage unless told otherwise). */
export const pipelines = { triage, wordcount } satisfies Record<string, AnyPipeline>;
export type PipelineName = keyof typeof pipelines;
