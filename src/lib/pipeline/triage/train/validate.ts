import { createHash } from 'node:crypto';
import type { Metrics } from '../../kit';
import { aggregateTriage, scoreTriage } from '../evaluation';
import { SPAM_CLASS, routeFeatures, spamFeatures } from '../features';
import type { TrainingMail } from './dataset';
import { trainRoute, trainSpamBayes, trainSpamLogistic } from './models';
import type { Settings } from './settings';
import { type NaiveBayesModel, softmax } from '../models/bayes';

/** About a fifth of the train split, fixed by the mail id: settings are picked here, never on the test split. */
export function isValidation(id: string): boolean {
	return /^[0-2]/.test(createHash('md5').update(id).digest('hex'));
}

/** Temperatures the router's calibration is tried at: powers of √2 from 1 to 32. */
const TEMPERATURES = Array.from({ length: 11 }, (_, i) => 2 ** (i / 2));

/**
 * The router's mean log loss of the true queue over held-out ham, at its own temperature and at the
 * best one on a grid: what `settings.route.temperature` is picked from.
 */
function routeCalibration(router: NaiveBayesModel, held: TrainingMail[], temperature: number) {
	const cases = held
		.filter(({ label }) => !label.spam && label.queue !== null && router.classes.includes(label.queue))
		.map(({ mail, label }) => ({
			scores: router.logPosteriors(routeFeatures({ subject: mail.cleanSubject, body: mail.body })),
			truth: router.classes.indexOf(label.queue as string)
		}));
	const logLoss = (t: number) =>
		cases.reduce((sum, { scores, truth }) => sum - Math.log(Math.max(softmax(scores, t)[truth], 1e-12)), 0) / cases.length;
	const [best, bestLoss] = TEMPERATURES.map((t) => [t, logLoss(t)]).reduce((a, b) => (b[1] < a[1] ? b : a));
	return { 'route.logLoss': logLoss(temperature), 'route.bestTemperature': best, 'route.bestLogLoss': bestLoss };
}

/**
 * Trains on the train split minus the validation slice and scores each spam model (with the router) on
 * the slice, and the router's calibration.
 */
export function validate(mails: TrainingMail[], settings: Settings): Record<'logistic' | 'bayes' | 'calibration', Metrics> {
	const fit = mails.filter((m) => !isValidation(m.id));
	const held = mails.filter((m) => isValidation(m.id));
	const logistic = trainSpamLogistic(fit, settings);
	const bayes = trainSpamBayes(fit, settings);
	const router = trainRoute(fit, settings);
	const spamIndex = bayes.classes.indexOf(SPAM_CLASS);

	const queues = held.map(({ mail }) => {
		const probabilities = router.probabilities(routeFeatures({ subject: mail.cleanSubject, body: mail.body }));
		return router.classes[probabilities.indexOf(Math.max(...probabilities))];
	});
	const score = (isSpam: (mail: TrainingMail) => boolean) =>
		// No decision step here: ham goes to the proposed queue, whatever its confidence.
		aggregateTriage(
			held.map((m, i) =>
				scoreTriage({ spam: isSpam(m), queue: isSpam(m) ? null : queues[i], route: { queue: queues[i] } }, m.label)
			)
		);
	return {
		logistic: score(({ mail }) => logistic.predict(spamFeatures(mail)) >= 0.5),
		bayes: score(({ mail }) => bayes.probabilities(spamFeatures(mail))[spamIndex] >= 0.5),
		calibration: routeCalibration(router, held, settings.route.temperature)
	};
}
