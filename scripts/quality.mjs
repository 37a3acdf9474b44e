// Quality of the trained triage models on the test split: spam precision/recall/F1 per model, routing
// macro-F1 and per-queue F1. Usage: node scripts/quality.mjs [--json] [--help]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const HELP = `Usage: npm run quality -- [options]

Runs the trained models over the test split (data/spamassassin-test.jsonl) and prints spam precision,
recall and F1 for each spam model (and for logistic regression plus the blocklist, as the pipeline
decides), and routing macro-F1 and per-queue F1 on ham — running the pipeline itself under each flag
set and scoring it with the pipeline's own evaluation. Speed: npm run bench -- pipeline. Needs \`npm run train\` first.

Options:
  --data <dir>  dataset folder (default: data)
  --json        print one JSON object instead of tables
  --help        show this help`;

const { values } = parseArgs({
	options: {
		data: { type: 'string', default: 'data' },
		json: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false }
	}
});
if (values.help) {
	console.log(HELP);
	process.exit(0);
}

const load = (path) => tsImport(path, import.meta.url);
const { runPipeline } = await load('../src/lib/pipeline/kit/index.ts');
const { triage } = await load('../src/lib/pipeline/triage/index.ts');

const items = readFileSync(`${values.data}/spamassassin-test.jsonl`, 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((line) => JSON.parse(line));

// The pipeline itself under the flag sets worth comparing, scored by its own evaluation.
const variants = {
	logistic: { spamModel: 'logistic', blocklist: false },
	bayes: { spamModel: 'bayes', blocklist: false },
	'logistic + blocklist': { spamModel: 'logistic', blocklist: true }
};
const metrics = {};
for (const [name, flags] of Object.entries(variants)) {
	const scores = [];
	for (const { input, label } of items) {
		const { output } = await runPipeline(triage, input, { flags: { ...flags, similar: false } });
		scores.push(triage.evaluation.score(output, label));
	}
	metrics[name] = triage.evaluation.aggregate(scores);
}
const routing = metrics.logistic;
const queues = Object.keys(routing)
	.filter((key) => key.startsWith('route.f1.'))
	.map((key) => key.slice('route.f1.'.length));

const report = {
	items: items.length,
	spam: Object.fromEntries(
		Object.entries(metrics).map(([name, m]) => [
			name,
			{
				precision: m['spam.precision'],
				recall: m['spam.recall'],
				f1: m['spam.f1'],
				tp: m['spam.tp'],
				fp: m['spam.fp'],
				fn: m['spam.fn']
			}
		])
	),
	route: {
		items: routing['route.items'],
		accuracy: routing['route.accuracy'],
		macroF1: routing['route.macroF1'],
		f1: Object.fromEntries(queues.map((queue) => [queue, routing[`route.f1.${queue}`]]))
	}
};

if (values.json) {
	console.log(JSON.stringify(report, null, 2));
} else {
	const f = (x) => x.toFixed(4);
	console.log(`Test split: ${report.items} mails\n`);
	console.log('spam model             precision  recall  F1      tp   fp  fn');
	for (const [name, m] of Object.entries(report.spam)) {
		console.log(
			`${name.padEnd(22)} ${f(m.precision)}     ${f(m.recall)}  ${f(m.f1)}  ${String(m.tp).padStart(3)}  ${String(m.fp).padStart(2)}  ${String(m.fn).padStart(2)}`
		);
	}
	console.log(`\nroute (${report.route.items} ham): macro-F1 ${f(report.route.macroF1)}, accuracy ${f(report.route.accuracy)}`);
	for (const [queue, f1] of Object.entries(report.route.f1)) console.log(`  ${queue.padEnd(12)} F1 ${f(f1)}`);
}
