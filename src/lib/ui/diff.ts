import type { TraceEntry } from '../pipeline/kit/trace';

/** Which steps of two runs of the same input came out differently, for the compare page. */

/** JSON with object keys sorted, so equal values compare equal whatever order their keys were built in. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		typeof v === 'object' && v !== null && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: v
	);
}

/** What a step produced, as far as the comparison goes: its status and its output or error. */
function outcome(entry: TraceEntry | undefined): string {
	if (!entry) return 'not run';
	if (entry.status === 'ok') return canonicalJson({ ok: entry.output });
	if (entry.status === 'error') return canonicalJson({ error: entry.error.message });
	return 'skipped';
}

export interface StepComparison {
	step: string;
	a?: TraceEntry;
	b?: TraceEntry;
	differs: boolean;
}

export function compareTraces(
	steps: string[],
	a: TraceEntry[],
	b: TraceEntry[]
): { steps: StepComparison[]; firstDifference?: string } {
	const compared = steps.map((step) => {
		const entryA = a.find((e) => e.step === step);
		const entryB = b.find((e) => e.step === step);
		return { step, a: entryA, b: entryB, differs: outcome(entryA) !== outcome(entryB) };
	});
	return { steps: compared, firstDifference: compared.find((c) => c.differs)?.step };
}
