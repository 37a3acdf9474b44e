import { HAM_CLASS, SPAM_CLASS, routeFeatures, searchTerms, spamFeatures } from '../features';
import { NaiveBayesModel } from '../models/bayes';
import { BloomSet } from '../models/bloom';
import { Bm25Index } from '../models/bm25';
import { LogisticModel } from '../models/logistic';
import { Random } from '../models/random';
import { isSharedMailboxDomain } from '../shared-mailboxes';
import type { TrainingMail } from './dataset';
import type { Settings } from './settings';

export function trainSpamLogistic(mails: TrainingMail[], settings: Settings): LogisticModel {
	const docs = mails.map(({ mail, label }) => ({ features: spamFeatures(mail), positive: label.spam }));
	return LogisticModel.train(docs, { ...settings.spamLogistic, random: new Random(settings.seed) });
}

export function trainSpamBayes(mails: TrainingMail[], settings: Settings): NaiveBayesModel {
	const docs = mails.map(({ mail, label }) => ({ features: spamFeatures(mail), label: label.spam ? SPAM_CLASS : HAM_CLASS }));
	return NaiveBayesModel.train(docs, settings.spamBayes);
}

/** Routing learns from ham with a queue only: spam has no queue. */
export function trainRoute(mails: TrainingMail[], settings: Settings): NaiveBayesModel {
	const docs = mails
		.filter(({ label }) => !label.spam && label.queue !== null)
		.map(({ mail, label }) => ({
			features: routeFeatures({ subject: mail.cleanSubject, body: mail.body }),
			label: label.queue as string
		}));
	return NaiveBayesModel.train(docs, settings.route);
}

/**
 * Sender domains seen in spam and never in ham, shared mailbox providers aside. Without the ham filter,
 * free-mail domains that also send spam would block half the legitimate mail.
 */
export function buildBlocklist(mails: TrainingMail[], settings: Settings): BloomSet {
	const hamDomains = new Set(mails.filter((m) => !m.label.spam).map((m) => m.mail.senderDomain));
	const spamOnly = mails
		.map((m) => (m.label.spam ? m.mail.senderDomain : null))
		.filter((domain): domain is string => domain !== null && !hamDomains.has(domain) && !isSharedMailboxDomain(domain));
	return BloomSet.build(spamOnly, settings.blocklistErrorRate);
}

export function buildSimilarIndex(mails: TrainingMail[], settings: Settings): Bm25Index {
	const entries = mails.map(({ id, mail, label }) => ({
		doc: { id, subject: mail.subject, spam: label.spam, queue: label.queue },
		terms: searchTerms({ subject: mail.cleanSubject, body: mail.body })
	}));
	return Bm25Index.build(entries, settings.similar);
}
