// REST throughput and latency (autocannon on loopback) against baselines measured in the same run.
// Usage: node scripts/bench-api.mjs --help
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { median } from './lib/median.mjs';

const { values: args } = parseArgs({
	options: {
		json: { type: 'boolean', default: false },
		duration: { type: 'string', default: '5' },
		rounds: { type: 'string', default: '3' },
		connections: { type: 'string', default: '10' },
		'no-build': { type: 'boolean', default: false },
		dataset: { type: 'string', default: 'test' },
		examples: { type: 'boolean', default: false },
		items: { type: 'string', default: '300' },
		workers: { type: 'string' },
		help: { type: 'boolean', short: 'h' }
	}
});
/** Requests sent to each target before it is measured (at least every body once). */
const WARM_UP_REQUESTS = 1000;
if (args.help) {
	console.log(`Usage: node scripts/bench-api.mjs [--json] [--duration <s>] [--rounds <n>] [--connections <n>] [--no-build] [--dataset <name|path>] [--items <n>] [--examples] [--workers <n>]

Builds the app into build-bench, starts it in production mode (server/serve.js), and measures with autocannon:
  - a raw node:http JSON echo server (baseline for HTTP cost), sent the cheap step's bodies,
  - the JSON 404 of an unknown /api path (what SvelteKit costs before any API code), same bodies,
  - REST POST /api/v1/steps/<first step> (triage: parse), on the node fast path and
    again through SvelteKit's route (sent as application/json; charset=utf-8, which the fast path leaves),
  - REST POST /api/v1/pipeline, against the same pipeline run in-process on one core. The server runs
    the pipeline on its worker threads: --workers of them (CONVINCE_PIPELINE_WORKERS; default one
    per core, 0 on the event loop),
  - last, the cheap step's latency from one more connection, alone and while the pipeline is loaded
    (what other callers wait behind pipeline runs).
Pipeline requests cycle through the first --items (300) inputs of --dataset (a batch dataset name,
default \`test\`: the triage test split, or a .jsonl/.csv path), or with --examples through the pipeline's
documented examples (a handful of inputs repeated: the pipeline's per-text memos then skip most of the
work). They are dealt out across the connections, so requests in flight carry different items, as the
in-process loop runs one item after another. Every target first gets ${WARM_UP_REQUESTS} untimed requests (the
in-process loop as many runs; the REST pipeline as many per worker thread, each of which compiles the
pipeline itself), so that no figure includes JIT warm-up.
The targets are measured in --rounds rounds (default 3) of --duration seconds (default 5) each, one
after another within a round (the step right after the echo, the in-process loop right after the REST
pipeline), so that a ratio compares figures taken under the same load from the host's other tenants;
the table shows medians over the rounds and each ratio is the median of its rounds' ratios.
Targets: cheap step >= 50% of the echo baseline's requests/s; REST pipeline within 15% of the in-process pipeline.`);
	process.exit(0);
}
const duration = Number(args.duration);
const rounds = Number(args.rounds);
const connections = Number(args.connections);
const log = (line) => !args.json && console.error(line);

const setup = await tsImport('../tests/setup/server.ts', import.meta.url);
const { pipelines, runPipeline } = await tsImport('../src/lib/pipeline/index.ts', import.meta.url);
const pipeline = pipelines[setup.testPipeline];
/** What the pipeline requests send: documented examples, or real items of a dataset. */
async function pipelineRequests() {
	if (args.examples)
		return (pipeline.examples ?? []).map((example) => ({
			input: example.input,
			...(example.flags ? { flags: example.flags } : {})
		}));
	const { readDataset, resolveDataset } = await tsImport('../server/batch/dataset.ts', import.meta.url);
	const requests = [];
	for await (const record of readDataset(resolveDataset(args.dataset))) {
		if (record.kind === 'item') requests.push({ input: record.input });
		if (requests.length >= Number(args.items)) break;
	}
	return requests;
}
const examples = await pipelineRequests();
if (!examples.length)
	throw new Error(
		`Nothing to send: ${args.examples ? `pipeline ${pipeline.name} documents no examples` : `no items in ${args.dataset}`}`
	);
// The first step reads the pipeline's own input (triage: parse), so it is the cheap one every pipeline has.
const cheapStep = pipeline.steps[0];

/** A JSON echo server on raw node:http in its own process, as the app server is: the floor any HTTP API pays. */
async function startEchoServer() {
	const source = `require('node:http').createServer((req, res) => {
		const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => {
			const body = JSON.stringify({ echo: JSON.parse(Buffer.concat(chunks).toString() || 'null') });
			res.writeHead(200, { 'content-type': 'application/json' }).end(body);
		});
	}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
	const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
	const [chunk] = await once(child.stdout, 'data');
	return { baseUrl: `http://127.0.0.1:${String(chunk).trim()}`, pid: child.pid, stop: () => child.kill() };
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * CPU time a process has used, all threads (event loop, GC, compiler), as process.cpuUsage() counts the
 * in-process run: user + system clock ticks of /proc/<pid>/stat (10 ms each, ~0.1% of a 10 s run).
 */
function cpuMs(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name, which is in parentheses: state, ppid, ... utime (11), stime (12).
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** autocannon options POSTing `bodies` as JSON to `url` from `connections` connections. */
function posting(url, bodies, { contentType = 'application/json', interleave = false, connections: count = connections } = {}) {
	const texts = bodies.map((body) => JSON.stringify(body));
	const request = { method: 'POST', headers: { 'content-type': contentType } };
	let sent = 0;
	return {
		url,
		connections: count,
		// Each connection walks the request list from the start, so the connections send the same body at
		// about the same time. `interleave` deals the bodies out across connections instead: requests in
		// flight carry different bodies, and a body comes back only once every other one has been sent.
		requests: interleave
			? [{ ...request, setupRequest: (req) => ({ ...req, body: texts[sent++ % texts.length] }) }]
			: texts.map((body) => ({ ...request, body }))
	};
}

/**
 * Requests/s and latency seen by the client, and the server's own CPU per request. This machine has two
 * cores shared by autocannon, the server and anything else running, so CPU per request is the figure
 * that compares servers "on one core" whatever else competes; wall-clock requests/s moves with the load.
 */
async function load(
	name,
	url,
	bodies,
	serverPid,
	{ expectedStatus = 200, contentType = 'application/json', interleave = false, warmUp = true, threads = 1 } = {}
) {
	log(`measuring ${name} for ${duration} s ...`);
	const options = posting(url, bodies, { contentType, interleave });
	// Untimed warm-up, as the in-process loop gets: the server's JIT compiles the code path first.
	if (warmUp) await autocannon({ ...options, amount: threads * Math.max(WARM_UP_REQUESTS, bodies.length) });
	const cpuBefore = cpuMs(serverPid);
	const result = await autocannon({ ...options, duration });
	const failed =
		(expectedStatus === 200 ? result.non2xx : result.requests.total - (result.statusCodeStats[expectedStatus]?.count ?? 0)) +
		result.errors +
		result.timeouts;
	if (failed) throw new Error(`${name}: ${failed} of ${result.requests.total} requests failed`);
	const cpuPerRequestMs = (cpuMs(serverPid) - cpuBefore) / result.requests.total;
	return {
		name,
		requestsPerSecond: result.requests.average,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		cpuPerRequestMs,
		perCoreSecond: 1000 / cpuPerRequestMs
	};
}

/** The pipeline run sequentially in this process: what one core does without HTTP. */
async function inProcess(seconds, { warmUp = true } = {}) {
	log(`measuring the in-process pipeline for ${seconds} s ...`);
	await pipeline.load();
	for (let i = 0; warmUp && i < Math.max(WARM_UP_REQUESTS, examples.length); i++) {
		const example = examples[i % examples.length];
		await runPipeline(pipeline, example.input, { flags: example.flags });
	}
	const latencies = [];
	const cpuBefore = process.cpuUsage();
	const deadline = performance.now() + seconds * 1000;
	for (let i = 0; performance.now() < deadline; i++) {
		const example = examples[i % examples.length];
		const started = performance.now();
		await runPipeline(pipeline, example.input, { flags: example.flags });
		latencies.push(performance.now() - started);
	}
	const cpu = process.cpuUsage(cpuBefore);
	const cpuPerRequestMs = (cpu.user + cpu.system) / 1000 / latencies.length;
	latencies.sort((a, b) => a - b);
	const total = latencies.reduce((sum, ms) => sum + ms, 0);
	const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
	return {
		name: 'in-process pipeline',
		requestsPerSecond: latencies.length / (total / 1000),
		p50Ms: at(0.5),
		p99Ms: at(0.99),
		cpuPerRequestMs,
		perCoreSecond: 1000 / cpuPerRequestMs
	};
}

if (!args['no-build']) {
	setup.prepareArtifacts();
	log('building into build-bench ...');
	setup.buildApp('build-bench');
}
const echo = await startEchoServer();
const app = await setup.startTestServer({
	buildDir: 'build-bench',
	env: args.workers === undefined ? {} : { CONVINCE_PIPELINE_WORKERS: args.workers }
});
/** Worker threads the REST pipeline runs on, as the server reports them. */
const { pipeline: served } = await (await fetch(`${app.baseUrl}/api/v1/health`)).json();
const stepUrl = `${app.baseUrl}/api/v1/steps/${cheapStep.name}`;
const pipelineUrl = `${app.baseUrl}/api/v1/pipeline`;
const stepBodies = (cheapStep.examples ?? []).map((input) => ({ input }));
/** One round: every target in turn, each pair that forms a ratio measured back to back. */
async function measureRound(warmUp) {
	const options = { warmUp };
	return {
		echo: await load('node:http JSON echo', echo.baseUrl, stepBodies, echo.pid, options),
		step: await load(`REST steps/${cheapStep.name}`, stepUrl, stepBodies, app.pid, options),
		// The same requests through SvelteKit's REST route: the node fast path takes only `application/json` exactly.
		kitStep: await load('  same via SvelteKit', stepUrl, stepBodies, app.pid, {
			...options,
			contentType: 'application/json; charset=utf-8'
		}),
		// What any SvelteKit route costs before our code runs: the JSON 404 of /api/<unknown>, same bodies.
		kitFloor: await load('SvelteKit floor (404)', `${app.baseUrl}/api/unknown`, stepBodies, app.pid, {
			...options,
			expectedStatus: 404
		}),
		// Interleaved: the pipeline memoises per-text work, so connections sending the same item together
		// would mostly hit the memos, which the in-process loop (one item after another) never does.
		pipeline: await load('REST pipeline', pipelineUrl, examples, app.pid, {
			...options,
			interleave: true,
			threads: Math.max(1, served.workers)
		}),
		inProcess: await inProcess(duration, options)
	};
}

const roundRatios = (round) => ({
	stepVsEcho: round.step.requestsPerSecond / round.echo.requestsPerSecond,
	stepVsEchoPerCore: round.step.perCoreSecond / round.echo.perCoreSecond,
	restPipelineVsInProcess: round.pipeline.requestsPerSecond / round.inProcess.requestsPerSecond,
	restPipelineVsInProcessPerCore: round.pipeline.perCoreSecond / round.inProcess.perCoreSecond
});

/** Field by field medians of objects of numbers (strings are taken from the first). */
function medians(objects) {
	return Object.fromEntries(
		Object.entries(objects[0]).map(([key, value]) => [
			key,
			typeof value === 'number' ? median(objects.map((o) => o[key])) : value
		])
	);
}

/**
 * What another caller waits while the pipeline is busy: the cheap step's latency from one more
 * connection, first alone, then while --connections connections keep the REST pipeline loaded. A
 * pipeline run on the event loop holds up every request queued behind it; on worker threads it does not.
 */
async function cheapStepBesidePipeline() {
	log(`measuring steps/${cheapStep.name} from one connection, alone and beside the loaded pipeline, ${duration} s each ...`);
	const probe = () => autocannon({ ...posting(stepUrl, stepBodies, { connections: 1 }), duration });
	const alone = await probe();
	const [beside] = await Promise.all([
		probe(),
		autocannon({ ...posting(pipelineUrl, examples, { interleave: true }), duration })
	]);
	return {
		aloneMeanMs: alone.latency.mean,
		aloneP99Ms: alone.latency.p99,
		besidePipelineMeanMs: beside.latency.mean,
		besidePipelineP99Ms: beside.latency.p99
	};
}

const measured = [];
let besidePipeline;
try {
	for (let round = 0; round < rounds; round++) {
		log(`round ${round + 1} of ${rounds}`);
		measured.push(await measureRound(round === 0));
	}
	besidePipeline = await cheapStepBesidePipeline();
} finally {
	echo.stop();
	await app.stop();
}
const rows = Object.fromEntries(Object.keys(measured[0]).map((key) => [key, medians(measured.map((round) => round[key]))]));
const perRound = measured.map(roundRatios);
const ratios = medians(perRound);
const targets = { stepVsEcho: 0.5, restPipelineVsInProcess: 0.85 };
const inputs = args.examples ? `${examples.length} documented examples` : `${examples.length} items of ${args.dataset}`;
const report = {
	pipeline: pipeline.name,
	inputs,
	cheapStep: cheapStep.name,
	duration,
	rounds,
	connections,
	pipelineWorkers: served.workers,
	rows,
	besidePipeline,
	ratios,
	perRound,
	targets
};

if (args.json) {
	console.log(JSON.stringify(report));
} else {
	const fmt = (n, digits = 1) => n.toFixed(digits).padStart(12);
	console.log(
		`\nAPI benchmark, pipeline ${pipeline.name} on ${inputs}, ${connections} connections, ${rounds} rounds of ${duration} s per target (medians);` +
			` the server runs the pipeline on ${served.workers ? `${served.workers} worker thread(s)` : 'its event loop'}\n`
	);
	console.log(
		`${'target'.padEnd(24)}${'req/s'.padStart(12)}${'p50 ms'.padStart(12)}${'p99 ms'.padStart(12)}${'CPU ms/req'.padStart(12)}${'req/CPU-s'.padStart(12)}`
	);
	for (const row of Object.values(rows)) {
		console.log(
			`${row.name.padEnd(24)}${fmt(row.requestsPerSecond, 0)}${fmt(row.p50Ms, 2)}${fmt(row.p99Ms, 2)}${fmt(row.cpuPerRequestMs, 3)}${fmt(row.perCoreSecond, 0)}`
		);
	}
	const ratio = (key, target) =>
		`${ratios[key].toFixed(2)} wall-clock, ${ratios[`${key}PerCore`].toFixed(2)} per core (target >= ${target}; rounds: ${perRound
			.map((round) => round[key].toFixed(2))
			.join(', ')})`;
	console.log(`\nREST steps/${cheapStep.name} vs node:http echo: ${ratio('stepVsEcho', targets.stepVsEcho)}`);
	console.log(`REST pipeline vs in-process: ${ratio('restPipelineVsInProcess', targets.restPipelineVsInProcess)}`);
	const ms = (n) => `${n.toFixed(2)} ms`;
	console.log(
		`steps/${cheapStep.name} from one more connection: mean ${ms(besidePipeline.aloneMeanMs)}, p99 ${ms(besidePipeline.aloneP99Ms)} alone; ` +
			`mean ${ms(besidePipeline.besidePipelineMeanMs)}, p99 ${ms(besidePipeline.besidePipelineP99Ms)} while ${connections} connections load the pipeline`
	);
}
