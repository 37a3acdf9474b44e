import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { ARTIFACT_FILES, loadedModel, readArtifact } from '../artifacts';
import { searchTerms } from '../features';
import { BM25_FORMAT, type Bm25Artifact, Bm25Index } from '../models/bm25';

/** A mail is searched by its most distinctive terms only: as good as the whole text, and many times faster. */
const QUERY_TERMS = 20;

const index = loadedModel('similar-mail index', async () =>
	Bm25Index.fromArtifact(await readArtifact<Bm25Artifact>(ARTIFACT_FILES.similar, BM25_FORMAT))
);

const neighbourSchema = z.object({
	id: z.string().describe('Id of the past mail in the train split').meta(display.itemId('train')),
	subject: z.string(),
	spam: z.boolean().describe('The past mail was spam'),
	queue: z.string().nullable().describe('Queue of the past mail; null for spam'),
	score: z.number().describe('BM25 relevance (higher is more similar; not bounded)')
});

export const similar = defineStep({
	name: 'similar',
	description: 'Finds the most similar past mails (BM25 over the training mails) with their spam label and queue.',
	input: z.object({
		subject: z.string().describe('Subject without mailing-list tags'),
		body: z.string().describe('Plain-text body'),
		k: z.number().int().min(1).max(20).default(5).describe('How many neighbours to return')
	}),
	output: z.object({ neighbours: z.array(neighbourSchema).describe('Most similar first') }),
	debug: z.object({
		queryTerms: z
			.array(z.object({ term: z.string(), weight: z.number().describe('tf-idf of the term in this mail') }))
			.describe('The terms the search used')
			.meta(display.table(['term', 'weight'])),
		neighbours: z.array(neighbourSchema).meta(display.table(['subject', 'spam', 'queue', 'score', 'id']))
	}),
	examples: [
		{
			subject: 'Razor reports false positives',
			body: 'Since this morning razor-check flags every mail from the list. Anyone else?',
			k: 5
		},
		{
			subject: 'Lose 20 pounds in 2 weeks',
			body: 'Our herbal formula works while you sleep. Order today and get a free bottle!',
			k: 3
		}
	],
	load: index.load,
	run({ subject, body, k }, { debug }) {
		const bm25 = index.get();
		const query = bm25.queryTerms(searchTerms({ subject, body }), QUERY_TERMS);
		const neighbours = bm25.search(query, k).map(({ doc, score }) => ({ ...doc, score }));
		return { output: { neighbours }, debug: debug ? { queryTerms: query, neighbours } : undefined };
	}
});
