import type { Db } from '../../db/client';
import { type ChangeKind, changeCounts, changedItems } from '../../db/queries/items';
import type { Run } from '../../db/schema';
import { BUSY_MACHINE_CORES, describeMetric } from './metrics';
import { registeredPipeline } from '../pipeline';
import { trainingDataCaveat } from './dataset';

export interface MetricDelta {
	name: string;
	a: number | null;
	b: number | null;
	/** b - a; null when either run lacks the metric. */
	delta: number | null;
	higherIsBetter: boolean | null;
	description: string | null;
	verdict: 'better' | 'worse' | 'same' | 'incomparable';
	/** Why the metric is incomparable here though it could compare: the runs do not measure it alike. */
	reason?: string;
}

export interface FlagDifference {
	name: string;
	a: unknown;
	b: unknown;
}

/** Why no metric of this kind compares between the runs, if none does. */
function incomparableBecause(a: Run, b: Run, sameItems: boolean) {
	const busy = [a, b].filter((run) => (run.metrics?.['load.others'] ?? 0) > BUSY_MACHINE_CORES);
	return {
		all: a.pipeline === b.pipeline ? undefined : `pipelines "${a.pipeline}" and "${b.pipeline}"`,
		counts: sameItems ? undefined : 'a count over other items',
		timings: busy.length
			? `other processes kept ${busy.map((run) => `${(run.metrics?.['load.others'] ?? 0).toFixed(2)} cores busy during run ${run.id}`).join(' and ')}`
			: undefined
	};
}

/**
 * Each metric's values and verdict. Runs of two pipelines share metric names, not their meanings: every
 * metric is incomparable. A count of items compares only over the same items, a timing only between
 * runs on a quiet machine.
 */
function metricDeltas(a: Run, b: Run, sameItems: boolean): MetricDelta[] {
	const because = incomparableBecause(a, b, sameItems);
	const pipeline = registeredPipeline(b.pipeline) ?? registeredPipeline(a.pipeline);
	const names = [...new Set([...Object.keys(a.metrics ?? {}), ...Object.keys(b.metrics ?? {})])];
	return names.map((name) => {
		const before = a.metrics?.[name] ?? null;
		const after = b.metrics?.[name] ?? null;
		const info = describeMetric(pipeline, name);
		const delta = before === null || after === null ? null : after - before;
		const higherIsBetter = info?.higherIsBetter ?? null;
		const { relative = 0, absolute = 0 } = info?.noise ?? {};
		const withinNoise = delta !== null && (Math.abs(delta) <= absolute || Math.abs(delta) <= relative * Math.abs(before ?? 0));
		const reason = because.all ?? (info?.count ? because.counts : info?.timing ? because.timings : undefined);
		// A count of items scored has no better direction: a change only says the runs covered other items.
		const verdict = reason
			? 'incomparable'
			: delta === 0 || withinNoise
				? 'same'
				: delta === null || higherIsBetter === null
					? 'incomparable'
					: delta > 0 === higherIsBetter
						? 'better'
						: 'worse';
		const description = info?.description ?? null;
		return { name, a: before, b: after, delta, higherIsBetter, description, verdict, ...(reason && { reason }) };
	});
}

function flagDifferences(a: Run, b: Run): FlagDifference[] {
	const names = [...new Set([...Object.keys(a.flags), ...Object.keys(b.flags)])].sort();
	return names
		.filter((name) => JSON.stringify(a.flags[name]) !== JSON.stringify(b.flags[name]))
		.map((name) => ({ name, a: a.flags[name], b: b.flags[name] }));
}

/** What may explain differences besides flags: other code, another pipeline version, another dataset. */
function provenance(a: Run, b: Run) {
	return {
		sameCommit: a.gitCommit === b.gitCommit && a.gitCommit !== 'unknown',
		eitherDirty: Boolean(a.gitDirty || b.gitDirty),
		samePipeline: a.pipeline === b.pipeline && a.pipelineVersion === b.pipelineVersion,
		sameContent: a.datasetHash === b.datasetHash,
		// The same file under a --limit below its length covers other items.
		sameDataset: a.datasetHash === b.datasetHash && a.itemsTotal === b.itemsTotal
	};
}

export interface ComparePage {
	kind?: ChangeKind;
	offset: number;
	limit: number;
}

/** Compares run B against baseline A at query time, joining their items on item id. */
export function compareRuns(db: Db, a: Run, b: Run, page: ComparePage) {
	const sameRuns = provenance(a, b);
	return {
		a,
		b,
		provenance: sameRuns,
		datasetCaveats: {
			a: trainingDataCaveat(registeredPipeline(a.pipeline), a),
			b: trainingDataCaveat(registeredPipeline(b.pipeline), b)
		},
		flags: flagDifferences(a, b),
		metrics: metricDeltas(a, b, sameRuns.sameDataset),
		counts: changeCounts(db, a.id, b.id),
		changes: changedItems(db, a.id, b.id, page)
	};
}
export type Comparison = ReturnType<typeof compareRuns>;

export interface RegressionGate {
	metric: string;
	/**
	 * The largest drop (a rise, for lower-is-better metrics) that still passes. Absent: the metric's
	 * run-to-run noise, as its verdict has it (none for quality metrics), so a gate never fails on a
	 * change the comparison calls "same".
	 */
	tolerance?: number;
}

/** `spam.f1` or `spam.f1:0.01`. */
export function parseRegressionGate(text: string): RegressionGate {
	const at = text.lastIndexOf(':');
	if (at <= 0) return { metric: text };
	const metric = text.slice(0, at);
	const toleranceText = text.slice(at + 1);
	const tolerance = toleranceText.trim() ? Number(toleranceText) : NaN;
	if (!Number.isFinite(tolerance) || tolerance < 0)
		throw new RangeError(`expected <metric>[:tolerance] with tolerance >= 0, got "${text}"`);
	return { metric, tolerance };
}

/** A failure message when B is worse than A on the gated metric by more than the tolerance, else null. */
export function checkRegression(comparison: Comparison, gate: RegressionGate): string | null {
	const delta = comparison.metrics.find((metric) => metric.name === gate.metric);
	if (!delta || delta.delta === null) return `metric "${gate.metric}" is not in both runs`;
	if (delta.reason) return `${gate.metric} does not compare between these runs (${delta.reason})`;
	const drop = delta.higherIsBetter === false ? delta.delta : -delta.delta;
	const passes = gate.tolerance === undefined ? delta.verdict !== 'worse' : drop <= gate.tolerance;
	if (passes) return null;
	const allowed =
		gate.tolerance === undefined ? 'no tolerance given: worse as the comparison reads it' : `tolerance ${gate.tolerance}`;
	return `${gate.metric} regressed from ${delta.a} to ${delta.b} (worse by ${drop.toPrecision(3)}, ${allowed})`;
}

/** Top-level fields of two outputs whose values differ, to point at what changed in a long output. */
export function differingFields(a: unknown, b: unknown): string[] {
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return [];
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...keys].filter(
		(key) => JSON.stringify((a as Record<string, unknown>)[key]) !== JSON.stringify((b as Record<string, unknown>)[key])
	);
}
