import type { FeatureGroups } from '../features';
import type { Random } from './random';

export const LOGISTIC_FORMAT = 'logistic/2';

export interface LogisticArtifact {
	format: typeof LOGISTIC_FORMAT;
	bias: number;
	/** Features with a weight, sorted; features absent here weigh nothing. */
	features: string[];
	/** `weights[i]` belongs to `features[i]` (parallel arrays parse faster than an object with a key per feature). */
	weights: number[];
}

export interface LogisticTrainingOptions {
	epochs: number;
	/** Adagrad base learning rate. */
	learningRate: number;
	/** L2 penalty, applied to the weights a sample touches. */
	l2: number;
	/** Features seen in fewer training documents are dropped. */
	minDocs: number;
	random: Random;
}

export interface Contribution {
	token: string;
	weight: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Features count once (presence, whatever their count); their weights are summed and scaled by
 * 1/sqrt(number of features), so long mails weigh no more than short ones.
 */
function featureScale(groups: FeatureGroups): number {
	let count = 0;
	for (const group of groups) count += group.size;
	return count ? 1 / Math.sqrt(count) : 0;
}

/** Sparse binary logistic regression over string features. */
export class LogisticModel {
	private constructor(
		private readonly bias: number,
		private readonly weights: Map<string, number>
	) {}

	static fromArtifact(artifact: LogisticArtifact): LogisticModel {
		return new LogisticModel(artifact.bias, new Map(artifact.features.map((feature, i) => [feature, artifact.weights[i]])));
	}

	toArtifact(): LogisticArtifact {
		const features = [...this.weights.keys()].sort();
		return {
			format: LOGISTIC_FORMAT,
			bias: this.bias,
			features,
			weights: features.map((feature) => this.weights.get(feature) as number)
		};
	}

	/** P(positive class). */
	predict(groups: FeatureGroups): number {
		let sum = 0;
		for (const group of groups) for (const feature of group.keys()) sum += this.weights.get(feature) ?? 0;
		return sigmoid(this.bias + sum * featureScale(groups));
	}

	/** The features that moved the score most, towards positive (weight > 0) or negative. */
	contributions(groups: FeatureGroups, limit: number): Contribution[] {
		const scale = featureScale(groups);
		return groups
			.flatMap((group) => [...group.keys()])
			.map((token) => ({ token, weight: (this.weights.get(token) ?? 0) * scale }))
			.filter((c) => c.weight !== 0)
			.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.token < b.token ? -1 : 1))
			.slice(0, limit);
	}

	static train(docs: { features: FeatureGroups; positive: boolean }[], options: LogisticTrainingOptions): LogisticModel {
		const docFrequency = new Map<string, number>();
		for (const doc of docs)
			for (const group of doc.features) for (const f of group.keys()) docFrequency.set(f, (docFrequency.get(f) ?? 0) + 1);
		const vocabulary = [...docFrequency]
			.filter(([, n]) => n >= options.minDocs)
			.map(([feature]) => feature)
			.sort();
		const index = new Map(vocabulary.map((feature, i) => [feature, i]));
		const rows = docs.map((doc) => ({
			columns: Int32Array.from(
				doc.features.flatMap((group) => [...group.keys()].filter((f) => index.has(f)).map((f) => index.get(f) as number))
			),
			scale: featureScale(doc.features),
			target: doc.positive ? 1 : 0
		}));

		const weights = new Float64Array(vocabulary.length);
		const squaredGradients = new Float64Array(vocabulary.length);
		let bias = 0;
		let biasSquaredGradient = 0;
		const order = rows.map((_, i) => i);
		for (let epoch = 0; epoch < options.epochs; epoch++) {
			options.random.shuffle(order);
			for (const i of order) {
				const { columns, scale, target } = rows[i];
				let z = bias;
				for (const j of columns) z += weights[j] * scale;
				const error = sigmoid(z) - target;
				biasSquaredGradient += error * error;
				bias -= (options.learningRate * error) / Math.sqrt(biasSquaredGradient + 1e-8);
				for (const j of columns) {
					const gradient = error * scale + options.l2 * weights[j];
					squaredGradients[j] += gradient * gradient;
					weights[j] -= (options.learningRate * gradient) / Math.sqrt(squaredGradients[j] + 1e-8);
				}
			}
		}
		const kept = new Map<string, number>();
		vocabulary.forEach((feature, j) => {
			if (Math.abs(weights[j]) >= 1e-4) kept.set(feature, weights[j]);
		});
		return new LogisticModel(bias, kept);
	}
}
