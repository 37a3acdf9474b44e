import { type Handle, type HandleServerError, type ServerInit, redirect, text } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getApp } from '$server/app';
import { SESSION_COOKIE } from '$server/auth';
import { openDatabaseAtStart } from '$server/config';
import { isCrossSiteFormSubmission } from '$server/http/csrf';
import { publishNodeFastPath } from '$server/http/node-fast-path';
import { needsSignIn, signInPath } from '$server/http/page-access';
import { dropUnreadBody, settleUnreadBody } from '$server/http/unread-body';
import { warmUp } from '$server/models';

/**
 * Fails start-up on a bad environment, an unknown pipeline or a database that cannot be opened, says once whether the API is open, starts
 * loading models (and the pipeline's worker threads), and hands server/serve.js the fast path for REST calls, built on this same app.
 */
export const init: ServerInit = () => {
	const app = getApp();
	const { config, pipeline } = app;
	openDatabaseAtStart();
	console.log(
		`[convince] serving pipeline "${pipeline.name}" ${pipeline.version}; REST at /api/v1, tRPC at /api/trpc, docs at /docs`
	);
	if (!config.apiKey)
		console.warn(
			'[convince] CONVINCE_API_KEY is not set: the API and the pages are open to anyone who can reach them (fine for local use)'
		);
	// Not awaited: the server answers at once and /api/v1/health reports when the models are ready.
	void warmUp(pipeline);
	publishNodeFastPath(app);
	// server/serve.js emits it once the requests in flight are answered: the pipeline's workers stop with the server.
	process.once('sveltekit:shutdown', () => void app.close());
};

export const handle: Handle = async ({ event, resolve }) => {
	const app = getApp();
	const { maxBodyBytes } = app.config;
	if (isCrossSiteFormSubmission(event.request, event.url)) {
		const forbidden = text(`Cross-site ${event.request.method} form submissions are forbidden`, { status: 403 });
		return settleUnreadBody(event.request, forbidden, maxBodyBytes);
	}
	event.locals.signedIn = app.sessions?.isValid(event.cookies.get(SESSION_COOKIE)) ?? false;
	// With an API key the pages are for signed-in reviewers only. Thrown, SvelteKit answers a page, a data
	// request and an enhanced form each with the redirect they understand.
	if (needsSignIn(app, event.url.pathname, event.locals.signedIn)) {
		const location = signInPath(event.url, event.request.method);
		// A body too large to drop: the connection closes after the answer, so nothing follows on it.
		if ((await dropUnreadBody(event.request, maxBodyBytes)) === 'too-large')
			return new Response(null, { status: 303, headers: { location, connection: 'close' } });
		redirect(303, location);
	}
	const response = await resolve(event);
	const status = event.locals.pageStatus;
	// Data requests keep their 200: the client reads the error from the data, as the page shows it.
	const answered =
		status && response.status === 200 && !event.isDataRequest
			? new Response(response.body, { status, headers: response.headers })
			: response;
	setSecurityHeaders(answered.headers);
	return settleUnreadBody(event.request, answered, maxBodyBytes);
};

/** Pages are never framed by another site (clickjacking), nor is a file's type guessed from its bytes. */
function setSecurityHeaders(headers: Headers): void {
	headers.set('x-content-type-options', 'nosniff');
	headers.set('x-frame-options', 'DENY');
	headers.set('referrer-policy', 'strict-origin-when-cross-origin');
}

/**
 * A page that failed unexpectedly: the log gets what went wrong underneath (a procedure's error says
 * only "Internal server error" to its callers), the page the generic message. A missing page is not
 * an error to log.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status !== 404) {
		const cause = error instanceof TRPCError && error.cause ? error.cause : error;
		console.error(`[convince] ${event.request.method} ${event.url.pathname} failed:`, cause);
	}
	return { message };
};
