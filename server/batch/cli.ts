/** Argument helpers shared by the batch, compare and seed commands. */

/** Bad command-line usage: printed with the usage text, exit code 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}

export function positiveInt(option: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const number = Number(value);
	if (!Number.isInteger(number) || number < 1) throw new UsageError(`${option} must be a positive integer, got "${value}"`);
	return number;
}

/** `key=value` pairs; a value is read as JSON when it parses (`true`, `3`, `"x"`), else as text. */
export function parseFlagArgs(pairs: string[] = []): Record<string, unknown> {
	const flags: Record<string, unknown> = {};
	for (const pair of pairs) {
		const at = pair.indexOf('=');
		if (at < 1) throw new UsageError(`--flag expects key=value, got "${pair}"`);
		const raw = pair.slice(at + 1);
		let value: unknown = raw;
		try {
			value = JSON.parse(raw);
		} catch {
			// Plain text, e.g. --flag engine=bm25.
		}
		const key = pair.slice(0, at);
		// The last would quietly win: a command line assembled by a script can hold a stale one.
		if (Object.hasOwn(flags, key)) throw new UsageError(`--flag ${key} is given twice`);
		flags[key] = value;
	}
	return flags;
}
