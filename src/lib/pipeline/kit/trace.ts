import { z } from 'zod';

/** How an error is reported to clients: never a stack trace. */
export const errorInfoSchema = z.object({
	name: z.string(),
	message: z.string(),
	issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional()
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export function toErrorInfo(error: unknown): ErrorInfo {
	if (error instanceof Error) {
		const issues = (error as { issues?: ErrorInfo['issues'] }).issues;
		return { name: error.name, message: error.message, ...(Array.isArray(issues) ? { issues } : {}) };
	}
	return { name: 'Error', message: String(error) };
}

const entryBase = {
	step: z.string(),
	/** Milliseconds since the pipeline run started. */
	startMs: z.number()
};

/** One step of a pipeline run, as recorded in debug mode. Shared by the kit, the API, storage and pages. */
export const traceEntrySchema = z.discriminatedUnion('status', [
	z.object({
		...entryBase,
		status: z.literal('ok'),
		input: z.unknown(),
		output: z.unknown(),
		debug: z.unknown().optional(),
		durationMs: z.number()
	}),
	z.object({
		...entryBase,
		status: z.literal('error'),
		input: z.unknown(),
		error: errorInfoSchema,
		durationMs: z.number()
	}),
	z.object({ ...entryBase, status: z.literal('skipped'), reason: z.string() })
]);
export type TraceEntry = z.infer<typeof traceEntrySchema>;

/** Wall time of one executed step; recorded on every run, debug or not. */
export const stepTimingSchema = z.object({ step: z.string(), ms: z.number() });
export type StepTiming = z.infer<typeof stepTimingSchema>;
