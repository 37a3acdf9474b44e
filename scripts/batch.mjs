// Runs a pipeline over a dataset and stores the run in SQLite. See --help.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getDb } from '../db/client.ts';
import { getRun } from '../db/queries/runs.ts';
import { UsageError, parseFlagArgs, positiveInt } from '../server/batch/cli.ts';
import { namedDatasets, trainingDataCaveat } from '../server/batch/dataset.ts';
import { progressBar } from '../server/batch/progress-bar.ts';
import { defaultPipelineName, registeredPipeline } from '../server/pipeline.ts';
import { formatNumber } from '../server/batch/report.ts';
import { BatchArgumentError, resumeBatch, startBatch } from '../server/batch/runner.ts';

const HELP = `Usage: npm run batch -- --dataset <name or .jsonl/.csv path> [options]
       npm run batch -- --resume <run id> [--concurrency N] [--json]

Runs the pipeline over every dataset item with debug off in a pool of worker threads, stores each
item's output, score, error and step timings in SQLite (CONVINCE_DB, default var/convince.db), then
the run's metrics, and writes <reports>/run-<id>/{summary.md,summary.html,items.csv} (CONVINCE_REPORTS,
default reports).

Options:
  --dataset <d>      train, test, all (data/spamassassin-*.jsonl) or a .jsonl/.csv path (relative to
                     where you run npm)
  --pipeline <name>  registered pipeline (default: CONVINCE_PIPELINE or triage)
  --name <label>     run name shown in reports and /runs
  --flag key=value   set a pipeline flag (repeatable, once per key; the value is read as JSON when
                     it parses)
  --concurrency N    worker threads (default: number of cores; at most 4 per core)
  --limit N          stop after N dataset records
  --resume <id>      finish an interrupted or failed run without redoing finished items
  --json             print one JSON object (run id, status, counts, metrics, report) on stdout; when the
                     run cannot start, {"error": message, "usage": true for a mistake in the command}
  --help             show this help

Ctrl-C (or SIGTERM) stops after the running items finish and marks the run interrupted; another
Ctrl-C, half a second or more later, exits at once. Exit code: 0 done, 1 failed (or a run that
cannot be resumed: done, still running, or its pipeline or dataset changed), 2 usage, 130 interrupted.`;

const options = {
	dataset: { type: 'string' },
	pipeline: { type: 'string' },
	name: { type: 'string' },
	flag: { type: 'string', multiple: true },
	concurrency: { type: 'string' },
	limit: { type: 'string' },
	resume: { type: 'string' },
	json: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' }
};

/** Signals closer together than this are one Ctrl-C (see main). */
const REPEATED_SIGNAL_MS = 500;

/** @param {import('../db/schema.ts').Run} run @param {string | undefined} reportDir */
function printSummary(run, reportDir) {
	const rate = run.durationMs > 0 ? (run.itemsDone / run.durationMs) * 1000 : 0;
	// The total counts dataset records, malformed lines among them: "6/14 items" would read as unfinished.
	const malformed = run.status === 'done' ? run.itemsTotal - run.itemsDone : 0;
	const counts = malformed
		? `${run.itemsDone} items and ${malformed} malformed line${malformed === 1 ? '' : 's'} of ${run.itemsTotal} records`
		: `${run.itemsDone}/${run.itemsTotal} items`;
	console.log(
		`Run ${run.id} (${run.name}): ${run.status}, ${counts}, ${run.itemsErrors} error${run.itemsErrors === 1 ? '' : 's'}, ` +
			`${(run.durationMs / 1000).toFixed(1)} s (${rate.toFixed(1)} items/s)`
	);
	if (run.failure) console.log(`Failure: ${run.failure}`);
	for (const [name, value] of Object.entries(run.metrics ?? {})) console.log(`  ${name.padEnd(32)} ${formatNumber(value)}`);
	const caveat = trainingDataCaveat(registeredPipeline(run.pipeline), run);
	if (caveat) console.log(`Note: ${caveat}`);
	if (reportDir) console.log(`Report: ${reportDir}/summary.md`);
	if (run.status === 'interrupted' || run.status === 'failed') console.log(`Resume with: npm run batch -- --resume ${run.id}`);
}

/**
 * A relative dataset path as the caller meant it: npm runs scripts from the project root, and says in
 * INIT_CWD where it was called from. Dataset names (`test`) stay as they are.
 */
function fromCallersDirectory(dataset) {
	// Neither a name nor a file: left as given, so the error quotes what was typed.
	const file = !Object.hasOwn(namedDatasets, dataset) && /\.(jsonl|csv)$/i.test(dataset);
	return file && process.env.INIT_CWD ? path.resolve(process.env.INIT_CWD, dataset) : dataset;
}

async function main() {
	const { values: args } = parseArgs({ options: /** @type {const} */ (options) });
	if (args.help) {
		console.log(HELP);
		return 0;
	}
	if (args.dataset && args.resume) throw new UsageError('give --dataset or --resume, not both: a resumed run keeps its dataset');
	if (!args.dataset && !args.resume) throw new UsageError('give --dataset <name or path>, or --resume <run id>');
	const kept = ['pipeline', 'name', 'flag', 'limit'].filter((option) => args[option] !== undefined);
	if (args.resume && kept.length)
		throw new UsageError(
			`--resume keeps the run's own ${kept.map((option) => `--${option}`).join(', ')}: give only --concurrency and --json with it`
		);
	const controller = new AbortController();
	let stoppingSince = 0;
	const stop = () => {
		// Ctrl-C in a terminal reaches this process twice at once: from the terminal (to the whole process
		// group) and forwarded by npm. Only a later signal is the user's "Ctrl-C again".
		if (stoppingSince) {
			if (performance.now() - stoppingSince > REPEATED_SIGNAL_MS) process.exit(130);
			return;
		}
		stoppingSince = performance.now();
		process.stderr.write('\nStopping after the running items finish (Ctrl-C again to quit now)...\n');
		controller.abort();
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	const resumeId = args.resume ? /** @type {number} */ (positiveInt('--resume', args.resume)) : undefined;
	// A resumed run shows its own name, as when it started.
	const db = getDb();
	const resumed = resumeId ? getRun(db, resumeId) : undefined;
	const bar = progressBar(resumeId ? (resumed?.name ?? `run ${resumeId}`) : (args.name ?? args.dataset ?? 'batch'));
	const session = {
		db,
		concurrency: positiveInt('--concurrency', args.concurrency),
		signal: controller.signal,
		onProgress: bar.update,
		/** @param {{ line: number, message: string }} problem */
		onProblem: (problem) => process.stderr.write(`\ndataset line ${problem.line}: ${problem.message}\n`)
	};
	const outcome = args.resume
		? await resumeBatch({ ...session, runId: resumeId })
		: await startBatch({
				...session,
				dataset: fromCallersDirectory(/** @type {string} */ (args.dataset)),
				pipeline: args.pipeline ?? defaultPipelineName(),
				name: args.name,
				flags: parseFlagArgs(args.flag),
				limit: positiveInt('--limit', args.limit)
			});
	bar.stop();
	const { run, reportDir } = outcome;
	if (args.json) {
		const counts = {
			total: run.itemsTotal,
			done: run.itemsDone,
			errors: run.itemsErrors,
			malformedLines: run.datasetProblems.length
		};
		console.log(
			JSON.stringify({
				runId: run.id,
				name: run.name,
				status: run.status,
				counts,
				metrics: run.metrics,
				failure: run.failure,
				reportDir
			})
		);
	} else printSummary(run, reportDir);
	return { done: 0, failed: 1, interrupted: 130, running: 1 }[run.status];
}

try {
	process.exitCode = await main();
} catch (error) {
	const usage =
		error instanceof UsageError ||
		error instanceof BatchArgumentError ||
		(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
	const message = error instanceof Error ? error.message : String(error);
	console.error(`batch: ${message}${usage ? '\nSee: npm run batch -- --help' : ''}`);
	// A script reading --json's stdout gets an object either way.
	if (process.argv.includes('--json')) console.log(JSON.stringify({ error: message, usage }));
	process.exitCode = usage ? 2 : 1;
}
