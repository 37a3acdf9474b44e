import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks an `Authorization` header against the configured API key. Hashing both sides first gives
 * equal-length buffers, so the comparison time reveals neither the key nor its length.
 * Without a key every request is authorized (local use).
 */
export function createKeyCheck(apiKey: string | undefined): (authorization: string | null) => boolean {
	if (apiKey === undefined) return () => true;
	const expected = sha256(apiKey);
	return (authorization) => {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
		return timingSafeEqual(sha256(match?.[1] ?? ''), expected);
	};
}
