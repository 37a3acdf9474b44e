import type { App } from '../app';

/**
 * What a server with an API key serves without a sign-in: the API (which checks its bearer key
 * itself), the API docs, and the sign-in page.
 */
const OPEN_PATH = /^\/(api|docs|signin)(\/|$)/;

/** Whether a request for `pathname` must come from a signed-in reviewer (never on an open server). */
export function needsSignIn(app: App, pathname: string, sessionToken: string | undefined): boolean {
	return app.sessions !== undefined && !OPEN_PATH.test(pathname) && !app.sessions.isValid(sessionToken);
}

/** Where a sign-in returns to: a path on this site only; `//host` and `/\host` lead browsers elsewhere. */
export function localPath(next: string | null | undefined): string {
	return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** The sign-in page, returning to `url` (with its query for a page, without the action for a form). */
export function signInPath(url: URL, method: string): string {
	const back = method === 'GET' || method === 'HEAD' ? url.pathname + url.search : url.pathname;
	return `/signin?next=${encodeURIComponent(back)}`;
}
