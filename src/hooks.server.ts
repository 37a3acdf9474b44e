import { type Handle, type ServerInit, text } from '@sveltejs/kit';
import { getApp } from '$server/app';
import { isCrossSiteFormSubmission } from '$server/http/csrf';
import { publishNodeFastPath } from '$server/http/node-fast-path';
import { settleUnreadBody } from '$server/http/unread-body';
import { warmUp } from '$server/models';

/**
 * Fails start-up on a bad environment or unknown pipeline, says once whether the API is open, starts
 * loading models (and the pipeline's worker threads), and hands server/serve.js the fast path for REST calls, built on this same app.
 */
export const init: ServerInit = () => {
	const app = getApp();
	const { config, pipeline } = app;
	console.log(
		`[convince] serving pipeline "${pipeline.name}" ${pipeline.version}; REST at /api/v1, tRPC at /api/trpc, docs at /docs`
	);
	if (!config.apiKey)
		console.warn('[convince] CONVINCE_API_KEY is not set: the API is open to anyone who can reach it (fine for local use)');
	// Not awaited: the server answers at once and /api/v1/health reports when the models are ready.
	void warmUp(pipeline);
	publishNodeFastPath(app);
	// server/serve.js emits it once the requests in flight are answered: the pipeline's workers stop with the server.
	process.once('sveltekit:shutdown', () => void app.close());
};

export const handle: Handle = async ({ event, resolve }) => {
	const response = isCrossSiteFormSubmission(event.request, event.url)
		? text(`Cross-site ${event.request.method} form submissions are forbidden`, { status: 403 })
		: await resolve(event);
	return settleUnreadBody(event.request, response, getApp().config.maxBodyBytes);
};
