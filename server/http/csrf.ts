import { isApiPath } from './page-access';

const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * SvelteKit's own cross-site form check, kept for pages only (svelte.config.js turns Kit's global one
 * off). The API authenticates with a bearer key, never a cookie, so a cross-site form cannot act for
 * anyone there; and an API client posting form data must get 415 "send JSON", not 403.
 */
export function isCrossSiteFormSubmission(request: Request, url: URL): boolean {
	if (isApiPath(url.pathname)) return false;
	const contentType = request.headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() ?? '';
	return (
		UNSAFE_METHODS.has(request.method) && FORM_CONTENT_TYPES.includes(contentType) && request.headers.get('origin') !== url.origin
	);
}
