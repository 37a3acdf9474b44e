// vader-sentiment ships no types; this is the one call the sentiment step makes.
declare module 'vader-sentiment' {
	const vader: {
		SentimentIntensityAnalyzer: {
			/** `compound` is the normalised sentiment of the text, -1..1. */
			polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
		};
	};
	export default vader;
}
