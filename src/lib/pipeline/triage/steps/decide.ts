import { z } from 'zod';
import { defineStep, display } from '../../kit';

export const actionSchema = z
	.enum(['quarantine', 'review', 'route', 'deliver'])
	.describe(
		'quarantine: spam or blocked sender; review: a person should look; route: hand to a team queue; deliver: general inbox'
	);

const decideInput = z.object({
	spamScore: z.number().min(0).max(1).describe('P(spam) from the spam step'),
	spamThreshold: z.number().min(0).max(1).describe('Score from which a mail is spam'),
	reviewMargin: z.number().min(0).max(0.5).describe('Scores this close to the threshold go to review'),
	blocklisted: z.boolean().describe('Sender domain is on the blocklist'),
	queue: z.string().nullable().describe('Queue proposed by the route step'),
	queueConfidence: z.number().min(0).max(1),
	minRouteConfidence: z.number().min(0).max(1).describe('Below this the queue is not trusted'),
	similarSpamShare: z
		.number()
		.min(0)
		.max(1)
		.nullable()
		.describe('Share of spam among similar past mails; null when not looked up'),
	sentiment: z.enum(['negative', 'neutral', 'positive']).nullable()
});

const ruleSchema = z.object({ rule: z.string(), matched: z.boolean(), detail: z.string() });

interface Rule {
	name: string;
	/** The action this rule takes when it matches and no earlier rule did. */
	action: z.infer<typeof actionSchema>;
	/** A reason worth giving only when this rule chose the action (a queue is moot for quarantined spam). */
	onlyWhenChosen?: boolean;
	test: (input: z.output<typeof decideInput>) => string | null;
}

/** A share in whole percents; a probability short of certain never reads "100%" (nor above 0, "0%"). */
function pct(x: number): string {
	const whole = Math.round(x * 100);
	if (whole === 100 && x < 1) return 'over 99%';
	if (whole === 0 && x > 0) return 'under 1%';
	return `${whole}%`;
}

/** Ordered: the first matching rule decides the action; every matching rule adds a reason. */
const rules: Rule[] = [
	{
		name: 'blocklisted sender',
		action: 'quarantine',
		test: (i) => (i.blocklisted ? 'the sender domain is on the spam blocklist' : null)
	},
	{
		name: 'spam score',
		action: 'quarantine',
		test: (i) =>
			i.spamScore >= i.spamThreshold + i.reviewMargin
				? `spam score ${pct(i.spamScore)} is at or above the threshold ${pct(i.spamThreshold)}`
				: null
	},
	{
		name: 'borderline spam score',
		action: 'review',
		test: (i) =>
			Math.abs(i.spamScore - i.spamThreshold) < i.reviewMargin
				? `spam score ${pct(i.spamScore)} is within ${pct(i.reviewMargin)} of the threshold`
				: null
	},
	{
		name: 'similar mails were spam',
		action: 'review',
		test: (i) =>
			i.similarSpamShare !== null && i.similarSpamShare > 0.5
				? `${pct(i.similarSpamShare)} of the most similar past mails were spam`
				: null
	},
	{
		name: 'confident queue',
		action: 'route',
		onlyWhenChosen: true,
		test: (i) =>
			i.queue !== null && i.queueConfidence >= i.minRouteConfidence
				? `looks like a "${i.queue}" mail (${pct(i.queueConfidence)} sure)`
				: null
	},
	{
		name: 'negative tone',
		action: 'deliver',
		test: (i) => (i.sentiment === 'negative' ? 'the tone is negative: answer with care' : null)
	}
];

export const decide = defineStep({
	name: 'decide',
	description: 'Combines the other steps into an action (quarantine, review, route, deliver) with the reasons.',
	input: decideInput,
	output: z.object({
		action: actionSchema,
		queue: z.string().nullable().describe('Queue to route to when the action is "route"'),
		reasons: z.array(z.string()).describe('Why, in plain words, most important first')
	}),
	debug: z.object({
		fired: z.string().describe('The rule that chose the action'),
		rules: z.array(ruleSchema).meta(display.table(['rule', 'matched', 'detail']))
	}),
	examples: [
		{
			spamScore: 0.93,
			spamThreshold: 0.5,
			reviewMargin: 0.05,
			blocklisted: false,
			queue: 'fork',
			queueConfidence: 0.4,
			minRouteConfidence: 0.5,
			similarSpamShare: 0.8,
			sentiment: 'neutral'
		}
	],
	run(input, { debug }) {
		const outcomes = rules.map((rule) => ({ rule, detail: rule.test(input) }));
		const matched = outcomes.filter((o) => o.detail !== null);
		const first = matched[0]?.rule;
		const action = first?.action ?? 'deliver';
		const reasons = matched.filter((o) => o.rule === first || !o.rule.onlyWhenChosen).map((o) => o.detail as string);
		if (!first) reasons.push('nothing suspicious and no confident queue: general inbox');
		return {
			output: { action, queue: action === 'route' ? input.queue : null, reasons },
			debug: debug
				? {
						fired: first?.name ?? 'default: deliver',
						rules: outcomes.map((o) => ({ rule: o.rule.name, matched: o.detail !== null, detail: o.detail ?? '' }))
					}
				: undefined
		};
	}
});
