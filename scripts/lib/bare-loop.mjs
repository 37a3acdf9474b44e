// The baseline of `npm run bench -- batch`: a dataset's items through runPipeline and the evaluation in
// a plain loop, one core, in a fresh process. Nothing of the pipeline is imported before the clock
// starts, so the loop pays the pipeline's import and model loading as a batch's workers do.
// Usage: node --import tsx scripts/lib/bare-loop.mjs <dataset file> <pipeline>
// Prints one JSON object: items/s from importing the pipeline to the last item, the steady rate, and the
// CPU time the items took once the models were loaded (all threads: V8's compiler and collector too).
import { readDataset, resolveDataset } from '../../server/batch/dataset.ts';
import { steadyRate } from './steady-rate.mjs';

const [file, pipelineName] = process.argv.slice(2);
const started = performance.now();
const { loadPipeline } = await import('../../server/batch/registry.ts');
const { runPipeline } = await import('../../src/lib/pipeline/index.ts');
const pipeline = await loadPipeline(pipelineName);
await pipeline.load();
// The items' CPU time only: start-up (Node, the imports, the models) is paid once per process.
const cpuAtStart = process.cpuUsage();
let items = 0;
const steady = steadyRate();
for await (const record of readDataset(resolveDataset(file))) {
	if (record.kind !== 'item') continue;
	try {
		const run = await runPipeline(pipeline, record.input);
		if (pipeline.evaluation && record.label !== undefined)
			pipeline.evaluation.score(run.output, pipeline.label ? pipeline.label.parse(record.label) : record.label);
	} catch {
		// A failing item costs its time, as in a batch run.
	}
	steady.record(++items);
}
const itemsPerSecond = items / ((performance.now() - started) / 1000);
const { user, system } = process.cpuUsage(cpuAtStart);
console.log(JSON.stringify({ itemsPerSecond, steadyItemsPerSecond: steady.itemsPerSecond(), cpuSeconds: (user + system) / 1e6 }));
