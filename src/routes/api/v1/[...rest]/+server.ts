import { getApp } from '$server/app';
import { createRestHandler } from '$server/http/rest';
import type { RequestHandler } from './$types';

let handleRest: ReturnType<typeof createRestHandler> | undefined;

// `/pipeline/` is `/pipeline` (the operations' paths allow the slash): a redirect would drop a POST's
// body for many clients, and answer without the API's JSON.
export const trailingSlash = 'ignore';

// Every method lands here, so the REST handler answers 404 and 405 in the API's error format.
export const fallback: RequestHandler = ({ request }) => {
	handleRest ??= createRestHandler(getApp());
	return handleRest(request);
};
