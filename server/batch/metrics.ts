import type { ItemError } from '../../db/schema';
import {
	type AnyPipeline,
	type ItemScore,
	type MetricInfo,
	type Metrics,
	type StepTiming,
	metricInfo
} from '../../src/lib/pipeline';

/**
 * Changes within these read "same" when runs are compared. Runs of the same code on this kind of shared
 * machine differ by up to ~10% in their medians (a step's sub-millisecond ones by hundredths of a
 * millisecond), and by far more in their 95th percentiles, which the slowest 5% of items decide: JIT
 * warm-up, collections and the other worker. Three pairs of identical runs over the test split
 * (1,139 items, 2 workers) differed by up to 7.6% at p50, and up to 36% (0.16 ms) at a step's p95.
 */
const MEDIAN_NOISE = { relative: 0.1, absolute: 0.05 };
const TAIL_NOISE = { relative: 0.4, absolute: 0.1 };

const timing = (what: string, percentile: string, noise: MetricInfo['noise']): MetricInfo => ({
	description: `Milliseconds ${what} took per item, at the ${percentile} percentile`,
	higherIsBetter: false,
	noise,
	timing: true
});

/**
 * Other processes' load (in cores, on average) above which a run's timings say more about the machine
 * than about the code. On a quiet machine it reads about 0 (a CPU-bound process beside a 2-worker run
 * on 2 cores: 0.59).
 */
export const BUSY_MACHINE_CORES = 0.25;

/** Metrics every batch run gets, whatever the pipeline: its own evaluation's metrics come beside these. */
export const runnerMetrics: Record<string, MetricInfo> = {
	'latency.*.p50': timing('one step', '50th', MEDIAN_NOISE),
	'latency.*.p95': timing('one step', '95th', TAIL_NOISE),
	'duration.p50': timing('the whole pipeline', '50th', MEDIAN_NOISE),
	'duration.p95': timing('the whole pipeline', '95th', TAIL_NOISE),
	errorRate: { description: 'Share of items the pipeline failed on', higherIsBetter: false },
	'load.others': {
		description: `Cores other processes kept busy while the run ran, on average: above ${BUSY_MACHINE_CORES}, its timings do not compare`,
		higherIsBetter: null
	}
};

/** `load.others` of a run: unknown (absent) for runs begun before it was measured. */
export function machineLoadMetrics({ durationMs, othersCpuMs }: { durationMs: number; othersCpuMs: number | null }): Metrics {
	return othersCpuMs === null || durationMs <= 0 ? {} : { 'load.others': othersCpuMs / durationMs };
}

/** How to read a metric of a run: from the pipeline's evaluation, else from the runner's own. */
export function describeMetric(pipeline: AnyPipeline | undefined, name: string): MetricInfo | undefined {
	return (pipeline?.evaluation && metricInfo(pipeline.evaluation, name)) || metricInfo({ metrics: runnerMetrics }, name);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return 0;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** What the metrics read of a stored item: its score as stored JSON (parsed here), failure and times. */
interface StoredItem {
	score: string | null;
	error: ItemError | null;
	durationMs: number;
	timings: StepTiming[];
}

function latencies(name: string, values: number[]): Metrics {
	const sorted = values.sort((x, y) => x - y);
	return { [`${name}.p50`]: percentile(sorted, 50), [`${name}.p95`]: percentile(sorted, 95) };
}

/**
 * Collects a run's items one at a time, keeping only scores and numbers (100,000 items fit in a few
 * tens of MB), then gives the pipeline's aggregate over scored items plus error rate and latency
 * percentiles over all items.
 */
export function metricsCollector(pipeline: AnyPipeline) {
	const scores: ItemScore[] = [];
	const durations: number[] = [];
	const stepMs = new Map<string, number[]>();
	let failed = 0;
	return {
		add(item: StoredItem): void {
			if (item.score) scores.push(JSON.parse(item.score) as ItemScore);
			if (item.error) {
				failed++;
				return;
			}
			durations.push(item.durationMs);
			for (const timing of item.timings) {
				if (!stepMs.has(timing.step)) stepMs.set(timing.step, []);
				stepMs.get(timing.step)?.push(timing.ms);
			}
		},
		metrics(): Metrics {
			const count = durations.length + failed;
			const metrics: Metrics = {
				...(pipeline.evaluation && scores.length ? pipeline.evaluation.aggregate(scores) : {}),
				errorRate: count ? failed / count : 0,
				...latencies('duration', durations)
			};
			for (const [step, values] of stepMs) Object.assign(metrics, latencies(`latency.${step}`, values));
			return metrics;
		}
	};
}
