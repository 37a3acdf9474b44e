// Seeds two batch runs on an empty database so /runs has something to compare. See --help.
import { parseArgs } from 'node:util';
import { getDb } from '../db/client.ts';
import { UsageError, positiveInt } from '../server/batch/cli.ts';
import { progressBar } from '../server/batch/progress-bar.ts';
import { defaultPipelineName } from '../server/pipeline.ts';
import { formatNumber } from '../server/batch/report.ts';
import { seedRuns } from '../server/batch/seed.ts';

const HELP = `Usage: npm run seed [-- --dataset test] [--pipeline <name>] [--flag <boolean flag>] [--concurrency N]

On a database without runs (CONVINCE_DB, default var/convince.db), runs the pipeline twice over the
dataset (default: the test split), with one boolean flag off and then on (default: the pipeline's first
boolean flag, e.g. triage's blocklist), so the two can be compared at once in /runs. Shows progress;
does nothing when runs exist.`;

function main() {
	const { values: args } = parseArgs({
		options: {
			dataset: { type: 'string', default: 'test' },
			pipeline: { type: 'string' },
			flag: { type: 'string' },
			concurrency: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (args.help) {
		console.log(HELP);
		return Promise.resolve([]);
	}
	/** @type {ReturnType<typeof progressBar> | undefined} */
	let bar;
	return seedRuns({
		db: getDb(),
		pipeline: args.pipeline ?? defaultPipelineName(),
		dataset: args.dataset,
		flag: args.flag,
		concurrency: positiveInt('--concurrency', args.concurrency),
		onRun: (name) => {
			bar?.stop();
			bar = progressBar(`seed: ${name}`);
			return bar.update;
		}
	}).finally(() => bar?.stop());
}

try {
	const outcomes = await main();
	if (!outcomes.length && !process.argv.includes('--help') && !process.argv.includes('-h'))
		console.log('seed: the database already has runs; nothing to do.');
	for (const { run } of outcomes) {
		const metrics = Object.entries(run.metrics ?? {}).filter(([name]) => !name.startsWith('latency.'));
		console.log(
			`seed: run ${run.id} "${run.name}" ${run.status}: ${metrics.map(([name, value]) => `${name} ${formatNumber(value)}`).join(', ')}`
		);
	}
	if (outcomes.length === 2) console.log(`seed: compare them at /runs/compare?a=${outcomes[0].run.id}&b=${outcomes[1].run.id}`);
} catch (error) {
	const usage =
		error instanceof UsageError ||
		(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
	console.error(`seed: ${error instanceof Error ? error.message : String(error)}${usage ? '\nSee: npm run seed -- --help' : ''}`);
	process.exitCode = usage ? 2 : 1;
}
