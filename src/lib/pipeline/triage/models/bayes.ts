import type { FeatureGroups } from '../features';

export const BAYES_FORMAT = 'bayes/3';

export interface BayesArtifact {
	format: typeof BAYES_FORMAT;
	classes: string[];
	/** Additive (Laplace/Lidstone) smoothing. */
	alpha: number;
	/** Log posteriors are divided by it before normalising (see BayesTrainingOptions). */
	temperature: number;
	/** Training documents per class. */
	docs: number[];
	/** Features, sorted. Parallel arrays parse several times faster than an object with a key per feature. */
	features: string[];
	/** Occurrences of each feature in each class: row `i` (one entry per class) belongs to `features[i]`. */
	counts: number[];
}

export interface BayesTrainingOptions {
	alpha: number;
	/** Features seen fewer times over all training documents are dropped. */
	minCount: number;
	/**
	 * Naive Bayes counts every word as independent evidence, so its posteriors are far too sure (nearly
	 * every mail at 99.99%). Dividing the log posteriors by a temperature picked on held-out mail
	 * calibrates them without changing which class wins. 1 leaves them as they are.
	 */
	temperature: number;
}

export interface ClassContribution {
	token: string;
	/** log P(token | class) - log P(token | best other class), times occurrences. */
	weight: number;
}

/** Probabilities from log scores divided by `temperature`, without overflow. */
export function softmax(scores: ArrayLike<number>, temperature = 1): number[] {
	let max = -Infinity;
	for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]);
	const exps = Array.from(scores, (score) => Math.exp((score - max) / temperature));
	const sum = exps.reduce((a, b) => a + b, 0);
	return exps.map((e) => e / sum);
}

/** Multinomial naive Bayes over string features, any number of classes. */
export class NaiveBayesModel {
	private readonly logPriors: Float64Array;
	/** log P(feature | class), row-major like the artifact's counts. */
	private readonly logLikelihoods: Float64Array;
	private readonly rows = new Map<string, number>();

	private constructor(private readonly artifact: BayesArtifact) {
		const { classes, alpha, docs, features, counts } = artifact;
		const width = classes.length;
		const totalDocs = docs.reduce((a, b) => a + b, 0);
		this.logPriors = Float64Array.from(docs, (n) => Math.log(n / totalDocs));
		const totals = new Float64Array(width);
		for (let i = 0; i < counts.length; i++) totals[i % width] += counts[i];
		const logDenominators = Array.from(totals, (total) => Math.log(total + alpha * features.length));
		this.logLikelihoods = Float64Array.from(counts, (n, i) => Math.log(n + alpha) - logDenominators[i % width]);
		features.forEach((feature, row) => this.rows.set(feature, row * width));
	}

	get classes(): readonly string[] {
		return this.artifact.classes;
	}

	static fromArtifact(artifact: BayesArtifact): NaiveBayesModel {
		return new NaiveBayesModel(artifact);
	}

	toArtifact(): BayesArtifact {
		return this.artifact;
	}

	/** Unnormalised log posterior of each class (log prior plus log likelihoods), in the order of `classes`. */
	logPosteriors(groups: FeatureGroups): Float64Array {
		const { logLikelihoods, rows } = this;
		const scores = Float64Array.from(this.logPriors);
		const width = scores.length;
		for (const group of groups) {
			for (const [feature, n] of group) {
				const row = rows.get(feature);
				if (row !== undefined) for (let c = 0; c < width; c++) scores[c] += n * logLikelihoods[row + c];
			}
		}
		return scores;
	}

	/** Posterior probability of each class, in the order of `classes`, at the model's temperature. */
	probabilities(groups: FeatureGroups): number[] {
		return softmax(this.logPosteriors(groups), this.artifact.temperature);
	}

	/** The features that argued most for (weight > 0) or against class `classIndex`. */
	contributions(groups: FeatureGroups, classIndex: number, limit: number): ClassContribution[] {
		const width = this.logPriors.length;
		return groups
			.flatMap((group) => [...group])
			.filter(([token]) => this.rows.has(token))
			.map(([token, n]) => {
				const row = this.rows.get(token) as number;
				const likelihoods = this.logLikelihoods.subarray(row, row + width);
				const others = Array.from(likelihoods).filter((_, c) => c !== classIndex);
				return { token, weight: n * (likelihoods[classIndex] - Math.max(...others)) };
			})
			.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.token < b.token ? -1 : 1))
			.slice(0, limit);
	}

	static train(docs: { features: FeatureGroups; label: string }[], options: BayesTrainingOptions): NaiveBayesModel {
		const classes = [...new Set(docs.map((d) => d.label))].sort();
		const classIndex = new Map(classes.map((label, i) => [label, i]));
		const docCounts = classes.map(() => 0);
		const counts = new Map<string, number[]>();
		for (const doc of docs) {
			const c = classIndex.get(doc.label) as number;
			docCounts[c]++;
			for (const group of doc.features) {
				for (const [feature, n] of group) {
					let perClass = counts.get(feature);
					if (!perClass) counts.set(feature, (perClass = classes.map(() => 0)));
					perClass[c] += n;
				}
			}
		}
		const features = [...counts.keys()]
			.filter((feature) => (counts.get(feature) as number[]).reduce((a, b) => a + b, 0) >= options.minCount)
			.sort();
		return new NaiveBayesModel({
			format: BAYES_FORMAT,
			classes,
			alpha: options.alpha,
			temperature: options.temperature,
			docs: docCounts,
			features,
			counts: features.flatMap((feature) => counts.get(feature) as number[])
		});
	}
}
