import type { RunItemAsStored } from '../../db/queries/items';
import { type AnyPipeline, type ItemScore, type MetricInfo, type Metrics, metricInfo } from '../../src/lib/pipeline';

/** Metrics every batch run gets, whatever the pipeline: its own evaluation's metrics come beside these. */
export const runnerMetrics: Record<string, MetricInfo> = {
	'latency.*': {
		description: 'Milliseconds one step took per item, at the 50th (`.p50`) or 95th (`.p95`) percentile',
		higherIsBetter: false
	},
	'duration.*': {
		description: 'Milliseconds the whole pipeline took per item, at the 50th or 95th percentile',
		higherIsBetter: false
	},
	errorRate: { description: 'Share of items the pipeline failed on', higherIsBetter: false }
};

/** How to read a metric of a run: from the pipeline's evaluation, else from the runner's own. */
export function describeMetric(pipeline: AnyPipeline | undefined, name: string): MetricInfo | undefined {
	return (pipeline?.evaluation && metricInfo(pipeline.evaluation, name)) || metricInfo({ metrics: runnerMetrics }, name);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return 0;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function latencies(name: string, values: number[]): Metrics {
	const sorted = values.sort((x, y) => x - y);
	return { [`${name}.p50`]: percentile(sorted, 50), [`${name}.p95`]: percentile(sorted, 95) };
}

/**
 * A run's metrics, tallied item by item as the run's items are read back in dataset order (see
 * StoredItemsFollower): the pipeline's aggregate over scored items, plus error rate and latency
 * percentiles over all items. Only scores and numbers are kept: about 8 MB per 100,000 triage items.
 */
export class MetricsTally {
	private readonly scores: ItemScore[] = [];
	private readonly durations: number[] = [];
	private readonly stepMs = new Map<string, number[]>();
	private failed = 0;

	add(item: Pick<RunItemAsStored, 'score' | 'error' | 'durationMs' | 'timings'>): void {
		if (item.score !== null) this.scores.push(JSON.parse(item.score) as ItemScore);
		if (item.error) {
			this.failed++;
			return;
		}
		this.durations.push(item.durationMs);
		for (const timing of item.timings) {
			const values = this.stepMs.get(timing.step);
			if (values) values.push(timing.ms);
			else this.stepMs.set(timing.step, [timing.ms]);
		}
	}

	metrics(pipeline: AnyPipeline): Metrics {
		const count = this.durations.length + this.failed;
		const metrics: Metrics = {
			...(pipeline.evaluation && this.scores.length ? pipeline.evaluation.aggregate(this.scores) : {}),
			errorRate: count ? this.failed / count : 0,
			...latencies('duration', this.durations)
		};
		for (const [step, values] of this.stepMs) Object.assign(metrics, latencies(`latency.${step}`, values));
		return metrics;
	}
}
