import { z } from 'zod';
import { defineStep, display } from '../../kit';
import { ARTIFACT_FILES, loadedModel, readArtifact } from '../artifacts';
import { routeFeatures } from '../features';
import { BAYES_FORMAT, type BayesArtifact, NaiveBayesModel } from '../models/bayes';

const router = loadedModel('routing', async () =>
	NaiveBayesModel.fromArtifact(await readArtifact<BayesArtifact>(ARTIFACT_FILES.route, BAYES_FORMAT))
);

export const route = defineStep({
	name: 'route',
	description: 'Proposes the team queue for a mail from its subject and body (naive Bayes over the mailing-list archives).',
	input: z.object({
		subject: z.string().describe('Subject without mailing-list tags (parse.cleanSubject): a tag would give the queue away'),
		body: z.string().describe('Plain-text body')
	}),
	output: z.object({
		queue: z.string().describe('The most likely queue'),
		confidence: z.number().min(0).max(1).describe('Probability of that queue')
	}),
	debug: z.object({
		probabilities: z.record(z.string(), z.number()).describe('Probability of every queue').meta(display.bars(1))
	}),
	examples: [
		{
			subject: 'exmh 2.5 crashes when I open the sequences window',
			body: 'After upgrading Tcl/Tk the ftoc pane is empty. Any idea?'
		},
		{ subject: 'Re: apt-get upgrade on Red Hat 8.0', body: 'The new freshrpms packages of xine fixed it for me.' }
	],
	load: router.load,
	run({ subject, body }, { debug }) {
		const model = router.get();
		const probabilities = model.probabilities(routeFeatures({ subject, body }));
		let best = 0;
		for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
		return {
			output: { queue: model.classes[best], confidence: probabilities[best] },
			debug: debug ? { probabilities: Object.fromEntries(model.classes.map((queue, i) => [queue, probabilities[i]])) } : undefined
		};
	}
});
