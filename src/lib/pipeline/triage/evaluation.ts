import type { Evaluation, Metrics } from '../kit';
import type { TriageLabel } from './schemas';

/** The part of the triage output that evaluation reads. */
export interface Judged {
	spam: boolean;
	/** The queue the mail went to: null unless the decision routed it. */
	queue: string | null;
	/** The route step's proposal, whatever the decision did with it. */
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
	/** The route step's proposal. */
	queuePredicted: string;
	/** Where the mail went: null when the decision routed it nowhere (review, quarantine, general inbox). */
	queueFinal: string | null;
	queueExpected: string | null;
}

/** Right when the spam decision is, and a ham mail of a known queue ended in that queue. */
export function scoreTriage(output: Judged, label: TriageLabel): TriageScore {
	const cell = output.spam ? (label.spam ? 'tp' : 'fp') : label.spam ? 'fn' : 'tn';
	const queueOk = label.queue === null || output.queue === label.queue;
	return {
		correct: output.spam === label.spam && (label.spam || queueOk),
		spam: cell,
		spamPredicted: output.spam,
		spamExpected: label.spam,
		queuePredicted: output.route.queue,
		queueFinal: output.queue,
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

	// Routing is judged on ham with a known queue: the route step's proposal (the model), and where the
	// mails went (what flags such as minRouteConfidence trade: a wrong queue against none).
	const routed = scores.filter((s) => !s.spamExpected && s.queueExpected !== null);
	const share = (where: (s: TriageScore) => boolean) => ratio(routed.filter(where).length, routed.length);
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
		'route.accuracy': share((s) => s.queuePredicted === s.queueExpected),
		'route.macroF1': ratio(
			queueF1s.reduce((a, b) => a + b, 0),
			queueF1s.length
		),
		...perQueue,
		'route.inQueue': share((s) => s.queueFinal === s.queueExpected),
		'route.misrouted': share((s) => s.queueFinal !== null && s.queueFinal !== s.queueExpected),
		'route.unrouted': share((s) => s.queueFinal === null)
	};
}

export const triageEvaluation: Evaluation<Judged, TriageLabel, TriageScore> = {
	score: scoreTriage,
	aggregate: aggregateTriage,
	primaryMetric: 'spam.f1',
	metrics: {
		items: {
			description:
				'Items scored: the labelled items the pipeline did not fail on (see errorRate); items without a label are not scored',
			higherIsBetter: null
		},
		accuracy: {
			description:
				'Of the items scored (failed ones are in errorRate), the share fully right: the spam decision, and for ham of a known queue, ending in that queue',
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
		'spam.tp': { description: 'Spam caught', higherIsBetter: true, count: true },
		'spam.fp': { description: 'Ham called spam (false positives)', higherIsBetter: false, count: true },
		'spam.fn': { description: 'Spam let through (false negatives)', higherIsBetter: false, count: true },
		'spam.tn': { description: 'Ham let through', higherIsBetter: true, count: true },
		'route.items': { description: 'Ham mails with a known queue', higherIsBetter: null },
		'route.accuracy': {
			description:
				"Of ham mails with a known queue, the share the route step proposed their queue for (the model's, before the decision)",
			higherIsBetter: true
		},
		'route.macroF1': { description: "Mean over queues of the route step's F1 (its proposals)", higherIsBetter: true },
		'route.f1.*': { description: "The route step's F1 on one queue (its proposals)", higherIsBetter: true },
		'route.inQueue': {
			description: 'Of ham mails with a known queue, the share that ended in it: routed there by the decision',
			higherIsBetter: true
		},
		'route.misrouted': {
			description: 'Of ham mails with a known queue, the share routed to another queue',
			higherIsBetter: false
		},
		'route.unrouted': {
			description: 'Of ham mails with a known queue, the share routed to no queue (general inbox, review or quarantine)',
			higherIsBetter: false
		}
	}
};
