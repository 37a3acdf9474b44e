import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../db/client';
import { getRun, listRuns, updateRun } from '../../../db/queries/runs';
import { quality } from './quality';

const root = path.resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'convince-cli-'));
const env = {
	...process.env,
	CONVINCE_DB: path.join(scratch, 'cli.db'),
	CONVINCE_REPORTS: path.join(scratch, 'reports'),
	CONVINCE_PIPELINE: 'wordcount'
};
const children: ChildProcess[] = [];
/** Children in process groups of their own: a failed test must not leave the group's batch running. */
const groups: ChildProcess[] = [];
afterAll(() => {
	for (const child of children) child.kill('SIGKILL');
	for (const group of groups) {
		try {
			if (group.pid) process.kill(-group.pid, 'SIGKILL');
		} catch {
			// The group has ended.
		}
	}
	rmSync(scratch, { recursive: true, force: true });
});

const run = promisify(execFile);
async function cli(
	script: string,
	args: string[],
	extraEnv: Record<string, string> = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run('node', ['--import', 'tsx', `scripts/${script}.mjs`, ...args], {
			cwd: root,
			env: { ...env, ...extraEnv },
			maxBuffer: 64 << 20
		});
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

function spawnBatch(args: string[]): ChildProcess {
	const child = spawn('node', ['--import', 'tsx', 'scripts/batch.mjs', ...args], { cwd: root, env, stdio: 'ignore' });
	children.push(child);
	return child;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** Waits until the run of that name has stored at least `items` items. */
async function runReaching(name: string, items: number): Promise<number> {
	const db = openDb(env.CONVINCE_DB);
	try {
		for (;;) {
			const run = listRuns(db).find((r) => r.name === name);
			if (run && run.itemsDone >= items) return run.id;
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
	} finally {
		db.$client.close();
	}
}

function listRunsIn(file: string) {
	const db = openDb(file);
	try {
		return listRuns(db);
	} finally {
		db.$client.close();
	}
}

const getRunIn = (file: string, id: number) => listRunsIn(file).find((run) => run.id === id);

const dataset = path.join(scratch, 'many.jsonl');
writeFileSync(
	dataset,
	Array.from({ length: 30_000 }, (_, i) =>
		JSON.stringify({ id: `m${i}`, input: { text: 'word '.repeat(i % 11) }, label: { long: i % 2 === 0 } })
	).join('\n')
);

describe('npm run batch', () => {
	it('survives SIGKILL mid-run: --resume finishes it with no duplicates and the metrics of an uninterrupted run', async () => {
		const child = spawnBatch(['--dataset', dataset, '--name', 'killed']);
		const runId = await runReaching('killed', 1000);
		child.kill('SIGKILL');
		await exited(child);
		const db = openDb(env.CONVINCE_DB);
		const killed = getRun(db, runId);
		expect(killed?.status).toBe('running');
		expect(killed?.itemsDone).toBeLessThan(30_000);

		const resumed = await cli('batch', ['--resume', String(runId), '--json']);
		expect(resumed.code).toBe(0);
		const result = JSON.parse(resumed.stdout);
		expect(result).toMatchObject({
			runId,
			status: 'done',
			counts: { total: 30_000, done: 30_000, errors: 0, malformedLines: 0 }
		});
		expect(
			db.$client.prepare('select count(*) as n, count(distinct item_id) as d from run_items where run_id = ?').get(runId)
		).toEqual({ n: 30_000, d: 30_000 });
		// One report, with the items of both sessions.
		const reportDir = path.join(env.CONVINCE_REPORTS, `run-${runId}`);
		expect(readdirSync(reportDir).sort()).toEqual(['items.csv', 'summary.html', 'summary.md']);
		expect(readFileSync(path.join(reportDir, 'items.csv'), 'utf8').trim().split('\n')).toHaveLength(30_001);

		const straight = JSON.parse((await cli('batch', ['--dataset', dataset, '--json'])).stdout);
		expect(quality(result.metrics)).toEqual(quality(straight.metrics));
		db.$client.close();
	});

	it('marks the run interrupted on Ctrl-C (SIGINT) and exits 130', async () => {
		const child = spawnBatch(['--dataset', dataset, '--name', 'ctrl-c']);
		const runId = await runReaching('ctrl-c', 500);
		child.kill('SIGINT');
		expect(await exited(child)).toBe(130);
		const db = openDb(env.CONVINCE_DB);
		const run = getRun(db, runId);
		expect(run?.status).toBe('interrupted');
		const stored = db.$client.prepare('select count(*) as n from run_items where run_id = ?').get(runId) as { n: number };
		expect(run?.itemsDone).toBe(stored.n);
		db.$client.close();
	});

	it('stops when `npm run batch` itself gets SIGTERM (as from a supervisor): the run is interrupted, nothing left running', async () => {
		const npm = spawn('npm', ['run', '--silent', 'batch', '--', '--dataset', dataset, '--name', 'npm-term'], {
			cwd: root,
			env,
			stdio: 'ignore'
		});
		children.push(npm);
		const runId = await runReaching('npm-term', 500);
		npm.kill('SIGTERM');
		expect(await exited(npm)).not.toBe(0);
		// npm passes the signal on to the batch, which stores what is running and marks the run.
		for (let waited = 0; getRunIn(env.CONVINCE_DB, runId)?.status === 'running' && waited < 20_000; waited += 50)
			await new Promise((resolve) => setTimeout(resolve, 50));
		const run = getRunIn(env.CONVINCE_DB, runId);
		expect(run?.status).toBe('interrupted');
		expect(run?.itemsDone).toBeLessThan(30_000);
	});

	it('marks the run interrupted on Ctrl-C in a terminal, which signals npm and the batch at once', async () => {
		const npm = spawn('npm', ['run', 'batch', '--', '--dataset', dataset, '--name', 'npm-ctrl-c'], {
			cwd: root,
			env,
			stdio: 'ignore',
			// Its own process group, as a terminal's foreground job: the signal below goes to every process in it.
			// Not --silent, as a user types it: npm then passes the signal on too.
			detached: true
		});
		groups.push(npm);
		const runId = await runReaching('npm-ctrl-c', 500);
		expect(npm.pid).toBeGreaterThan(0);
		process.kill(-(npm.pid as number), 'SIGINT');
		expect(await exited(npm)).toBe(130);
		const run = getRunIn(env.CONVINCE_DB, runId);
		expect(run?.status).toBe('interrupted');
		expect(run?.itemsDone).toBeLessThan(30_000);
	});

	it('names the bad option and exits 2 on usage errors', async () => {
		expect(await cli('tasks', ['--bogus'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
		expect(await cli('batch', [])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dataset/) });
		expect(await cli('batch', ['--dataset', dataset, '--concurrency', 'zero'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--concurrency must be a positive integer/)
		});
		const tooMany = String(4 * availableParallelism() + 1);
		expect(await cli('batch', ['--dataset', dataset, '--concurrency', tooMany])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--concurrency must be an integer from 1 to \d+ \(4 per core/)
		});
		expect(await cli('batch', ['--dataset', dataset, '--flag', 'threshold'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/key=value/)
		});
		expect(await cli('batch', ['--dataset', dataset, '--flag', 'threshold=2', '--flag', 'threshold=3'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--flag threshold is given twice/)
		});
		expect(await cli('batch', ['--dataset', dataset, '--flag', 'nope=1'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/Unrecognized key: "nope" \(flags of pipeline wordcount: minLength, threshold, verdict\)/)
		});
		expect(await cli('batch', ['--dataset', dataset, '--pipeline', 'nope'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/unknown pipeline "nope"/)
		});
		expect(await cli('batch', ['--dataset', 'nowhere.jsonl'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/not found: \/.*\/nowhere\.jsonl\nSee: npm run batch -- --help/)
		});
		const empty = path.join(scratch, 'empty.jsonl');
		writeFileSync(empty, '\n');
		expect(await cli('batch', ['--dataset', empty])).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no records/) });
		expect(await cli('batch', ['--resume', '1', '--limit', '5', '--flag', 'threshold=2'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--resume keeps the run's own --flag, --limit/)
		});
		expect(await cli('batch', ['--dataset', dataset, '--resume', '1'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/give --dataset or --resume, not both/)
		});
		expect(await cli('batch', ['--resume', '9999'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/run 9999 not found/)
		});
		// A name that is no dataset is quoted as typed, and a script reading --json gets an object.
		const typo = await cli('batch', ['--dataset', 'tset', '--json']);
		expect(typo).toMatchObject({ code: 2, stderr: expect.stringMatching(/^batch: dataset "tset" is neither a known name/) });
		expect(JSON.parse(typo.stdout)).toEqual({ error: expect.stringMatching(/^dataset "tset" is neither/), usage: true });
		expect(listRunsIn(env.CONVINCE_DB).map((run) => run.datasetPath)).not.toContain(empty);
	});

	it('sums a run up in words: items and malformed lines of the records, errors', async () => {
		const words = path.join(root, 'tests/unit/batch/fixtures/words.jsonl');
		const { code, stdout } = await cli('batch', ['--dataset', words, '--name', 'summed']);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^Run \d+ \(summed\): done, 5 items and 3 malformed lines of 8 records, 1 error, /);
	});

	it('reads a relative dataset path from the folder npm was called in (INIT_CWD), not the project root', async () => {
		writeFileSync(path.join(scratch, 'here.jsonl'), JSON.stringify({ id: 1, input: { text: 'a b' }, label: { long: false } }));
		const result = await cli('batch', ['--dataset', 'here.jsonl', '--json'], { INIT_CWD: scratch });
		expect(result.code).toBe(0);
		expect(getRunIn(env.CONVINCE_DB, JSON.parse(result.stdout).runId)?.datasetPath).toBe(path.join(scratch, 'here.jsonl'));
	});
});

describe('npm run compare', () => {
	it('reports deltas and changed items, and gates on a regressing metric', async () => {
		const small = path.join(scratch, 'small.jsonl');
		writeFileSync(
			small,
			['one two three', 'one two three four five six']
				.map((text, i) => JSON.stringify({ id: i, input: { text }, label: { long: true } }))
				.join('\n')
		);
		const a = JSON.parse((await cli('batch', ['--dataset', small, '--flag', 'threshold=3', '--json'])).stdout).runId;
		const b = JSON.parse((await cli('batch', ['--dataset', small, '--json'])).stdout).runId;

		// A run that cannot be resumed is not a usage error: exit 1, no help hint.
		const again = await cli('batch', ['--resume', String(a)]);
		expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/already done/) });
		expect(again.stderr).not.toMatch(/--help/);

		const text = await cli('compare', [String(a), String(b)]);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/threshold: 3 -> 5/);
		expect(text.stdout).toMatch(/1 right to wrong, 0 wrong to right/);
		expect(text.stdout).toMatch(
			/right to wrong:\n {2}0 \(line 1\): long differ\n {4}A: \{"words":3,"distinct":3,"long":true\}\n {4}B: \{"words":3,"distinct":3,"long":false\}/
		);

		// The step behind the change: the verdict, the one step the threshold reaches.
		const why = await cli('compare', [String(a), String(b), '--why']);
		expect(why.stdout).toMatch(/steps behind the changes, 1 changed items re-run[^\n]*:\n {2}verdict +1 {2}e\.g\. 0\n/);

		const json = await cli('compare', [String(a), String(b), '--json']);
		const comparison = JSON.parse(json.stdout);
		expect(comparison.why).toBeUndefined();
		expect(JSON.parse((await cli('compare', [String(a), String(b), '--why', '--json'])).stdout).why).toMatchObject({
			items: 1,
			steps: [{ step: 'verdict', items: 1, examples: ['0'] }]
		});
		expect(comparison.metrics.find((m: { name: string }) => m.name === 'accuracy')).toMatchObject({
			a: 1,
			b: 0.5,
			delta: -0.5,
			verdict: 'worse'
		});

		expect(await cli('compare', [String(a), String(b), '--fail-on-regression', 'accuracy'])).toMatchObject({
			code: 1,
			stderr: expect.stringMatching(/REGRESSION: accuracy regressed from 1 to 0.5/)
		});
		expect(await cli('compare', [String(a), String(b), '--fail-on-regression', 'accuracy:0.6'])).toMatchObject({
			code: 0,
			stderr: expect.stringMatching(/no regression: accuracy\n/)
		});
		// Every gate counts, not the last one given.
		const both = await cli('compare', [
			String(a),
			String(b),
			'--fail-on-regression',
			'accuracy',
			'--fail-on-regression',
			'errorRate',
			'--json'
		]);
		expect(both.code).toBe(1);
		expect(both.stderr).toMatch(/REGRESSION: accuracy regressed from 1 to 0.5/);
		expect(JSON.parse(both.stdout).regressions).toEqual([expect.stringMatching(/^accuracy regressed/)]);
		expect((await cli('compare', [String(b), String(a), '--fail-on-regression', 'accuracy'])).code).toBe(0);
		expect(await cli('compare', [String(a), String(b), '--fail-on-regression', 'nope'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/unknown metric "nope"/)
		});
		expect(await cli('compare', [String(a), String(b), '--fail-on-regression', 'accuracy:'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/tolerance >= 0, got "accuracy:"/)
		});
		// A count has no better direction; a run not done has no metrics yet: neither is a "regression".
		expect(await cli('compare', [String(a), String(b), '--fail-on-regression', 'items'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/items has no better direction: neither change is a regression/)
		});
		const stopped = JSON.parse((await cli('batch', ['--dataset', small, '--json'])).stdout).runId;
		const db = openDb(env.CONVINCE_DB);
		updateRun(db, stopped, { status: 'interrupted', metrics: null });
		db.$client.close();
		const unfinished = await cli('compare', [String(a), String(stopped), '--fail-on-regression', 'accuracy']);
		expect(unfinished).toMatchObject({
			code: 1,
			stderr: expect.stringMatching(
				new RegExp(
					`run ${stopped} is interrupted: no metrics to gate on until it is done \\(npm run batch -- --resume ${stopped}\\)`
				)
			)
		});
		expect(unfinished.stderr).not.toMatch(/REGRESSION/);
		const limited = JSON.parse((await cli('batch', ['--dataset', small, '--limit', '1', '--json'])).stdout).runId;
		const partial = await cli('compare', [String(b), String(limited), '--fail-on-regression', 'accuracy:1']);
		expect(partial.stdout).toMatch(/dataset: .*small\.jsonl -> .*small\.jsonl, first 1 records\n/);
		expect(partial.stderr).toMatch(/the runs cover different dataset items/);
		const nowhere = path.join(scratch, 'no-such.db');
		expect(await cli('compare', ['1', '2'], { CONVINCE_DB: nowhere })).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/no database at .*no-such\.db \(CONVINCE_DB\)/)
		});
		expect(existsSync(nowhere)).toBe(false);
		expect(await cli('compare', [String(a), '9999'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/run 9999 not found/)
		});
	});
});
