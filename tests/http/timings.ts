/** Timings differ from run to run; everything else in an answer must not. Zeroes `ms`, `durationMs`, `startMs`... */
export function withoutTimings(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutTimings);
	if (typeof value !== 'object' || value === null) return value;
	return Object.fromEntries(
		Object.entries(value).map(([key, field]) => [
			key,
			typeof field === 'number' && /^ms$|Ms$/.test(key) ? 0 : withoutTimings(field)
		])
	);
}
