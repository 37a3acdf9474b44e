import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runPipeline, runStep } from '../src/lib/pipeline/kit';
import { triage } from '../src/lib/pipeline/triage';
import { parse } from '../src/lib/pipeline/triage/steps/parse';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, limit: { type: 'string' } } });

const items: { input: unknown }[] = readFileSync('data/spamassassin-test.jsonl', 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((line) => JSON.parse(line))
	.slice(0, values.limit ? Number(values.limit) : undefined);

// Start-up: a fresh process that imports the pipeline and loads every model from cached artifacts.
const startup = spawnSync(
	process.execPath,
	[
		'--import',
		'tsx',
		'-e',
		`const t = performance.now(); const { triage } = await import('./src/lib/pipeline/triage/index.ts'); await triage.load(); console.log(performance.now() - t);`
	],
	{ encoding: 'utf8' }
);
const startupMs = Number(startup.stdout.trim().split('\n').at(-1));

await triage.load();
// One full pass first: steady-state throughput, with the JIT warm on every kind of mail.
for (const item of items) await runPipeline(triage, item.input);

// Baseline in the same run: parsing alone, the least any pipeline over raw mail must do.
let started = performance.now();
for (const item of items) await runStep(parse, item.input);
const parseOnlyPerSecond = items.length / ((performance.now() - started) / 1000);

const stepMs = new Map<string, number>();
started = performance.now();
for (const item of items) {
	const run = await runPipeline(triage, item.input);
	for (const t of run.timings) stepMs.set(t.step, (stepMs.get(t.step) ?? 0) + t.ms);
}
const totalMs = performance.now() - started;
const mailsPerSecond = items.length / (totalMs / 1000);
const stepsTotal = [...stepMs.values()].reduce((a, b) => a + b, 0);
const steps = Object.fromEntries(
	[...stepMs].map(([step, ms]) => [step, { msPerMail: ms / items.length, share: ms / stepsTotal }])
);

const result = {
	mails: items.length,
	mailsPerSecond,
	msPerMail: totalMs / items.length,
	parseOnlyPerSecond,
	ratioToParseOnly: mailsPerSecond / parseOnlyPerSecond,
	kitOverheadShare: 1 - stepsTotal / totalMs,
	startupMs,
	steps
};

if (values.json) console.log(JSON.stringify(result));
else {
	console.log(`triage pipeline, default flags, one core, ${items.length} test mails`);
	console.log(
		`  end to end      ${mailsPerSecond.toFixed(0)} mails/s (${result.msPerMail.toFixed(3)} ms/mail; target 1000, floor 500)`
	);
	console.log(
		`  baseline        parse step alone ${parseOnlyPerSecond.toFixed(0)} mails/s; pipeline = ${(result.ratioToParseOnly * 100).toFixed(1)}% of it`
	);
	console.log(`  kit overhead    ${(result.kitOverheadShare * 100).toFixed(1)}% of wall time outside step functions`);
	console.log(`  start-up        ${startupMs.toFixed(0)} ms (import + load cached artifacts; target < 2000)`);
	console.log('  step            ms/mail   share');
	for (const [step, s] of Object.entries(steps))
		console.log(`  ${step.padEnd(14)}  ${s.msPerMail.toFixed(3).padStart(7)}  ${(s.share * 100).toFixed(1).padStart(5)}%`);
}
