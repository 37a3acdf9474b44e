import { createHash } from 'node:crypto';
import type { Metrics } from '../../kit';
import { aggregateTriage, scoreTriage } from '../evaluation';
import { SPAM_CLASS, routeFeatures, spamFeatures } from '../features';
import type { TrainingMail } from './dataset';
import { trainRoute, trainSpamBayes, trainSpamLogistic } from './models';
import type { Settings } from './settings';

/** About a fifth of the train split, fixed by the mail id: settings are picked here, never on the test split. */
export function isValidation(id: string): boolean {
	return /^[0-2]/.test(createHash('md5').update(id).digest('hex'));
}

/** Trains on the train split minus the validation slice and scores each spam model (with the router) on the slice. */
export function validate(mails: TrainingMail[], settings: Settings): Record<'logistic' | 'bayes', Metrics> {
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
		aggregateTriage(held.map((m, i) => scoreTriage({ spam: isSpam(m), route: { queue: queues[i] } }, m.label)));
	return {
		logistic: score(({ mail }) => logistic.predict(spamFeatures(mail)) >= 0.5),
		bayes: score(({ mail }) => bayes.probabilities(spamFeatures(mail))[spamIndex] >= 0.5)
	};
}
