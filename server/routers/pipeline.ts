import { z } from 'zod';
import { type AnyPipeline, manifest, manifestSchema, pipelineRunSchema } from '../../src/lib/pipeline';
import { directProcedure } from '../direct-procedure';
import type { PipelineRunner } from '../pipeline-pool/runner';
import { protectedProcedure, router } from '../trpc';

/** What running the pipeline or a step can answer besides 200 (the OpenAPI document adds the body checks). */
export const RUN_ERRORS = [400, 401, 422, 500, 503];

export const debugFlagSchema = z
	.boolean()
	.default(false)
	.describe('Also return debug information (the trace of every step, with its input, output and debug data)');

/**
 * Body of a pipeline run: the input, optional flags (defaults fill the rest) and the debug switch.
 * Strict, as flags are: a misspelt "flag" is rejected instead of running on the defaults.
 * The casts restore the pipeline's own schema types, which zod's methods lose on a generic receiver.
 */
export function pipelineRequestSchema<P extends AnyPipeline>(pipeline: P) {
	return z.strictObject({
		input: pipeline.input.describe(`Input of the ${pipeline.name} pipeline`) as P['input'],
		flags: pipeline.flags
			.strict()
			.optional()
			.describe('Feature flags; omitted ones take their defaults, unknown ones are rejected') as z.ZodOptional<P['flags']>,
		debug: debugFlagSchema
	});
}

type RunRequest = z.output<ReturnType<typeof pipelineRequestSchema<AnyPipeline>>>;

/** `runner` runs the pipeline: on the event loop or on worker threads (see createPipelineRunner). */
export function createPipelineRouter<P extends AnyPipeline>(pipeline: P, runner: PipelineRunner<P>) {
	return router({
		run: directProcedure({
			meta: {
				openapi: {
					method: 'POST',
					path: '/pipeline',
					operationId: 'runPipeline',
					tags: ['pipeline'],
					errorResponses: RUN_ERRORS,
					summary: `Run the ${pipeline.name} pipeline`,
					description: `${pipeline.description} Returns the output, the flags used and per-step timings; with \`debug\`, the trace of every step.`
				}
			},
			input: pipelineRequestSchema(pipeline),
			output: pipelineRunSchema(pipeline),
			// Inside this generic function TypeScript cannot resolve the schemas' types; the procedure's
			// public types come from the schemas, and the input and output are validated at run time.
			resolve: ({ input }) => {
				const request = input as RunRequest;
				return runner.run(request.input, { flags: request.flags, debug: request.debug }) as never;
			}
		}),

		manifest: protectedProcedure
			.meta({
				openapi: {
					method: 'GET',
					path: '/manifest',
					operationId: 'getManifest',
					tags: ['pipeline'],
					summary: 'Describe the pipeline',
					description:
						'JSON Schemas of the input, output, flags and every step, with examples: enough to drive a pipeline never seen before.'
				}
			})
			.input(z.void())
			.output(manifestSchema)
			.query(() => manifest(pipeline))
	});
}
