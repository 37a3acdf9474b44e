import { describe, expect, it } from 'vitest';
import { SESSION_SECONDS, createSessions } from '../../../server/auth';
import { localPath, signInPath } from '../../../server/http/page-access';

const KEY = 'the-api-key-0123456789';
const NOW = Date.UTC(2026, 10, 29, 8);

describe('page sessions', () => {
	const sessions = createSessions(KEY);

	it('signs in with the API key only, and the token never holds the key', () => {
		expect(sessions.signIn('wrong-key-0123456789', NOW)).toBeNull();
		expect(sessions.signIn('', NOW)).toBeNull();
		expect(sessions.signIn(`${KEY} `, NOW)).toBeNull();
		const token = sessions.signIn(KEY, NOW);
		expect(token).toMatch(/^\d+\.[\w-]+$/);
		expect(token).not.toContain(KEY);
		expect(sessions.isValid(token ?? undefined, NOW)).toBe(true);
	});

	it('ends sessions when they expire or the key changes, and refuses altered tokens', () => {
		const token = sessions.signIn(KEY, NOW) ?? '';
		expect(sessions.isValid(token, NOW + (SESSION_SECONDS - 1) * 1000)).toBe(true);
		expect(sessions.isValid(token, NOW + SESSION_SECONDS * 1000)).toBe(false);
		expect(createSessions(`${KEY}-new`).isValid(token, NOW)).toBe(false);
		const [expires, signature] = token.split('.');
		// A later expiry under the old signature, a changed signature, and shapes that are no token at all.
		for (const altered of [
			`${Number(expires) + 3600}.${signature}`,
			`${expires}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
			signature,
			`${token}.x`,
			'',
			undefined
		])
			expect(sessions.isValid(altered, NOW)).toBe(false);
	});
});

describe('sign-in paths', () => {
	it('returns only to paths on this site', () => {
		const site = new URL('http://localhost:3000/signin');
		expect(localPath('/runs?sort=name#top', site)).toBe('/runs?sort=name#top');
		// Browsers drop tabs and line breaks from a Location: "/\t/evil.example" would lead there.
		for (const elsewhere of [
			'//evil.example/x',
			'/\\evil.example',
			'/\t/evil.example',
			'/\n/evil.example',
			'/\r\n/evil.example',
			// Dot segments removed, these paths would read "//evil.example".
			'/.//evil.example',
			'/x/..//evil.example',
			'/a/%2e%2e//evil.example',
			'https://evil.example',
			'runs',
			'',
			null,
			undefined
		])
			expect(localPath(elsewhere, site), JSON.stringify(elsewhere)).toBe('/');
	});

	it('brings a page back with its query, a form back to its page', () => {
		const url = new URL('http://localhost/runs/3?filter=fp');
		expect(signInPath(url, 'GET')).toBe('/signin?next=%2Fruns%2F3%3Ffilter%3Dfp');
		expect(signInPath(new URL('http://localhost/?/run'), 'POST')).toBe('/signin?next=%2F');
	});

	it('brings a file back to the page above it, where the file is linked', () => {
		expect(signInPath(new URL('http://localhost/runs/3/items.csv'), 'GET')).toBe('/signin?next=%2Fruns%2F3');
		expect(signInPath(new URL('http://localhost/favicon.ico?v=2'), 'GET')).toBe('/signin?next=%2F');
		expect(signInPath(new URL('http://localhost/runs/3/report'), 'GET')).toBe('/signin?next=%2Fruns%2F3%2Freport');
	});
});
