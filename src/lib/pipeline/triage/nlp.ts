import { z } from 'zod';
import { once } from '../kit';
import { loadedModel } from './artifacts';
import { memoLastText } from './memo';

/**
 * One wink-nlp pass over a text, shared by the entities and sentiment steps: the pipeline hands both
 * the same text, so the second step reads the memo instead of tokenising again.
 */

export const entitySchema = z.object({
	type: z
		.string()
		.describe('DATE, TIME, DURATION, MONEY, PERCENT, CARDINAL, ORDINAL, EMAIL, URL, MENTION, HASHTAG, EMOJI or EMOTICON'),
	value: z.string().describe('The text of the entity'),
	start: z
		.number()
		.int()
		.min(0)
		.describe('Offset of the first character in the text, in UTF-16 code units (as JavaScript counts)'),
	end: z.number().int().min(0).describe('Offset just past the last character, in UTF-16 code units')
});
export type Entity = z.infer<typeof entitySchema>;

export interface Sentence {
	start: number;
	end: number;
	/** wink-nlp's sentiment of the sentence, -1..1. */
	sentiment: number;
}

export interface TextAnalysis {
	entities: Entity[];
	sentences: Sentence[];
	/** wink-nlp's sentiment of the whole text, -1..1. */
	sentiment: number;
}

/** Only the annotations the steps read: part-of-speech tagging, the costliest, is left out. */
const PIPE = ['sbd', 'negation', 'sentiment', 'ner'];

/**
 * wink-nlp caches a token's type the first time it meets its text, so a number first seen inside,
 * say, a URL or a file name ("tmda-0.02.tgz") is not a CARDINAL in every later mail: entities would
 * depend on which mails came before (seen as spurious changes between batch runs). Meeting the
 * common numbers first, as plain numbers, makes them depend on the mail alone: 0 to 9999, and the
 * zero-padded forms of dates, times and versions ("02", "007", "0800"). Rarer tokens still can (an
 * "5a" met before as a whole word is no longer split into the number 5): 1 mail of the test split's
 * 1,139 when it runs in reverse order.
 */
const CANONICAL_NUMBERS = [
	...Array.from({ length: 10_000 }, (_, i) => String(i)),
	...[2, 3, 4].flatMap((width) => Array.from({ length: 10 ** (width - 1) }, (_, i) => String(i).padStart(width, '0')))
].join(' ');

/**
 * The packages are imported on load, not with this module: a process that only describes the pipeline
 * (the batch's main thread, the compare command) never holds the ~10 MB model.
 */
const winkNlp = loadedModel('wink-nlp', async () => {
	const [{ default: winkNLP }, { default: model }] = await Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]);
	const nlp = winkNLP(model, PIPE);
	nlp.readDoc(CANONICAL_NUMBERS);
	return nlp;
});

/** Builds the wink-nlp instance (reads its model, ~0.1 s) once, for every step that reads the text. */
export const loadNlp = once(winkNlp.load);

/** Character offsets of every token, from the whitespace wink-nlp records before each one. */
function tokenOffsets(values: string[], spaces: string[]): { starts: number[]; ends: number[] } {
	const starts = new Array<number>(values.length);
	const ends = new Array<number>(values.length);
	let position = 0;
	for (let i = 0; i < values.length; i++) {
		position += spaces[i].length;
		starts[i] = position;
		position += values[i].length;
		ends[i] = position;
	}
	return { starts, ends };
}

function analyze(text: string): TextAnalysis {
	const nlp = winkNlp.get();
	const its = nlp.its;
	const doc = nlp.readDoc(text);
	const tokens = doc.tokens();
	const { starts, ends } = tokenOffsets(tokens.out(its.value) as string[], tokens.out(its.precedingSpaces) as string[]);
	const entitySpans = doc.entities().out(its.span) as number[][];
	const entityTypes = doc.entities().out(its.type) as string[];
	const sentenceSpans = doc.sentences().out(its.span) as number[][];
	const sentenceScores = doc.sentences().out(its.sentiment) as number[];
	return {
		entities: entitySpans.map(([first, last], i) => ({
			type: entityTypes[i],
			value: text.slice(starts[first], ends[last]),
			start: starts[first],
			end: ends[last]
		})),
		// An empty text has one empty sentence in wink-nlp; it has none here.
		sentences: starts.length
			? sentenceSpans.map(([first, last], i) => ({ start: starts[first], end: ends[last], sentiment: sentenceScores[i] }))
			: [],
		sentiment: starts.length ? (doc.out(its.sentiment) as number) : 0
	};
}

/** Entities, sentences and sentiment of `text`, computed once for both steps that read them. */
export const analyzeText = memoLastText(analyze);
