/**
 * LEB128 variable-length unsigned integers: 7 bits a byte, high bit set on all but the last byte.
 * Posting lists are mostly small numbers (document gaps, term counts), so most take one byte.
 */
export function encodeVarints(numbers: readonly number[]): Uint8Array {
	const bytes: number[] = [];
	for (let value of numbers) {
		if (!Number.isInteger(value) || value < 0) throw new Error(`Varints hold non-negative integers, not ${value}`);
		while (value >= 0x80) {
			bytes.push((value % 0x80) | 0x80);
			value = Math.floor(value / 0x80);
		}
		bytes.push(value);
	}
	return Uint8Array.from(bytes);
}

/** Position after `count` varints from `offset`. */
export function skipVarints(bytes: Uint8Array, offset: number, count: number): number {
	let position = offset;
	for (let i = 0; i < count; i++) {
		while (bytes[position] & 0x80) position++;
		position++;
	}
	return position;
}

/** Reads `into.length` varints from `offset` into `into`. */
export function readVarints(bytes: Uint8Array, offset: number, into: Int32Array): void {
	let position = offset;
	for (let i = 0; i < into.length; i++) {
		let value = 0;
		let scale = 1;
		let byte: number;
		do {
			byte = bytes[position++];
			value += (byte & 0x7f) * scale;
			scale *= 0x80;
		} while (byte & 0x80);
		into[i] = value;
	}
}
