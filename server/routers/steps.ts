import { z } from 'zod';
import { type AnyPipeline, type AnyStep, type PipelineSteps, strictInput } from '../../src/lib/pipeline';
import type { PipelineRunner } from '../pipeline-pool/runner';
import { directProcedure } from '../direct-procedure';
import { router } from '../trpc';
import { RUN_ERRORS, debugFlagSchema } from './pipeline';

/** `runStepParse` for step `parse`: operation ids are derived from step names, like REST paths. */
export function stepOperationId(stepName: string): string {
	return `runStep${stepName.charAt(0).toUpperCase()}${stepName.slice(1)}`;
}

// Strict like the pipeline's request. The casts restore the step's own schema types, which zod's methods
// lose on a generic receiver.
export function stepRequestSchema<S extends AnyStep>(step: S) {
	return z.strictObject({
		input: strictInput(step.input).describe(`Input of step ${step.name}`) as S['input'],
		debug: debugFlagSchema
	});
}

export function stepRunSchema<S extends AnyStep>(step: S) {
	const debug = (step.debug ?? z.unknown()).optional().describe('Present when the request asked for debug');
	return z.object({
		output: step.output as S['output'],
		debug: debug as z.ZodOptional<NonNullable<S['debug']>>,
		durationMs: z.number()
	});
}

type StepRequest = z.output<ReturnType<typeof stepRequestSchema<AnyStep>>>;

function stepProcedure<S extends AnyStep>(step: S, runner: PipelineRunner) {
	return directProcedure({
		meta: {
			openapi: {
				method: 'POST',
				path: `/steps/${step.name}`,
				operationId: stepOperationId(step.name),
				tags: ['steps'],
				errorResponses: RUN_ERRORS,
				summary: `Run step "${step.name}" alone`,
				description: step.description
			}
		},
		input: stepRequestSchema(step),
		output: stepRunSchema(step),
		// Typed by the schemas, validated at run time: see createPipelineRouter.
		resolve: ({ input }) => {
			const request = input as StepRequest;
			// A step failing on valid input is the input's problem (422); a step breaking its own contract is a
			// bug (500), and one whose models did not load the server's (503): see runStepForCaller.
			return runner.runStep(step, request.input, { debug: request.debug }) as never;
		}
	});
}

export type StepProcedures<P extends AnyPipeline> = {
	[Name in keyof PipelineSteps<P>]: ReturnType<typeof stepProcedure<Extract<PipelineSteps<P>[Name], AnyStep>>>;
};

/** One procedure per step of the pipeline, keyed by step name; `runner` runs those given much text (see PipelineRunner). */
export function createStepsRouter<P extends AnyPipeline>(pipeline: P, runner: PipelineRunner) {
	const procedures = Object.fromEntries(pipeline.steps.map((step) => [step.name, stepProcedure(step, runner)]));
	return router(procedures as unknown as StepProcedures<P>);
}
