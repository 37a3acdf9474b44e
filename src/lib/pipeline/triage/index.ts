import { z } from 'zod';
import { definePipeline } from '../kit';
import { triageEvaluation } from './evaluation';
import { triageExamples } from './examples';
import { parseEmail } from './mime';
import { emailInputSchema, triageLabelSchema } from './schemas';
import type { Split } from './train/dataset';
import { actionSchema, decide } from './steps/decide';
import { blocklist } from './steps/blocklist';
import { enrich } from './steps/enrich';
import { entities } from './steps/entities';
import { language } from './steps/language';
import { parse } from './steps/parse';
import { route } from './steps/route';
import { sentiment } from './steps/sentiment';
import { similar } from './steps/similar';
import { spam } from './steps/spam';

const flags = z.object({
	spamModel: spam.input.shape.model
		.removeDefault()
		.default('logistic')
		.describe('Spam classifier: logistic regression or naive Bayes'),
	spamThreshold: z.number().min(0).max(1).default(0.5).describe('P(spam) from which a mail is spam'),
	reviewMargin: z
		.number()
		.min(0)
		.max(0.5)
		.default(0.05)
		.describe('Spam scores this close to the threshold go to a person for review'),
	blocklist: z
		.boolean()
		.default(true)
		.describe('Check the sender domain against the Bloom-filter blocklist of spam-only domains'),
	minRouteConfidence: z
		.number()
		.min(0)
		.max(1)
		.default(0.5)
		.describe('Route to a queue only when the route step is at least this sure'),
	sentimentModel: sentiment.input.shape.model
		.removeDefault()
		.default('wink')
		.describe('Sentiment model: VADER, AFINN word scores, or wink-nlp (shared with entities)'),
	analysisChars: z
		.number()
		.int()
		.min(100)
		.max(100_000)
		.default(800)
		.describe('How many characters of subject + body language, entities and sentiment read'),
	similar: z.boolean().default(true).describe('Look up the most similar past mails in the search index'),
	similarK: z.number().int().min(1).max(20).default(5).describe('How many similar mails to return'),
	enrich: z.boolean().default(false).describe('Look the sender up in the CRM at CONVINCE_ENRICH_URL (a network call)'),
	enrichTimeoutMs: z.number().int().min(50).max(10_000).default(1_500).describe('Timeout of one CRM lookup attempt')
});

const outputSchema = z.object({
	action: actionSchema,
	queue: z.string().nullable().describe('Queue the mail goes to when the action is "route"'),
	reasons: z.array(z.string()).describe('Why, in plain words, most important first'),
	spam: z.boolean().describe('Spam by the classifier or the blocklist'),
	spamScore: z.number().describe('P(spam) from the spam classifier'),
	blocklisted: z.boolean().describe('Sender domain found in the blocklist (false when the flag is off)'),
	route: route.output.describe('What the route step proposed, whatever the action'),
	language: language.output,
	sender: z.object({ address: z.string().nullable(), domain: z.string().nullable() }),
	subject: z.string(),
	entities: entities.output.shape.entities.describe(
		'In text order. `start` and `end` count into the text the step read: the subject without mailing-list tags, a newline and the plain-text body, cut at the analysisChars flag (see the trace of a debug run)'
	),
	sentiment: sentiment.output,
	similar: similar.output.shape.neighbours.describe('Most similar past mails (empty when the flag is off)'),
	enrichment: enrich.output.nullable().describe('CRM lookup (null when the flag is off)')
});

/**
 * The text the language and NLP steps read: bounded so a huge body costs no more than a window. A cut
 * through a character outside the BMP (an emoji) drops its half, which strict JSON parsers refuse.
 */
function analysisText(subject: string, body: string, chars: number): string {
	const text = `${subject}\n${body}`;
	const end = chars < text.length && /[\uD800-\uDBFF]/.test(text[chars - 1] ?? '') ? chars - 1 : chars;
	return text.slice(0, end);
}

export const triage = definePipeline({
	name: 'triage',
	description:
		'Inbound-mail triage: parses an email, identifies its language, scores spam, checks the sender blocklist, ' +
		'routes it to a team queue, extracts entities, scores sentiment, finds similar past mails and decides what to do.',
	version: '1.1.0',
	input: emailInputSchema,
	output: outputSchema,
	flags,
	label: triageLabelSchema,
	evaluation: triageEvaluation,
	// `npm run train` learns from the train split; `all` holds it too.
	trainedOn: ['train', 'all'] satisfies Split[],
	steps: [parse, language, spam, blocklist, route, entities, sentiment, similar, enrich, decide],
	examples: triageExamples,
	summarize(input) {
		try {
			const mail = parseEmail(input);
			return { title: mail.subject || '(no subject)', subtitle: mail.from ?? undefined };
		} catch {
			return { title: '(unreadable mail)' };
		}
	},
	async run(input, { step, skip, flags }) {
		const mail = await step(parse, input);
		const text = analysisText(mail.cleanSubject, mail.body, flags.analysisChars);
		const lang = await step(language, { text });
		const spamResult = await step(spam, {
			subject: mail.subject,
			body: mail.body,
			from: mail.from,
			senderDomain: mail.senderDomain,
			mailer: mail.mailer,
			contentType: mail.contentType,
			hasListHeaders: mail.hasListHeaders,
			model: flags.spamModel,
			threshold: flags.spamThreshold
		});

		let blocklisted = false;
		if (flags.blocklist) ({ listed: blocklisted } = await step(blocklist, { senderDomain: mail.senderDomain }));
		else skip(blocklist, 'flag "blocklist" is off');

		const routed = await step(route, { subject: mail.cleanSubject, body: mail.body });
		const found = await step(entities, { text });
		const tone = await step(sentiment, { text, model: flags.sentimentModel });

		let neighbours: z.output<typeof similar.output>['neighbours'] = [];
		if (flags.similar) ({ neighbours } = await step(similar, { subject: mail.cleanSubject, body: mail.body, k: flags.similarK }));
		else skip(similar, 'flag "similar" is off');

		let enrichment: z.output<typeof enrich.output> | null = null;
		if (flags.enrich) enrichment = await step(enrich, { address: mail.fromAddress, timeoutMs: flags.enrichTimeoutMs });
		else skip(enrich, 'flag "enrich" is off');

		const decision = await step(decide, {
			spamScore: spamResult.score,
			spamThreshold: flags.spamThreshold,
			reviewMargin: flags.reviewMargin,
			blocklisted,
			queue: routed.queue,
			queueConfidence: routed.confidence,
			minRouteConfidence: flags.minRouteConfidence,
			similarSpamShare: flags.similar && neighbours.length ? neighbours.filter((n) => n.spam).length / neighbours.length : null,
			sentiment: tone.label
		});

		return {
			...decision,
			spam: spamResult.spam || blocklisted,
			spamScore: spamResult.score,
			blocklisted,
			route: routed,
			language: lang,
			sender: { address: mail.fromAddress, domain: mail.senderDomain },
			subject: mail.subject,
			entities: found.entities,
			sentiment: tone,
			similar: neighbours,
			enrichment
		};
	}
});
