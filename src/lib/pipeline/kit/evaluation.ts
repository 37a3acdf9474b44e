import { z } from 'zod';

/** How one output fared against its label. `correct` drives "right to wrong" in run comparisons. */
export const itemScoreSchema = z
	.object({ correct: z.boolean() })
	.catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type ItemScore = z.infer<typeof itemScoreSchema>;

/** Flat metric name -> value (e.g. `spam.f1`), so runs compare and gate on any metric by name. */
export const metricsSchema = z.record(z.string(), z.number());
export type Metrics = z.infer<typeof metricsSchema>;

export interface MetricInfo {
	description: string;
	/**
	 * False for error rates and latencies: a rise is the regression. Null for counts (items scored): more
	 * or fewer is neither better nor worse, it says the runs covered other items.
	 */
	higherIsBetter: boolean | null;
	/**
	 * A change within either bound reads "same" when two runs are compared: timings jitter with the
	 * machine's load from one run to the next. Regression gates name their own tolerance.
	 */
	noise?: { relative?: number; absolute?: number };
	/**
	 * True for counts of items (spam caught, say), not shares: they compare only between runs over the
	 * same items, where more caught is better; over other items (another dataset, a --limit) they do not.
	 */
	count?: boolean;
	/** True for timings: they compare only between runs on a machine other work left alone. */
	timing?: boolean;
}

export interface Evaluation<Output, Label, Score extends ItemScore = ItemScore> {
	score: (output: Output, label: Label) => Score;
	aggregate: (scores: Score[]) => Metrics;
	/** The metric a regression gate watches when none is named. */
	primaryMetric: string;
	/**
	 * Descriptions of the metrics `aggregate` returns. A `*` in a key stands for one part of a name or more,
	 * so a key describes a family: `route.f1.*` (one per class), `latency.*.p95` (one per step).
	 */
	metrics: Record<string, MetricInfo>;
}

/** Describes a metric name through the evaluation's table, matching family keys (`route.f1.*`) too. */
export function metricInfo(evaluation: Pick<Evaluation<unknown, unknown>, 'metrics'>, name: string): MetricInfo | undefined {
	if (evaluation.metrics[name]) return evaluation.metrics[name];
	const family = Object.keys(evaluation.metrics).find((key) => inFamily(key, name));
	return family ? evaluation.metrics[family] : undefined;
}

function inFamily(key: string, name: string): boolean {
	const star = key.indexOf('*');
	if (star < 0) return false;
	const [before, after] = [key.slice(0, star), key.slice(star + 1)];
	return name.length > before.length + after.length && name.startsWith(before) && name.endsWith(after);
}
