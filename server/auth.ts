import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Hashing both sides first gives equal-length buffers, so the comparison time reveals neither secret nor its length. */
const sameSecret = (given: string, expectedDigest: Buffer) => timingSafeEqual(sha256(given), expectedDigest);

/**
 * Checks an `Authorization` header against the configured API key, in constant time.
 * Without a key every request is authorized (local use).
 */
export function createKeyCheck(apiKey: string | undefined): (authorization: string | null) => boolean {
	if (apiKey === undefined) return () => true;
	const expected = sha256(apiKey);
	return (authorization) => {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
		return sameSecret(match?.[1] ?? '', expected);
	};
}

/** The cookie of a signed-in reviewer. */
export const SESSION_COOKIE = 'convince_session';
/** A sign-in lasts a working day. */
export const SESSION_SECONDS = 12 * 60 * 60;

export interface Sessions {
	/** A session token when `key` is the API key, else null. */
	signIn(key: string, now?: number): string | null;
	/** Whether a token is one signIn issued with this key, not yet expired. */
	isValid(token: string | undefined, now?: number): boolean;
}

/**
 * Page sign-ins on a server with an API key: a reviewer gives the key once, and the cookie then holds
 * an expiry signed with the key (HMAC), never the key itself. A new key ends every session.
 */
export function createSessions(apiKey: string): Sessions {
	const expectedKey = sha256(apiKey);
	const signature = (expires: string) => createHmac('sha256', apiKey).update(`convince-session:${expires}`).digest('base64url');
	return {
		signIn(key, now = Date.now()) {
			if (!sameSecret(key, expectedKey)) return null;
			const expires = String(Math.floor(now / 1000) + SESSION_SECONDS);
			return `${expires}.${signature(expires)}`;
		},
		isValid(token, now = Date.now()) {
			const match = /^(\d{1,12})\.([\w-]+)$/.exec(token ?? '');
			if (!match || Number(match[1]) * 1000 <= now) return false;
			return sameSecret(match[2], sha256(signature(match[1])));
		}
	};
}
