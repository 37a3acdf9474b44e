import type { App } from '../app';

/** The API's paths: it checks its own bearer key, and never reads a cookie. */
export function isApiPath(pathname: string): boolean {
	return pathname === '/api' || pathname.startsWith('/api/');
}

/** What a server with an API key serves without a sign-in besides the API: its docs, and the sign-in page. */
const OPEN_PAGE = /^\/(docs|signin)(\/|$)/;

/** Whether a request for `pathname` must come from a signed-in reviewer (never on an open server). */
export function needsSignIn(app: App, pathname: string, signedIn: boolean): boolean {
	return app.sessions !== undefined && !signedIn && !isApiPath(pathname) && !OPEN_PAGE.test(pathname);
}

/**
 * Where a sign-in returns to: a path on this site only. Resolved as browsers resolve a Location, which
 * drop tabs and line breaks, so neither "//host" nor "/\t/host" leads elsewhere; and the resolved path
 * checked again, since removing dot segments can leave one that names another host ("/.//host").
 */
export function localPath(next: string | null | undefined, site: URL): string {
	if (!next?.startsWith('/')) return '/';
	const target = new URL(next, site);
	const path = target.pathname + target.search + target.hash;
	return target.origin === site.origin && new URL(path, site).origin === site.origin ? path : '/';
}

/** A file's path (its last segment has an extension, as `/runs/3/items.csv`) and the page above it. */
const FILE_PATH = /^(.*)\/[^/]+\.\w+$/;

/**
 * The sign-in page, returning to `url` (with its query for a page, without the action for a form). A
 * file returns to the page above it: a download never replaces the page, so the browser would save the
 * file and stay on the sign-in form, signed in with nothing to say so.
 */
export function signInPath(url: URL, method: string): string {
	const file = FILE_PATH.exec(url.pathname);
	const back = file ? file[1] || '/' : method === 'GET' || method === 'HEAD' ? url.pathname + url.search : url.pathname;
	return `/signin?next=${encodeURIComponent(back)}`;
}

/** The session cookie's attributes, the same for setting and deleting it (a deletion a browser refuses ends nothing). */
export function sessionCookieOptions(url: URL) {
	// Secure wherever the site is served over HTTPS; a Secure cookie sent over plain HTTP is dropped.
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' } as const;
}
