/** Significant digits kept for fractional numbers: plenty for model weights, and identical on every run. */
const DIGITS = 7;

/**
 * JSON with object keys sorted and fractions rounded, so that the same model always gives the same
 * bytes (artifacts are compared and cached by content). Builds a list of pieces: models hold millions of numbers.
 */
export function stableStringify(value: unknown): string {
	const pieces: string[] = [];
	write(value, pieces);
	return pieces.join('');
}

function write(value: unknown, pieces: string[]): void {
	if (value === null || value === undefined) {
		pieces.push('null');
	} else if (typeof value === 'number') {
		pieces.push(
			Number.isInteger(value) ? String(value) : Number.isFinite(value) ? String(Number(value.toPrecision(DIGITS))) : 'null'
		);
	} else if (typeof value === 'string' || typeof value === 'boolean') {
		pieces.push(JSON.stringify(value));
	} else if (Array.isArray(value)) {
		pieces.push('[');
		value.forEach((item, i) => {
			if (i) pieces.push(',');
			write(item, pieces);
		});
		pieces.push(']');
	} else if (typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		pieces.push('{');
		entries.forEach(([key, item], i) => {
			pieces.push(i ? ',' : '', JSON.stringify(key), ':');
			write(item, pieces);
		});
		pieces.push('}');
	} else {
		throw new Error(`Cannot store a ${typeof value} in a model file`);
	}
}
