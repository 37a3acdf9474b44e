import type { Evaluation, Metrics } from '../kit';
import type { TriageLabel } from './schemas';

/** The part of the triage output that evaluation reads. */
export interface Judged {
	spam: boolean;
	route: { queue: string };
}

export interface TriageScore {
	[key: string]: string | number | boolean | null;
	correct: boolean;
	/**
	 * Spam confusion cell (spam is the positive class): drives the false positive / false negative
	 * filters of batch runs, and the confusion matrix named after this field.
	 */
	spam: 'tp' | 'fp' | 'fn' | 'tn';
	spamPredicted: boolean;
	spamExpected: boolean;
	queuePredicted: string;
	queueExpected: string | null;
}

export function scoreTriage(output: Judged, label: TriageLabel): TriageScore {
	const cell = output.spam ? (label.spam ? 'tp' : 'fp') : label.spam ? 'fn' : 'tn';
	const queueOk = label.queue === null || output.route.queue === label.queue;
	return {
		correct: output.spam === label.spam && (label.spam || queueOk),
		spam: cell,
		spamPredicted: output.spam,
		spamExpected: label.spam,
		queuePredicted: output.route.queue,
		queueExpected: label.queue
	};
}

const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);
const f1 = (tp: number, fp: number, fn: number) => ratio(2 * tp, 2 * tp + fp + fn);

export function aggregateTriage(scores: TriageScore[]): Metrics {
	const cells = { tp: 0, fp: 0, fn: 0, tn: 0 };
	for (const s of scores) cells[s.spam]++;
	const precision = ratio(cells.tp, cells.tp + cells.fp);
	const recall = ratio(cells.tp, cells.tp + cells.fn);

	// Routing is judged on ham with a known queue, from the route step's own proposal.
	const routed = scores.filter((s) => !s.spamExpected && s.queueExpected !== null);
	const queues = [...new Set(routed.map((s) => s.queueExpected as string))].sort();
	const perQueue: Metrics = {};
	for (const q of queues) {
		const tp = routed.filter((s) => s.queueExpected === q && s.queuePredicted === q).length;
		const fp = routed.filter((s) => s.queueExpected !== q && s.queuePredicted === q).length;
		const fn = routed.filter((s) => s.queueExpected === q && s.queuePredicted !== q).length;
		perQueue[`route.f1.${q}`] = f1(tp, fp, fn);
	}
	const queueF1s = Object.values(perQueue);

	return {
		items: scores.length,
		accuracy: ratio(scores.filter((s) => s.correct).length, scores.length),
		'spam.precision': precision,
		'spam.recall': recall,
		'spam.f1': f1(cells.tp, cells.fp, cells.fn),
		'spam.accuracy': ratio(cells.tp + cells.tn, scores.length),
		'spam.tp': cells.tp,
		'spam.fp': cells.fp,
		'spam.fn': cells.fn,
		'spam.tn': cells.tn,
		'route.items': routed.length,
		'route.accuracy': ratio(routed.filter((s) => s.queuePredicted === s.queueExpected).length, routed.length),
		'route.macroF1': ratio(
			queueF1s.reduce((a, b) => a + b, 0),
			queueF1s.length
		),
		...perQueue
	};
}

export const triageEvaluation: Evaluation<Judged, TriageLabel, TriageScore> = {
	score: scoreTriage,
	aggregate: aggregateTriage,
	primaryMetric: 'spam.f1',
	metrics: {
		items: { description: 'Items scored: the items the pipeline did not fail on (see errorRate)', higherIsBetter: null },
		accuracy: {
			description: 'Of the items scored (failed ones are in errorRate), the share fully right: spam decision, and queue for ham',
			higherIsBetter: true
		},
		'spam.precision': {
			description: 'Of the mails called spam, the share that were spam (0 when none was called spam)',
			higherIsBetter: true
		},
		'spam.recall': { description: 'Of the spam, the share caught (0 when the items hold no spam)', higherIsBetter: true },
		'spam.f1': {
			description: 'Harmonic mean of spam precision and recall (0 when no spam was there or called)',
			higherIsBetter: true
		},
		'spam.accuracy': { description: 'Share of spam/ham decisions that were right', higherIsBetter: true },
		'spam.tp': { description: 'Spam caught', higherIsBetter: true },
		'spam.fp': { description: 'Ham called spam (false positives)', higherIsBetter: false },
		'spam.fn': { description: 'Spam let through (false negatives)', higherIsBetter: false },
		'spam.tn': { description: 'Ham let through', higherIsBetter: true },
		'route.items': { description: 'Ham mails with a known queue', higherIsBetter: null },
		'route.accuracy': { description: 'Share of ham mails routed to their queue', higherIsBetter: true },
		'route.macroF1': { description: 'Mean over queues of the routing F1', higherIsBetter: true },
		'route.f1.*': { description: 'Routing F1 of one queue', higherIsBetter: true }
	}
};
