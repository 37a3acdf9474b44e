/** How numbers and times read on the pages. */

export function formatMs(ms: number): string {
	if (ms < 1) return `${ms.toFixed(2)} ms`;
	if (ms < 1000) return `${ms.toFixed(1)} ms`;
	return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * Integers as they are; fractions to three decimals, enough for scores and probabilities (0.5, 0.956),
 * but tiny ones to two significant digits: a spam probability of 0.00033 is not 0.
 */
export function formatNumber(n: number): string {
	if (Number.isInteger(n)) return String(n);
	return String(Number(Math.abs(n) < 0.001 ? n.toPrecision(2) : n.toFixed(3)));
}

export function formatScalar(value: unknown): string {
	if (value === null || value === undefined) return '—';
	if (typeof value === 'number') return formatNumber(value);
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	return typeof value === 'string' ? value : JSON.stringify(value);
}
