import { TRPCError } from '@trpc/server';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../../../server/batch/worker-bundle';
import { createContextInner } from '../../../server/context';
import { errorDetails } from '../../../server/errors';
import { openPipelinePool } from '../../../server/pipeline-pool/pool';
import { type PipelineRunner, createPipelineRunner } from '../../../server/pipeline-pool/runner';
import { describeFailure, errorOfFailure } from '../../../server/pipeline-pool/task';
import { createAppRouter } from '../../../server/routers/_app';
import { createCallerFactory } from '../../../server/trpc';
import { type AnyPipeline, InputError, OutputError, StepError, pipelines as appPipelines } from '../../../src/lib/pipeline';
import { withoutTimings } from '../../http/timings';
import { fragile } from './fragile';
import { pipelines } from './pool-registry';

const POOL_WORKER = {
	module: fileURLToPath(new URL('../../../server/pipeline-pool/task.ts', import.meta.url)),
	factory: 'poolWorker'
};

const pools: PipelineRunner[] = [];
let workerModule = '';
beforeAll(async () => {
	workerModule = await bundleWorker(new URL('./pool-registry.ts', import.meta.url).href, POOL_WORKER);
});
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

function openPool(name: keyof typeof pipelines, size = 1): PipelineRunner {
	const onCrash = (error: unknown) => expect.fail(`a worker crashed: ${String(error)}`);
	const pool = openPipelinePool({ workerModule, pipeline: name, size, onCrash });
	pools.push(pool);
	return pool;
}

function callerFor<P extends AnyPipeline>(pipeline: P, runner?: PipelineRunner<P>) {
	return createCallerFactory(createAppRouter(pipeline, runner))(createContextInner({ pipeline, authorized: true }));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => expect.fail('expected a rejection'),
		(error: unknown) => error
	);
}

describe('pipeline pool', () => {
	it('answers the pipeline procedure as the event loop does, from worker threads', async () => {
		const pooled = callerFor(appPipelines.wordcount, openPool('wordcount', 2) as PipelineRunner<typeof appPipelines.wordcount>);
		const inline = callerFor(appPipelines.wordcount);
		for (const request of [
			{ input: { text: 'one two three four five' }, flags: { threshold: 3 } },
			{ input: { text: 'a bb a ccc', title: 'Title' }, debug: true }
		]) {
			expect(withoutTimings(await pooled.pipeline.run(request))).toEqual(withoutTimings(await inline.pipeline.run(request)));
		}
	});

	it('keeps the API errors: a failing step 422 with its trace, a bug 500 without details', async () => {
		const pooled = callerFor(fragile, openPool('fragile') as PipelineRunner<typeof fragile>);
		const inline = callerFor(fragile);
		for (const request of [{ input: { text: 'boom' } }, { input: { text: 'boom' }, debug: true }]) {
			const [viaPool, onLoop] = [await failure(pooled.pipeline.run(request)), await failure(inline.pipeline.run(request))];
			expect(viaPool).toBeInstanceOf(TRPCError);
			const [poolError, loopError] = [viaPool as TRPCError, onLoop as TRPCError];
			expect([poolError.code, poolError.message]).toEqual(['UNPROCESSABLE_CONTENT', loopError.message]);
			expect(errorDetails(poolError)).toMatchObject({ step: 'echo' });
			expect(errorDetails(poolError).trace?.map((entry) => (entry as { status: string }).status)).toEqual(
				errorDetails(loopError).trace?.map((entry) => (entry as { status: string }).status)
			);
		}
		const bug = (await failure(pooled.pipeline.run({ input: { text: 'x' }, flags: { crash: true } }))) as TRPCError;
		expect([bug.code, bug.message]).toEqual(['INTERNAL_SERVER_ERROR', 'Internal server error']);
	});

	it('runs a step given much text on a worker, with the answers and errors of the event loop', async () => {
		const pool = openPool('fragile') as PipelineRunner<typeof fragile>;
		const [pooled, inline] = [callerFor(fragile, pool), callerFor(fragile)];
		const long = { input: { text: 'x'.repeat(3000) } };
		expect(withoutTimings(await pooled.steps.echo(long))).toEqual(withoutTimings(await inline.steps.echo(long)));
		const failing = { input: { text: `boom${'x'.repeat(3000)}` } };
		const [viaPool, onLoop] = [await failure(pooled.steps.echo(failing)), await failure(inline.steps.echo(failing))];
		expect([(viaPool as TRPCError).code, (viaPool as TRPCError).message]).toEqual([
			'UNPROCESSABLE_CONTENT',
			(onLoop as TRPCError).message
		]);
		// A step breaking its own output contract stays the step's bug, a 500, however it crossed threads.
		const [echo, brokenOutput] = fragile.steps;
		expect(await failure(Promise.resolve(pool.runStep(brokenOutput, {}, { debug: false })))).toBeInstanceOf(OutputError);
		expect(await failure(Promise.resolve(pool.runStep(echo, { text: 'boom' }, { debug: false })))).toBeInstanceOf(StepError);
	});

	it('rejects input the worker finds invalid with the field path', async () => {
		const error = await failure(openPool('fragile').run({ text: 'x'.repeat(101) }, {}));
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).issues[0].path).toEqual(['input', 'text']);
	});

	it('fails a run whose models cannot load, or whose worker dies, and goes on serving', async () => {
		await expect(openPool('broken').run({ text: 'x' }, {})).rejects.toThrow('model file missing');
		const hungry = openPool('hungry');
		await expect(hungry.run({ text: 'feast' }, {})).rejects.toThrow();
		expect((await hungry.run({ text: 'fine' }, {})).output).toEqual({ text: 'FINE' });
	});

	it('tells of workers that cannot start, and fails the runs left waiting for them once closed', async () => {
		const unstartable = await bundleWorker(new URL('./unstartable-registry.ts', import.meta.url).href, POOL_WORKER);
		let crashed: (error: unknown) => void = () => {};
		const crash = new Promise((resolve) => (crashed = resolve));
		const pool = openPipelinePool({ workerModule: unstartable, pipeline: 'fragile', size: 1, onCrash: crashed });
		const waiting = expect(pool.run({ text: 'x' }, {})).rejects.toThrow();
		expect(String(await crash)).toContain('cannot start in a worker');
		await pool.close();
		await waiting;
	});

	it('fails a run whose debug data cannot cross threads, and keeps its worker', async () => {
		const pool = openPool('leaky');
		const before = await pool.run({ text: 'x' }, {});
		await expect(pool.run({ text: 'x' }, { debug: true })).rejects.toThrow(/could not be cloned/);
		expect((await pool.run({ text: 'x' }, {})).output).toEqual(before.output);
	});

	it('overlaps runs that wait on I/O, as the event loop does', async () => {
		const pool = openPool('together');
		const runs = await Promise.all(['3', '3', '3'].map((text) => pool.run({ text }, {})));
		expect(runs.map((run) => run.output)).toEqual([{ text: '3' }, { text: '3' }, { text: '3' }]);
	});

	it('runs that never wait on I/O, sent together, run one after the other', async () => {
		const pool = openPool('solo');
		const texts = Array.from({ length: 8 }, (_, i) => `run ${i}`);
		const runs = await Promise.all(texts.map((text) => pool.run({ text }, {})));
		expect(runs.map((run) => run.output.text)).toEqual(texts.map((text) => text.toUpperCase()));
	});

	it('runs on the event loop where workers cannot load the code (TypeScript sources)', async () => {
		const runner = createPipelineRunner(fragile, { pipelineWorkers: 2 });
		expect((await runner.run({ text: 'hi' }, {})).output).toEqual({ text: 'hi' });
		await runner.close();
	});
});

describe('run failures between threads', () => {
	it('keep the class, the step, the issues and the trace; a bug keeps its stack for the log', () => {
		const input = errorOfFailure(describeFailure(new InputError([{ path: ['input', 'text'], message: 'Required' }])));
		expect(input).toBeInstanceOf(InputError);
		expect((input as InputError).issues).toEqual([{ path: ['input', 'text'], message: 'Required' }]);

		const original = new StepError('echo', new Error('cannot echo'), [{ step: 'echo', status: 'error' }]);
		const step = errorOfFailure(describeFailure(original));
		expect(step).toBeInstanceOf(StepError);
		expect([step.message, (step as StepError).step, (step as StepError).trace]).toEqual([
			original.message,
			'echo',
			original.trace
		]);

		const issues = [{ path: ['output', 'count'], message: 'Expected number' }];
		const broken = errorOfFailure(describeFailure(new StepError('count', new OutputError('count', issues))));
		expect((broken as StepError).cause).toMatchObject({ name: 'OutputError', issues });

		const thrown = new TypeError('x is undefined');
		const bug = errorOfFailure(describeFailure(thrown));
		expect([bug.name, bug.message, bug.stack]).toEqual(['TypeError', 'x is undefined', thrown.stack]);
	});
});
