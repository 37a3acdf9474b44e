import { notFoundResponse } from '$server/http/responses';
import type { RequestHandler } from './$types';

/** Any /api path no other route claims: a JSON 404 rather than the HTML error page. */
export const fallback: RequestHandler = ({ url }) => notFoundResponse(url.pathname);
