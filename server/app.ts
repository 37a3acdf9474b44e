import type { AnyPipeline } from '../src/lib/pipeline';
import { createKeyCheck, createSessions } from './auth';
import { type ServerConfig, readConfig } from './config';
import { createContextInner } from './context';
import { coerceQueryInputs } from './http/operations';
import { createOpenApiDocument } from './openapi';
import { selectPipeline } from './pipeline';
import { createPipelineRunner } from './pipeline-pool/runner';
import { type AppRouter, createAppRouter } from './routers/_app';
import { createCallerFactory } from './trpc';

/** Everything a server process serves, built once from its configuration (tests may pass their own pipeline). */
export function createApp(config: ServerConfig, pipeline: AnyPipeline = selectPipeline(config.pipelineName)) {
	const runner = createPipelineRunner(pipeline, config);
	const router = createAppRouter(pipeline, runner);
	coerceQueryInputs({ router });
	const isAuthorized = createKeyCheck(config.apiKey);
	/** The context of an HTTP request with this Authorization header: authorized only with the API key, when one is configured. */
	const contextForAuthorization = (authorization: string | null) =>
		createContextInner({ pipeline, authorized: isAuthorized(authorization) });
	return {
		config,
		pipeline,
		router,
		openApiDocument: createOpenApiDocument(router, pipeline),
		contextForAuthorization,
		contextFor: (request: Request) => contextForAuthorization(request.headers.get('authorization')),
		/** Page sign-ins, when an API key closes the server; absent on an open server. */
		sessions: config.apiKey === undefined ? undefined : createSessions(config.apiKey),
		/** Stops what the app started besides requests (the pipeline's worker threads). */
		close: () => runner.close()
	};
}
export type App = ReturnType<typeof createApp>;

let app: App | undefined;

/** The process-wide app, configured from the environment on first use. */
export function getApp(): App {
	app ??= createApp(readConfig());
	return app;
}

/**
 * Calls procedures in-process for trusted server code (page loads, scripts): no HTTP hop and no API
 * key. Never hand it to the browser. Typed for the default pipeline, like `AppRouter`.
 */
export function createServerCaller() {
	const { router, pipeline } = getApp();
	return createCallerFactory(router as unknown as AppRouter)(createContextInner({ pipeline, authorized: true }));
}
