import type { z } from 'zod';
import { formatIssues, issuesFromZod } from './errors';

/**
 * An author's mistake in a step or pipeline definition, thrown when the module defining it loads (at
 * start-up, in tests, in `vite dev`), instead of surfacing as a blank page or a refused request later.
 */
export class DefinitionError extends Error {
	override readonly name = 'DefinitionError';
}

/** Names become URL paths, REST operations and procedure keys: letters and digits, lower camelCase. */
const STEP_NAME = /^[a-z][A-Za-z0-9]*$/;
/** Names tRPC refuses for procedures. */
const ROUTER_RESERVED = new Set(['then', 'call', 'apply']);

export function checkStepName(name: string): void {
	if (!STEP_NAME.test(name) || name in Object.prototype || ROUTER_RESERVED.has(name))
		throw new DefinitionError(
			`Step name ${JSON.stringify(name)} is not allowed: use lower camelCase letters and digits (it names a URL path, a REST operation and a procedure)`
		);
}

/** Examples are served as documentation and form presets: each must be a valid value. */
export function checkExamples(owner: string, kind: string, schema: z.ZodType, examples: readonly unknown[] = []): void {
	examples.forEach((example, index) => {
		const parsed = schema.safeParse(example);
		if (!parsed.success)
			throw new DefinitionError(
				`${owner}: example ${index + 1} is not a valid ${kind}: ${formatIssues(issuesFromZod(parsed.error))}`
			);
	});
}

export function checkUniqueStepNames(pipeline: string, steps: readonly { name: string }[]): void {
	const seen = new Set<string>();
	for (const { name } of steps) {
		if (seen.has(name))
			throw new DefinitionError(`Pipeline "${pipeline}": two steps are named "${name}"; step names must be unique`);
		seen.add(name);
	}
}

/** Callers, links and batch runs leave flags out: every flag needs a default. */
export function checkFlagDefaults(pipeline: string, flags: z.ZodType): void {
	const parsed = flags.safeParse({});
	if (parsed.success) return;
	const missing = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '(flags)')))];
	throw new DefinitionError(
		`Pipeline "${pipeline}": ${missing.length === 1 ? 'flag' : 'flags'} ${missing.map((name) => `"${name}"`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no default; add .default(...): callers, links and batch runs leave flags out`
	);
}
