// Compares two stored batch runs; a CI gate with --fail-on-regression. See --help.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dbPath, getDb } from '../db/client.ts';
import { getRun } from '../db/queries/runs.ts';
import { UsageError, positiveInt } from '../server/batch/cli.ts';
import { checkRegression, compareRuns, differingFields, parseRegressionGate } from '../server/batch/compare.ts';
import { DEFAULT_EXPLAINED_CHANGES, explainChanges } from '../server/batch/explain.ts';
import { changedItems } from '../db/queries/items.ts';
import { formatNumber } from '../server/batch/report.ts';
import { datasetItems } from '../src/lib/ui/run-dataset.ts';

const HELP = `Usage: npm run compare -- <run A> <run B> [--fail-on-regression <metric>[:tolerance] ...] [--why] [--json]

Compares run B against baseline run A (ids from npm run batch or /runs): metric deltas, flag, code,
pipeline and dataset differences, and every item whose outcome changed (right to wrong, wrong to
right, label changed in the dataset, other changes: output or error), with both outputs. A metric the
runs do not measure alike reads "incomparable", saying why: other pipelines, a count over other items,
timings while other processes kept the machine busy (load.others).

Options:
  --fail-on-regression <metric>[:tolerance]
                 exit 1 when B is worse than A on <metric> by more than tolerance; without one,
                 when the comparison calls it "worse" (any drop of a quality metric; a timing
                 beyond its run-to-run noise). "Worse" follows the metric's direction (a rise for
                 latencies and error rates). A gate on a metric that reads "incomparable" fails
                 too. Repeat it to gate on several metrics
  --why          also find the step behind the changes: re-runs the first ${DEFAULT_EXPLAINED_CHANGES} changed items
                 under both runs' flags with the code of this checkout, and counts them by the first
                 step whose output differs
  --json         print the whole comparison as one JSON object (with --why, under "why"; the
                 failed gates' messages under "regressions", [] when none failed); when it cannot
                 compare, {"error": message, "usage": true for a mistake in the command}
  --help         show this help

Runs are read from CONVINCE_DB (default var/convince.db). Exit code: 0 compared (no regression),
1 regression or error (a run not done has no metrics to gate on), 2 usage (unknown run or metric, a
metric without a better direction, bad tolerance).`;

const SHOWN_OUTPUT_CHARS = 160;

/** Characters shown before the first difference, for context. */
const BEFORE_DIFFERENCE = 20;

/**
 * `chars` characters of `text` around where it first differs from `other`: a difference past the
 * cut (two long lists of reasons alike up to their third) would read as two identical lines.
 * @param {string} text @param {string} other @param {number} chars
 */
function clipAround(text, other, chars) {
	if (text.length <= chars) return text;
	let first = 0;
	while (first < text.length && text[first] === other[first]) first++;
	const start = Math.max(0, Math.min(first - BEFORE_DIFFERENCE, text.length - chars));
	return `${start > 0 ? '...' : ''}${text.slice(start, start + chars)}${start + chars < text.length ? '...' : ''}`;
}

/** @param {unknown} value */
const json = (value) => JSON.stringify(value) ?? '(absent)';

/**
 * One side's output on one line, cut around where it differs from the other side's: whole when it is
 * short, else the fields the two outputs differ in.
 * @param {unknown} value @param {unknown} other @param {string[]} differing
 */
function brief(value, other, differing) {
	const text = json(value);
	if (text.length <= SHOWN_OUTPUT_CHARS || !differing.length || typeof value !== 'object' || value === null)
		return clipAround(text, json(other), SHOWN_OUTPUT_CHARS);
	const [fields, others] = /** @type {Record<string, unknown>[]} */ ([value, other ?? {}]);
	const shown = differing.map((name) => `${name}: ${clipAround(json(fields[name]), json(others[name]), SHOWN_OUTPUT_CHARS / 2)}`);
	const unchanged = Object.keys(fields).length - differing.filter((name) => Object.hasOwn(fields, name)).length;
	return unchanged ? `${shown.join(', ')} (${unchanged} other fields unchanged)` : shown.join(', ');
}

/** @param {number | null} value */
const number = (value) => (value === null ? '-' : formatNumber(value));

/** @param {import('../server/batch/compare.ts').Comparison} comparison */
function printComparison({ a, b, provenance, datasetCaveats, flags, metrics, counts, changes }) {
	console.log(`A: run ${a.id} "${a.name}" (${a.status})\nB: run ${b.id} "${b.name}" (${b.status})`);
	const commit = (/** @type {typeof a} */ run) => `${run.gitCommit.slice(0, 12)}${run.gitDirty ? '+dirty' : ''}`;
	const dirtyNote = provenance.eitherDirty ? ', with uncommitted changes (the code may differ)' : '';
	console.log(
		`code: ${provenance.sameCommit ? `same commit ${a.gitCommit.slice(0, 12)}${dirtyNote}` : `${commit(a)} -> ${commit(b)}`}`
	);
	if (!provenance.samePipeline) console.log(`pipeline: ${a.pipeline} ${a.pipelineVersion} -> ${b.pipeline} ${b.pipelineVersion}`);
	const content = provenance.sameContent ? '' : ' (different content)';
	console.log(
		`dataset: ${provenance.sameDataset ? `same (${datasetItems(a)})` : `${datasetItems(a)} -> ${datasetItems(b)}${content}`}`
	);
	for (const [side, caveat] of Object.entries(datasetCaveats)) if (caveat) console.log(`  ${side.toUpperCase()}: ${caveat}`);
	console.log(flags.length ? 'flags:' : 'flags: same');
	for (const flag of flags) console.log(`  ${flag.name}: ${JSON.stringify(flag.a)} -> ${JSON.stringify(flag.b)}`);
	console.log('metrics:');
	for (const m of metrics) {
		const delta = m.delta === null ? '' : `${m.delta >= 0 ? '+' : ''}${formatNumber(m.delta)}`;
		console.log(
			`  ${m.name.padEnd(28)} ${number(m.a).padStart(10)} -> ${number(m.b).padStart(10)}  ${delta.padStart(10)}  ${m.verdict}`
		);
	}
	for (const reason of new Set(metrics.flatMap((m) => m.reason ?? []))) console.log(`  (incomparable: ${reason})`);
	console.log(
		`items: ${counts.rightToWrong} right to wrong, ${counts.wrongToRight} wrong to right, ${counts.relabelled} with a new label, ${counts.other} other changes; ` +
			`${counts.onlyInA} only in A, ${counts.onlyInB} only in B`
	);
	const kinds = {
		rightToWrong: 'right to wrong',
		wrongToRight: 'wrong to right',
		relabelled: 'label changed',
		other: 'other changes'
	};
	for (const [kind, title] of Object.entries(kinds)) {
		const items = changes.filter((change) => change.kind === kind);
		if (items.length) console.log(`${title}:`);
		for (const item of items) {
			const fields = differingFields(item.a.output, item.b.output);
			console.log(`  ${item.itemId} (line ${item.line})${fields.length ? `: ${fields.join(', ')} differ` : ''}`);
			if (kind === 'relabelled') console.log(`    label: ${JSON.stringify(item.a.label)} -> ${JSON.stringify(item.b.label)}`);
			console.log(`    A: ${item.a.error ? `error: ${item.a.error.message}` : brief(item.a.output, item.b.output, fields)}`);
			console.log(`    B: ${item.b.error ? `error: ${item.b.error.message}` : brief(item.b.output, item.a.output, fields)}`);
		}
	}
}

/**
 * @param {import('../server/batch/explain.ts').ChangesExplanation} why
 * @param {import('../server/batch/compare.ts').Comparison['provenance']} provenance
 */
function printWhy(why, provenance) {
	const code = why.code.matchesA && why.code.matchesB ? '' : ' (this checkout is not the code of both runs: results may differ)';
	console.log(`steps behind the changes, ${why.items} changed items re-run${code}:`);
	for (const { step, items, examples } of why.steps)
		console.log(`  ${step.padEnd(20)} ${String(items).padStart(6)}  e.g. ${examples.join(', ')}`);
	// As on the compare page: with the same code and data, only the runs themselves can have differed.
	const cause =
		provenance.sameCommit && !provenance.eitherDirty && provenance.sameDataset
			? 'the runs themselves made them: a step whose output depends on the items its process ran before'
			: 'other code or data made them';
	if (why.noDifference)
		console.log(
			`  ${why.noDifference} differ at no step when re-run now (${cause}), e.g. ${why.noDifferenceExamples.join(', ')}`
		);
	if (why.notInDataset) console.log(`  ${why.notInDataset} are no longer in the dataset file`);
}

async function main() {
	const { values: args, positionals } = parseArgs({
		allowPositionals: true,
		options: {
			'fail-on-regression': { type: 'string', multiple: true },
			why: { type: 'boolean' },
			json: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (args.help) {
		console.log(HELP);
		return 0;
	}
	if (positionals.length !== 2) throw new UsageError('give two run ids: <run A> <run B>');
	// Comparing reads stored runs: a mistyped CONVINCE_DB must not leave an empty database behind.
	if (!existsSync(dbPath())) throw new UsageError(`no database at ${path.resolve(dbPath())} (CONVINCE_DB)`);
	const db = getDb();
	const [a, b] = positionals.map((id, i) => {
		const run = getRun(db, /** @type {number} */ (positiveInt(`run ${'AB'[i]}`, id)));
		if (!run) throw new UsageError(`run ${id} not found in ${db.$client.name} (CONVINCE_DB)`);
		return run;
	});
	const gates = (args['fail-on-regression'] ?? []).map((text) => {
		try {
			return parseRegressionGate(text);
		} catch (error) {
			throw new UsageError(`--fail-on-regression: ${/** @type {Error} */ (error).message}`);
		}
	});
	// Interrupted, failed or running runs have no metrics yet: say how to get them, not "regression".
	const unfinished = gates.length > 0 && [a, b].find((run) => run.status !== 'done');
	if (unfinished) {
		const then = unfinished.status === 'running' ? 'wait for it' : `npm run batch -- --resume ${unfinished.id}`;
		throw new Error(`run ${unfinished.id} is ${unfinished.status}: no metrics to gate on until it is done (${then})`);
	}
	const comparison = compareRuns(db, a, b, { offset: 0, limit: Number.MAX_SAFE_INTEGER });
	for (const gate of gates) {
		const gated = comparison.metrics.find((m) => m.name === gate.metric);
		if (!gated)
			throw new UsageError(
				`--fail-on-regression: unknown metric "${gate.metric}" (runs have: ${comparison.metrics.map((m) => m.name).join(', ')})`
			);
		if (gated.higherIsBetter === null)
			throw new UsageError(`--fail-on-regression: ${gated.name} has no better direction: neither change is a regression`);
	}
	if (gates.length && !comparison.provenance.sameDataset)
		console.error('note: the runs cover different dataset items, so their metrics are not measured on the same items');
	const regressions = gates.flatMap((gate) => checkRegression(comparison, gate) ?? []);
	const changed = args.why ? changedItems(db, a.id, b.id, { offset: 0, limit: DEFAULT_EXPLAINED_CHANGES }) : [];
	const why = args.why
		? await explainChanges(
				a,
				b,
				changed.map((item) => item.itemId)
			)
		: undefined;
	if (args.json) console.log(JSON.stringify({ ...comparison, regressions, ...(why && { why }) }));
	else {
		printComparison(comparison);
		if (why) printWhy(why, comparison.provenance);
	}
	for (const regression of regressions) console.error(`REGRESSION: ${regression}`);
	// A gate that passes says so: a CI log then shows what was checked.
	if (gates.length && !regressions.length) console.error(`no regression: ${gates.map((gate) => gate.metric).join(', ')}`);
	return regressions.length ? 1 : 0;
}

// A reader that stops early (`| head`) closes the pipe: not an error of the comparison.
process.stdout.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EPIPE') throw error;
});

try {
	process.exitCode = await main();
} catch (error) {
	const usage =
		error instanceof UsageError ||
		(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
	const message = error instanceof Error ? error.message : String(error);
	console.error(`compare: ${message}${usage ? '\nSee: npm run compare -- --help' : ''}`);
	// A script reading --json's stdout gets an object either way.
	if (process.argv.includes('--json')) console.log(JSON.stringify({ error: message, usage }));
	process.exitCode = usage ? 2 : 1;
}
