import type { AnyPipeline } from '../../src/lib/pipeline';
import type { DefaultPipeline } from '../default-pipeline';
import { type PipelineRunner, createPipelineRunner } from '../pipeline-pool/runner';
import { router } from '../trpc';
import { HEALTH_PROCEDURE, createHealthProcedure } from './health';
import { inputsRouter } from './inputs';
import { createPipelineRouter } from './pipeline';
import { runsRouter } from './runs';
import { samplesRouter } from './samples';
import { createStepsRouter } from './steps';

/** The whole API for one pipeline; every procedure derives from the pipeline's schemas and steps. */
export function createAppRouter<P extends AnyPipeline>(pipeline: P, runner: PipelineRunner<P> = createPipelineRunner(pipeline)) {
	return router({
		pipeline: createPipelineRouter(pipeline, runner),
		steps: createStepsRouter(pipeline, runner),
		[HEALTH_PROCEDURE]: createHealthProcedure(pipeline, runner),
		runs: runsRouter,
		samples: samplesRouter,
		inputs: inputsRouter
	});
}

/** Types describe the default pipeline; a server started with another `CONVINCE_PIPELINE` serves that one's shapes. */
export type AppRouter = ReturnType<typeof createAppRouter<DefaultPipeline>>;
