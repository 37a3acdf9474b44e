// Batch runner benchmark: see HELP. Every figure comes with its baseline measured in the same run.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { openDb } from '../db/client.ts';
import { getRun, listRuns } from '../db/queries/runs.ts';
import { compareRuns } from '../server/batch/compare.ts';
import { ChunkPacker } from '../server/batch/chunks.ts';
import { readDataset, resolveDataset } from '../server/batch/dataset.ts';
import { defaultPipelineName } from '../server/pipeline.ts';
import { DEFAULT_REGISTRY, loadPipeline } from '../server/batch/registry.ts';
import { workerResourceLimits } from '../server/worker-limits.ts';
import { startBatch } from '../server/batch/runner.ts';
import { bundleWorker } from '../server/batch/worker-bundle.ts';
import { resolveFlags } from '../src/lib/pipeline/kit/index.ts';
import { median } from './lib/median.mjs';
import { steadyRate } from './lib/steady-rate.mjs';

const HELP = `Usage: npm run bench -- batch [--pipeline <name>] [--dataset test] [--sample N] [--rounds N] [--items N] [--json]

1. items/s over --sample items (default 10,000: --dataset repeated under new ids): the bare in-process
   loop (runPipeline + score, one core) vs a full batch run (workers, SQLite, metrics, report) with
   one worker and with the default pool (${availableParallelism()} workers here), in --rounds rounds (default 3,
   medians reported). Both start cold: the bare loop in a fresh process, timed from importing the
   pipeline; the batch from startBatch, so its workers import and load the pipeline too. Time to the
   first result is reported apart, and the rates from the first item's end to the last's (what a
   long run approaches). Every round also measures the pool's ceilings on this machine
   (a shared host's other tenants can take a core away for minutes): ${availableParallelism()} threads starting cold
   and each evaluating 1/${availableParallelism()} of the sample through the workers' own module vs one thread
   evaluating all of it (each thread pays its own model loading and JIT warm-up, as each worker does;
   no main thread, SQLite or messages), the bare loop in ${availableParallelism()} processes sharing nothing, each over
   1/${availableParallelism()} of the items, vs one process over all (and the CPU time the same items then cost: above 1x,
   the cores slow each other down), and a pure CPU loop in ${availableParallelism()} threads vs one.
   Targets: one worker >= 90% of the bare loop; the default pool >= 1.7x one worker (2 cores).
2. Peak RSS of \`npm run batch\` over --items items (default 100,000: the dataset repeated under new
   ids), read from /proc while it runs, with the default pool and again with one worker. Target < 500 MB.
   The two runs' times also give the pool's gain over a long run, where start-up and the report
   weigh little (one run each, not a median: a figure beside the target, not its verdict), and their
   CPU times the cores each kept busy: one worker's run also keeps the main thread and V8's compiler
   and GC threads busy, so N cores allow at most N / (its cores busy) times one worker.
3. Time to compare two --items-item runs (the second is the first with 5% of outputs changed).
   Target < 2 s.`;

const { values: args } = parseArgs({
	options: {
		pipeline: { type: 'string' },
		dataset: { type: 'string', default: 'test' },
		sample: { type: 'string', default: '10000' },
		rounds: { type: 'string', default: '3' },
		items: { type: 'string', default: '100000' },
		json: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	}
});
if (args.help) {
	console.log(HELP);
	process.exit(0);
}

const pipelineName = args.pipeline ?? defaultPipelineName();
const sample = Number(args.sample);
const bigItems = Number(args.items);
const scratch = mkdtempSync(path.join(tmpdir(), 'convince-bench-batch-'));
const log = (line) => process.stderr.write(`${line}\n`);

const CPU_LOOP = `const { parentPort } = require('node:worker_threads');
let x = 0; const t = performance.now(); for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003;
parentPort.postMessage(performance.now() - t + x * 0);`;

/** How much faster N threads finish N CPU loops than one thread finishes one: the ceiling for a pool here. */
async function cpuScaling(threads) {
	const loop = () => new Promise((resolve) => new Worker(CPU_LOOP, { eval: true }).once('message', resolve));
	const one = await loop();
	const started = performance.now();
	await Promise.all(Array.from({ length: threads }, loop));
	return (threads * one) / (performance.now() - started);
}

const PIPELINE_LOOP = `const { parentPort, workerData } = require('node:worker_threads');
import(workerData.bundle).then(async ({ default: evaluate }) => {
	for (const chunk of workerData.chunks) await evaluate({ flags: workerData.flags, items: chunk });
	parentPort.postMessage('done');
});`;

/** A file's items in chunks, as the runner sends them to workers. */
async function workerChunks(file) {
	const packer = new ChunkPacker();
	const chunks = [];
	for await (const record of readDataset(resolveDataset(file))) {
		if (record.kind !== 'item') continue;
		const chunk = packer.add(record);
		if (chunk) chunks.push(chunk);
	}
	const last = packer.take();
	return last ? [...chunks, last] : chunks;
}

/**
 * The most a pool of N workers can gain over one worker for these items on this machine: N threads
 * starting cold, each evaluating 1/N of the chunks through the batch workers' own module, against one
 * thread evaluating them all. Each thread loads its models and warms its JIT up, as each worker does;
 * there is no main thread, SQLite or message passing.
 */
async function pipelineScaling(threads, file) {
	// Read here, not kept between measurements: ~30 MB of chunks would sit in the heap of the thread whose
	// batch runs are measured.
	const chunks = await workerChunks(file);
	const bundle = await bundleWorker(DEFAULT_REGISTRY);
	const flags = resolveFlags(await loadPipeline(pipelineName), {});
	const loop = (part) =>
		new Promise((resolve, reject) =>
			new Worker(PIPELINE_LOOP, {
				eval: true,
				workerData: { pipeline: pipelineName, bundle, flags, chunks: part },
				resourceLimits: workerResourceLimits()
			})
				.once('message', resolve)
				.once('error', reject)
		);
	const timed = async (parts) => {
		const started = performance.now();
		await Promise.all(parts.map(loop));
		return performance.now() - started;
	};
	const one = await timed([chunks]);
	const share = Math.ceil(chunks.length / threads);
	return one / (await timed(Array.from({ length: threads }, (_, i) => chunks.slice(i * share, (i + 1) * share))));
}

/**
 * The baseline: the same items through runPipeline and the evaluation in a plain loop, in a fresh
 * process (scripts/lib/bare-loop.mjs), so that it pays the pipeline's import and model loading as the
 * batch's workers do. Not this script: its own imports load the pipeline before any clock starts.
 */
async function bareLoop(file) {
	const loop = fileURLToPath(new URL('./lib/bare-loop.mjs', import.meta.url));
	const child = spawn(process.execPath, [...process.execArgv, loop, file, pipelineName], {
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let stdout = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	const [code] = await once(child, 'exit');
	if (code !== 0) throw new Error(`the bare loop exited ${code}`);
	return JSON.parse(stdout);
}

/** The file's lines in `parts` files of about equal length, beside it. */
function splitLines(file, parts) {
	const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
	const share = Math.ceil(lines.length / parts);
	return Array.from({ length: parts }, (_, i) => {
		const part = file.replace(/\.jsonl$/, `-${i + 1}-of-${parts}.jsonl`);
		writeFileSync(part, lines.slice(i * share, (i + 1) * share).join('\n') + '\n');
		return part;
	});
}

/**
 * The most N workers could gain here with nothing shared at all: N processes, each running the bare
 * loop over one of `parts` (the items split N ways), against one process running it over all of them.
 * Also the CPU time the same items cost with N cores busy at once, as a multiple of their cost in one
 * process: above 1, the cores slow each other down (shared caches, memory, a host's other tenants).
 */
async function processScaling(file, parts) {
	const timed = async (files) => {
		const started = performance.now();
		const results = await Promise.all(files.map(bareLoop));
		return { ms: performance.now() - started, cpuSeconds: results.reduce((sum, r) => sum + r.cpuSeconds, 0) };
	};
	const one = await timed([file]);
	const many = await timed(parts);
	return { scaling: one.ms / many.ms, cpuCost: many.cpuSeconds / one.cpuSeconds };
}

async function batchRate(file, concurrency) {
	const db = openDb(path.join(scratch, `rate-${concurrency}.db`));
	const started = performance.now();
	let firstResultMs = 0;
	const steady = steadyRate();
	const onProgress = ({ done }) => {
		firstResultMs ||= performance.now() - started;
		steady.record(done);
	};
	const reportsDir = path.join(scratch, 'reports');
	const { run } = await startBatch({ db, pipeline: pipelineName, dataset: file, concurrency, onProgress, reportsDir });
	const seconds = (performance.now() - started) / 1000;
	db.$client.close();
	if (run.status !== 'done') throw new Error(`batch with ${concurrency} workers ended ${run.status}: ${run.failure}`);
	return { itemsPerSecond: run.itemsDone / seconds, steadyItemsPerSecond: steady.itemsPerSecond(), firstResultMs };
}

/** The dataset repeated under new ids until it has `count` items, streamed to disk. */
async function writeRepeated(count, name) {
	const base = [];
	for await (const record of readDataset(resolveDataset(args.dataset))) if (record.kind === 'item') base.push(record);
	const file = path.join(scratch, name);
	const out = createWriteStream(file);
	for (let i = 0; i < count; i++) {
		const item = base[i % base.length];
		const line = JSON.stringify({ id: `${item.id}#${Math.floor(i / base.length)}`, input: item.input, label: item.label }) + '\n';
		if (!out.write(line)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return file;
}

function peakRssMb(pid) {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

/** CPU seconds a process has used, all its threads together, ended ones included (Linux ticks: 1/100 s). */
function cpuSeconds(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const [utime, stime] = stat
			.slice(stat.lastIndexOf(')') + 2)
			.split(' ')
			.slice(11, 13)
			.map(Number);
		return (utime + stime) / 100;
	} catch {
		return 0;
	}
}

/** The node process running scripts/batch.mjs below `pid` (npm starts it through a shell). */
function batchProcess(pid) {
	for (const queue = [pid]; queue.length;) {
		const next = queue.shift();
		try {
			const [program, ...args] = readFileSync(`/proc/${next}/cmdline`, 'utf8').split('\0');
			if (path.basename(program) === 'node' && args.includes('scripts/batch.mjs')) return next;
			queue.push(...readFileSync(`/proc/${next}/task/${next}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
		} catch {
			// Gone meanwhile.
		}
	}
	return undefined;
}

/**
 * Runs `npm run batch` over the big dataset (`concurrency` workers, default the core count), sampling
 * the peak RSS of its node process (worker threads included) and the CPU time it has used.
 */
async function bigRun(file, dbFile, concurrency = availableParallelism()) {
	const batchArgs = ['--dataset', file, '--pipeline', pipelineName, '--concurrency', String(concurrency), '--json'];
	const child = spawn('npm', ['run', '--silent', 'batch', '--', ...batchArgs], {
		env: { ...process.env, CONVINCE_DB: dbFile, CONVINCE_REPORTS: path.join(scratch, 'reports') },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let peak = 0;
	let cpu = 0;
	let batch;
	const timer = setInterval(() => {
		batch ??= batchProcess(child.pid);
		if (batch) {
			peak = Math.max(peak, peakRssMb(batch));
			cpu = Math.max(cpu, cpuSeconds(batch));
		}
	}, 250);
	let stdout = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	const started = performance.now();
	const [code] = await once(child, 'exit');
	clearInterval(timer);
	if (code !== 0) throw new Error(`batch over ${bigItems} items exited ${code}`);
	// The last reading is at most 250 ms old: the report's last moments are missing from `cpuSeconds`.
	return { peakRssMb: peak, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu, result: JSON.parse(stdout) };
}

/** A second run: the first one's items with every 20th output changed and its correctness flipped. */
function deriveRun(db, runId) {
	const original = getRun(db, runId);
	const { lastInsertRowid } = db.$client
		.prepare(
			`insert into runs (name, status, started_at, ended_at, pipeline, pipeline_version, git_commit, git_dirty, flags, dataset_name, dataset_path, dataset_hash, items_total, items_done, items_errors, dataset_problems, metrics, duration_ms)
			 select name || ' (derived)', status, started_at, ended_at, pipeline, pipeline_version, git_commit, git_dirty, flags, dataset_name, dataset_path, dataset_hash, items_total, items_done, items_errors, dataset_problems, metrics, duration_ms from runs where id = ?`
		)
		.run(runId);
	db.$client
		.prepare(
			`insert into run_items (run_id, item_id, line, output, label, score, correct, error, duration_ms, timings)
			 select ?, item_id, line, case when line % 20 = 0 then json_object('changed', line) else output end, label, score,
			   case when line % 20 = 0 then not correct else correct end, error, duration_ms, timings from run_items where run_id = ?`
		)
		.run(lastInsertRowid, runId);
	return { a: original, b: getRun(db, Number(lastInsertRowid)) };
}

try {
	log(`bench batch: pipeline ${pipelineName}, dataset ${args.dataset}, ${availableParallelism()} cores`);
	const count = sample;
	const file = await writeRepeated(count, 'sample.jsonl');
	const parts = splitLines(file, availableParallelism());
	// The machine's speed drifts (shared host): each round measures them all close together, in a
	// rotated order, and the ratios are the medians of the rounds' own ratios.
	const contenders = {
		bare: () => bareLoop(file),
		one: () => batchRate(file, 1),
		pool: () => batchRate(file, availableParallelism()),
		machine: () => cpuScaling(availableParallelism()),
		processes: () => processScaling(file, parts),
		pipelineCeiling: () => pipelineScaling(availableParallelism(), file)
	};
	const rounds = [];
	for (let round = 0; round < Number(args.rounds); round++) {
		log(`throughput over ${count} items, round ${round + 1}...`);
		const names = Object.keys(contenders);
		const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
		const result = {};
		for (const name of order) result[name] = await contenders[name]();
		log(
			`  bare ${result.bare.itemsPerSecond.toFixed(1)}, 1 worker ${result.one.itemsPerSecond.toFixed(1)}, ${availableParallelism()} workers ${result.pool.itemsPerSecond.toFixed(1)} items/s; ceilings: pipeline ${result.pipelineCeiling.toFixed(2)}x, processes ${result.processes.scaling.toFixed(2)}x (CPU time x${result.processes.cpuCost.toFixed(2)}), CPU loop ${result.machine.toFixed(2)}x`
		);
		rounds.push(result);
	}
	const bare = median(rounds.map((r) => r.bare.itemsPerSecond));
	const one = {
		itemsPerSecond: median(rounds.map((r) => r.one.itemsPerSecond)),
		firstResultMs: median(rounds.map((r) => r.one.firstResultMs))
	};
	const pool = {
		itemsPerSecond: median(rounds.map((r) => r.pool.itemsPerSecond)),
		firstResultMs: median(rounds.map((r) => r.pool.firstResultMs))
	};
	const oneWorkerVsBare = median(rounds.map((r) => r.one.itemsPerSecond / r.bare.itemsPerSecond));
	const poolVsOneWorker = median(rounds.map((r) => r.pool.itemsPerSecond / r.one.itemsPerSecond));
	// Once start-up is paid (models, compilation): what a long run approaches.
	const steadyOneWorkerVsBare = median(rounds.map((r) => r.one.steadyItemsPerSecond / r.bare.steadyItemsPerSecond));
	const steadyPoolVsOneWorker = median(rounds.map((r) => r.pool.steadyItemsPerSecond / r.one.steadyItemsPerSecond));
	// The host's other tenants can take a core away for minutes: the ceiling is measured in every round.
	const machineScaling = median(rounds.map((r) => r.machine));
	const pipelineScalingHere = median(rounds.map((r) => r.pipelineCeiling));
	const processScalingHere = median(rounds.map((r) => r.processes.scaling));
	const processCpuCost = median(rounds.map((r) => r.processes.cpuCost));

	log(`peak RSS over ${bigItems} items (a long run: ~${Math.round(bigItems / pool.itemsPerSecond / 60)} min)...`);
	const bigFile = await writeRepeated(bigItems, 'repeated.jsonl');
	const bigDb = path.join(scratch, 'big.db');
	const big = await bigRun(bigFile, bigDb);
	log(`  peak RSS ${big.peakRssMb.toFixed(0)} MB, ${big.seconds.toFixed(0)} s`);
	// The same long run with one worker: start-up and the report weigh little over this many items.
	log(`the same with 1 worker (~${Math.round(bigItems / one.itemsPerSecond / 60)} min)...`);
	const bigOne = await bigRun(bigFile, path.join(scratch, 'big-one.db'), 1);
	log(`  peak RSS ${bigOne.peakRssMb.toFixed(0)} MB, ${bigOne.seconds.toFixed(0)} s`);

	const db = openDb(bigDb);
	const [bigRunRow] = listRuns(db);
	const { a, b } = deriveRun(db, bigRunRow.id);
	const compareStarted = performance.now();
	const comparison = compareRuns(db, a, b, { offset: 0, limit: Number.MAX_SAFE_INTEGER });
	const compareSeconds = (performance.now() - compareStarted) / 1000;
	log(`  compare ${compareSeconds.toFixed(2)} s (${comparison.changes.length} changed items)`);
	db.$client.close();

	const figures = {
		pipeline: pipelineName,
		cores: availableParallelism(),
		sampleItems: count,
		bareLoopItemsPerSecond: bare,
		rounds,
		workerStartupMs: one.firstResultMs,
		oneWorkerItemsPerSecond: one.itemsPerSecond,
		poolItemsPerSecond: pool.itemsPerSecond,
		oneWorkerVsBare,
		poolVsOneWorker,
		steadyOneWorkerVsBare,
		steadyPoolVsOneWorker,
		machineThreadScaling: machineScaling,
		pipelineThreadScaling: pipelineScalingHere,
		pipelineProcessScaling: processScalingHere,
		pipelineProcessCpuCost: processCpuCost,
		bigItems,
		bigRunSeconds: big.seconds,
		bigRunOneWorkerSeconds: bigOne.seconds,
		// One run each, whole command timed (start-up and report included): not a median.
		longRunPoolVsOneWorker: bigOne.seconds / big.seconds,
		// Cores a run kept busy on average: one worker's run also uses the main thread and V8's compiler
		// and collector threads, so the cores left over bound what more workers can add.
		longRunOneWorkerCoresBusy: bigOne.cpuSeconds / bigOne.seconds,
		longRunPoolCoresBusy: big.cpuSeconds / big.seconds,
		peakRssMb: Math.max(big.peakRssMb, bigOne.peakRssMb),
		compareItems: bigItems,
		compareChangedItems: comparison.changes.length,
		compareSeconds
	};
	const targets = {
		'one worker >= 90% of bare loop': figures.oneWorkerVsBare >= 0.9,
		'pool >= 1.7x one worker': figures.poolVsOneWorker >= 1.7,
		'peak RSS < 500 MB': figures.peakRssMb < 500,
		'compare < 2 s': figures.compareSeconds < 2
	};
	if (args.json) console.log(JSON.stringify({ figures, targets }));
	else {
		console.log(`pipeline ${pipelineName} on ${figures.cores} cores, ${count} items:`);
		console.log(`  bare loop          ${bare.toFixed(1)} items/s (baseline, median of ${rounds.length} rounds)`);
		console.log(
			`  batch, 1 worker    ${one.itemsPerSecond.toFixed(1)} items/s = ${(figures.oneWorkerVsBare * 100).toFixed(1)}% of bare (first result after ${one.firstResultMs.toFixed(0)} ms)`
		);
		console.log(
			`  batch, ${figures.cores} workers   ${pool.itemsPerSecond.toFixed(1)} items/s = ${figures.poolVsOneWorker.toFixed(2)}x one worker`
		);
		console.log(
			`  once started       1 worker ${(steadyOneWorkerVsBare * 100).toFixed(1)}% of bare, ${figures.cores} workers ${steadyPoolVsOneWorker.toFixed(2)}x one worker (rates from the first item's end to the last's)`
		);
		console.log(
			`  pool ceiling       ${figures.cores} threads from cold, each evaluating 1/${figures.cores} of the items = ${pipelineScalingHere.toFixed(2)}x one thread evaluating all (no runner: the most a pool gains here)`
		);
		console.log(
			`  processes          ${figures.cores} processes sharing nothing, each running the bare loop over 1/${figures.cores} of the items = ${processScalingHere.toFixed(2)}x one process over all; the same items take ${processCpuCost.toFixed(2)}x the CPU time with ${figures.cores} cores busy`
		);
		console.log(`  machine            ${figures.cores} threads of a pure CPU loop = ${machineScaling.toFixed(2)}x one thread`);
		console.log(
			`  long run           ${bigItems} items: ${figures.cores} workers ${big.seconds.toFixed(0)} s, 1 worker ${bigOne.seconds.toFixed(0)} s = ${figures.longRunPoolVsOneWorker.toFixed(2)}x (one run each, \`npm run batch\` timed whole)`
		);
		console.log(
			`  cores busy         long run, on average: 1 worker ${figures.longRunOneWorkerCoresBusy.toFixed(2)} (its thread, the main thread, V8's compiler and GC threads), ${figures.cores} workers ${figures.longRunPoolCoresBusy.toFixed(2)}: ${figures.cores} cores allow at most ${(figures.cores / figures.longRunOneWorkerCoresBusy).toFixed(2)}x one worker`
		);
		console.log(`  peak RSS           ${figures.peakRssMb.toFixed(0)} MB over ${bigItems} items (the larger of the two runs)`);
		console.log(
			`  compare            ${compareSeconds.toFixed(2)} s for two ${bigItems}-item runs (${comparison.changes.length} changed)`
		);
		for (const [target, met] of Object.entries(targets)) console.log(`  ${met ? 'met   ' : 'MISSED'} ${target}`);
	}
} finally {
	rmSync(scratch, { recursive: true, force: true });
}
