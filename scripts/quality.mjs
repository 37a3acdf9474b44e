// Quality of the trained triage models on the test split: spam precision/recall/F1 per model, routing
// macro-F1 and per-queue F1, and each model step's speed. Usage: node scripts/quality.mjs [--json] [--help]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const HELP = `Usage: npm run quality -- [options]

Runs the trained models over the test split (data/spamassassin-test.jsonl) and prints spam precision,
recall and F1 for each spam model (and for logistic regression plus the blocklist, as the pipeline
decides), routing macro-F1 and per-queue F1 on ham, and mails/s of each model step on one core.
Needs \`npm run train\` first.

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
const { runStep } = await load('../src/lib/pipeline/kit/index.ts');
const { aggregateTriage, scoreTriage } = await load('../src/lib/pipeline/triage/evaluation.ts');
const { parse } = await load('../src/lib/pipeline/triage/steps/parse.ts');
const { spam } = await load('../src/lib/pipeline/triage/steps/spam.ts');
const { blocklist } = await load('../src/lib/pipeline/triage/steps/blocklist.ts');
const { route } = await load('../src/lib/pipeline/triage/steps/route.ts');
const { similar } = await load('../src/lib/pipeline/triage/steps/similar.ts');

const items = readFileSync(`${values.data}/spamassassin-test.jsonl`, 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((line) => JSON.parse(line));

/** Step run time in ms (runStep times `run` only, not input validation), summed per step. */
const timeMs = {};
async function timed(name, step, input) {
	const result = await runStep(step, input);
	timeMs[name] = (timeMs[name] ?? 0) + result.durationMs;
	return result.output;
}

const judged = { logistic: [], bayes: [], 'logistic + blocklist': [] };
for (const { input, label } of items) {
	// Same order as the pipeline: spam tokenises the body, route and similar reuse it.
	const mail = await timed('parse', parse, input);
	const spamInput = {
		subject: mail.subject,
		body: mail.body,
		from: mail.from,
		senderDomain: mail.senderDomain,
		mailer: mail.mailer,
		contentType: mail.contentType,
		hasListHeaders: mail.hasListHeaders
	};
	const logistic = await timed('spam (logistic)', spam, { ...spamInput, model: 'logistic' });
	const bayes = await timed('spam (bayes)', spam, { ...spamInput, model: 'bayes' });
	const { listed } = await timed('blocklist', blocklist, { senderDomain: mail.senderDomain });
	const routed = await timed('route', route, { subject: mail.cleanSubject, body: mail.body });
	await timed('similar', similar, { subject: mail.cleanSubject, body: mail.body, k: 5 });
	const score = (isSpam) => scoreTriage({ spam: isSpam, route: { queue: routed.queue } }, label);
	judged.logistic.push(score(logistic.spam));
	judged.bayes.push(score(bayes.spam));
	judged['logistic + blocklist'].push(score(logistic.spam || listed));
}

const metrics = Object.fromEntries(Object.entries(judged).map(([name, scores]) => [name, aggregateTriage(scores)]));
const routing = metrics.logistic;
const queues = Object.keys(routing)
	.filter((key) => key.startsWith('route.f1.'))
	.map((key) => key.slice('route.f1.'.length));
const mailsPerSecond = Object.fromEntries(
	Object.entries(timeMs).map(([name, ms]) => [name, Math.round((items.length / ms) * 1000)])
);

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
	},
	mailsPerSecond
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
	// Absolute rates move with machine load; the time relative to parse, measured in the same loop, does not.
	console.log('\nper step (one core, step run only; spam includes tokenising the body once):');
	console.log('  step             mails/s  time vs parse');
	for (const [name, rate] of Object.entries(report.mailsPerSecond)) {
		console.log(`  ${name.padEnd(16)} ${String(rate).padStart(7)}  ${(report.mailsPerSecond.parse / rate).toFixed(2)}x`);
	}
}
