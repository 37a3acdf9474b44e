import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { ARTIFACT_FILES, type LoadedModel, loadedModel, readArtifact } from '../artifacts';
import { type FeatureGroups, SPAM_CLASS, type SpamMail, spamFeatures } from '../features';
import { BAYES_FORMAT, type BayesArtifact, NaiveBayesModel } from '../models/bayes';
import { LOGISTIC_FORMAT, type LogisticArtifact, LogisticModel } from '../models/logistic';
import { parsedEmailSchema } from '../schemas';

const spamModelSchema = z
	.enum(['logistic', 'bayes'])
	.describe('logistic: sparse logistic regression; bayes: multinomial naive Bayes');
type SpamModelName = z.infer<typeof spamModelSchema>;

/** How many influential features the debug view lists. */
const DEBUG_TOKENS = 15;

interface SpamScorer {
	probability: (features: FeatureGroups) => number;
	influential: (features: FeatureGroups, limit: number) => { token: string; weight: number }[];
}

/** The spam models by flag value: the `model` input picks one, both load once. */
const scorers: Record<SpamModelName, LoadedModel<SpamScorer>> = {
	logistic: loadedModel('logistic spam', async () => {
		const model = LogisticModel.fromArtifact(await readArtifact<LogisticArtifact>(ARTIFACT_FILES.spamLogistic, LOGISTIC_FORMAT));
		return { probability: (f) => model.predict(f), influential: (f, limit) => model.contributions(f, limit) };
	}),
	bayes: loadedModel('naive Bayes spam', async () => {
		const model = NaiveBayesModel.fromArtifact(await readArtifact<BayesArtifact>(ARTIFACT_FILES.spamBayes, BAYES_FORMAT));
		const spamIndex = model.classes.indexOf(SPAM_CLASS);
		return {
			probability: (f) => model.probabilities(f)[spamIndex],
			influential: (f, limit) => model.contributions(f, spamIndex, limit)
		};
	})
};

export const spam = defineStep({
	name: 'spam',
	description: 'Scores how likely the mail is spam from its words, subject and sender headers.',
	input: parsedEmailSchema
		.pick({ subject: true, body: true, from: true, senderDomain: true, mailer: true, contentType: true, hasListHeaders: true })
		.extend({
			model: spamModelSchema.default('logistic'),
			threshold: z.number().min(0).max(1).default(0.5).describe('P(spam) from which the mail is called spam')
		}),
	output: z.object({
		spam: z.boolean().describe('score >= threshold'),
		score: z.number().min(0).max(1).describe('P(spam) by the chosen model')
	}),
	debug: z.object({
		probability: z.number().describe('P(spam) by the chosen model'),
		tokens: z
			.array(z.object({ token: z.string(), weight: z.number().describe('Push towards spam (> 0) or ham (< 0)') }))
			.describe('The features that moved the score most; "subject:", "from:" and similar prefixes mark header features')
			.meta(display.table(['token', 'weight']))
	}),
	examples: [
		{
			subject: 'Get your FREE credit report now!!!',
			body: 'Dear friend, you have been selected. Click here to claim your FREE report: http://offers.example.biz/claim',
			from: '"Offers" <deals@offers.example.biz>',
			senderDomain: 'offers.example.biz',
			mailer: null,
			contentType: 'text/html',
			hasListHeaders: false,
			model: 'logistic',
			threshold: 0.5
		},
		{
			subject: 'Re: RPM build fails on Red Hat 8.0',
			body: 'Try rebuilding with --define "_without_gtk 1"; the spec file in CVS has the fix.',
			from: 'Matthias <matthias@rpm.example.net>',
			senderDomain: 'rpm.example.net',
			mailer: 'Sylpheed version 0.8.2',
			contentType: 'text/plain',
			hasListHeaders: true,
			model: 'bayes',
			threshold: 0.5
		}
	],
	async load() {
		await Promise.all(Object.values(scorers).map((scorer) => scorer.load()));
	},
	run(input, { debug }) {
		const scorer = scorers[input.model].get();
		const features = spamFeatures(input satisfies SpamMail);
		const score = scorer.probability(features);
		return {
			output: { spam: score >= input.threshold, score },
			debug: debug ? { probability: score, tokens: scorer.influential(features, DEBUG_TOKENS) } : undefined
		};
	}
});
