import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { loadedModel } from '../artifacts';
import { analyzeText, loadNlp } from '../nlp';

const sentimentModelSchema = z
	.enum(['vader', 'afinn', 'wink'])
	.default('wink')
	.describe(
		'vader: VADER rules with negation, per sentence; afinn: AFINN word scores (negation of the next word only); wink: wink-nlp (shared with entities)'
	);
type SentimentModel = z.output<typeof sentimentModelSchema>;

interface ScoredSentence {
	sentence: string;
	score: number;
}

interface Scorer {
	/** The sentiment of the whole text, -1..1. */
	score: (text: string) => number;
	/** Per-sentence scores, for debugging only. */
	sentences: (text: string) => ScoredSentence[];
}

/** Imported on load, like wink-nlp's model (see nlp.ts). */
const lexicons = loadedModel('sentiment lexicon', async () => {
	const [{ default: Sentiment }, { default: vader }] = await Promise.all([import('sentiment'), import('vader-sentiment')]);
	return { afinn: new Sentiment(), vader };
});
/** VADER's own normalisation of a sum of word scores into -1..1, so AFINN sums compare with the others. */
const normalizeSum = (sum: number) => sum / Math.sqrt(sum * sum + 15);
/** VADER's usual cut-offs, applied to every model. */
const NEUTRAL_BAND = 0.05;

function sentencesOf(text: string): string[] {
	return analyzeText(text).sentences.map(({ start, end }) => text.slice(start, end));
}

const vaderScore = (sentence: string) => lexicons.get().vader.SentimentIntensityAnalyzer.polarity_scores(sentence).compound;
const afinnScore = (text: string) => normalizeSum(lexicons.get().afinn.analyze(text).score);
const mean = (values: number[]) => (values.length ? values.reduce((sum, x) => sum + x, 0) / values.length : 0);

const scorers: Record<SentimentModel, Scorer> = {
	// VADER is built for sentences: a text scores the mean of its sentences.
	vader: {
		score: (text) => mean(sentencesOf(text).map(vaderScore)),
		sentences: (text) => sentencesOf(text).map((sentence) => ({ sentence, score: vaderScore(sentence) }))
	},
	afinn: {
		score: afinnScore,
		sentences: (text) => sentencesOf(text).map((sentence) => ({ sentence, score: afinnScore(sentence) }))
	},
	wink: {
		score: (text) => analyzeText(text).sentiment,
		sentences: (text) =>
			analyzeText(text).sentences.map(({ start, end, sentiment }) => ({ sentence: text.slice(start, end), score: sentiment }))
	}
};

function labelOf(score: number): 'negative' | 'neutral' | 'positive' {
	if (score >= NEUTRAL_BAND) return 'positive';
	return score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
}

export const sentiment = defineStep({
	name: 'sentiment',
	description: 'Scores the tone of the text from -1 (negative) to 1 (positive) with the chosen model.',
	input: z.object({
		text: z.string().max(100_000).describe('Text to score, e.g. the subject and the start of the body'),
		model: sentimentModelSchema
	}),
	output: z.object({
		score: z.number().min(-1).max(1).describe('-1 very negative, 0 neutral, 1 very positive'),
		label: z.enum(['negative', 'neutral', 'positive']).describe(`Neutral within ±${NEUTRAL_BAND} of 0`)
	}),
	debug: z.object({
		sentences: z
			.array(z.object({ sentence: z.string(), score: z.number() }))
			.describe('Score of each sentence with the same model')
			.meta(display.table(['sentence', 'score']))
	}),
	examples: [
		{ text: 'Thanks a lot, the new release works great! Only the installer is still terribly slow.', model: 'vader' },
		{ text: 'I am very disappointed: the order never arrived and nobody answers.', model: 'wink' }
	],
	async load() {
		await Promise.all([loadNlp(), lexicons.load()]);
	},
	run({ text, model }, { debug }) {
		const scorer = scorers[model];
		const score = Math.max(-1, Math.min(1, scorer.score(text)));
		return {
			output: { score, label: labelOf(score) },
			debug: debug ? { sentences: scorer.sentences(text) } : undefined
		};
	}
});
