import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isActionFailure, isRedirect } from '@sveltejs/kit';
import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The pages' server loads and form actions, called in-process the way SvelteKit calls them, against the
 * real in-process tRPC caller serving the small wordcount pipeline and a fixture dataset.
 */

const DATASET = 'tests/browser/fixtures/wordcount.jsonl';
type Event = never;

beforeAll(() => {
	vi.stubEnv('CONVINCE_PIPELINE', 'wordcount');
	vi.stubEnv('CONVINCE_DATASETS', DATASET);
	vi.stubEnv('CONVINCE_API_KEY', 'a-key-the-pages-never-need-0123456789');
	// Saved inputs go to a database of this test's own.
	vi.stubEnv('CONVINCE_DB', path.join(mkdtempSync(path.join(tmpdir(), 'convince-pages-')), 'pages.db'));
});

const runPage = () => import('../../../src/routes/+page.server');
const comparePage = () => import('../../../src/routes/compare/+page.server');
const stepPage = () => import('../../../src/routes/steps/[name]/+page.server');
const at = (path: string) => new URL(path, 'http://localhost');

function post(fields: Record<string, string>): Request {
	const body = new FormData();
	for (const [name, value] of Object.entries(fields)) body.set(name, value);
	return new Request('http://localhost/?/run', { method: 'POST', body });
}

async function redirectOf(action: () => Promise<unknown>): Promise<string> {
	try {
		await action();
	} catch (thrown) {
		if (isRedirect(thrown)) return thrown.location;
		throw thrown;
	}
	throw new Error('expected a redirect');
}

describe('page errors', () => {
	it("give a step's failure without repeating the step the page titles it with", async () => {
		const { TRPCError } = await import('@trpc/server');
		const { StepError } = await import('../../../src/lib/pipeline/kit');
		const { toTRPCError } = await import('../../../server/errors');
		const { toPageError } = await import('../../../src/lib/ui/calls.server');
		const failed = toTRPCError(
			new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new StepError('count', new Error('boom')) })
		);
		expect(toPageError(failed)).toMatchObject({ kind: 'step', step: 'count', message: 'boom' });
	});
});

describe('runs pages', () => {
	it('read negative and fractional query numbers as numbers, so the procedure names the bound', async () => {
		const { queryInput } = await import('../../../src/routes/runs/caller.server');
		const params = new URLSearchParams('offset=-1&a=2.5&kind=changed&b=');
		expect(queryInput(params, ['offset', 'a', 'b', 'kind'])).toEqual({ offset: -1, a: 2.5, kind: 'changed' });
	});
});

describe('run page', () => {
	it('runs the sample a link names, with the flags it names, through the API key-protected caller', async () => {
		const { load } = await runPage();
		const data = await load({
			locals: {},
			url: at(`/?dataset=${DATASET}&id=fox&flags=${encodeURIComponent('{"threshold":20}')}`)
		} as Event);
		expect(data.error).toBeUndefined();
		// The title counts too: "The fox" + nine words.
		expect(data.run?.output).toEqual({ words: 11, distinct: 8, long: false });
		expect(data.run?.flags).toEqual({ minLength: 1, threshold: 20, verdict: true });
		expect(data.run?.trace?.map((t) => t.status)).toEqual(['ok', 'ok', 'ok']);
		expect(data.source).toMatchObject({ label: { long: true }, title: `${DATASET} / fox` });
		expect(data.shareLink).toBe(
			`/?dataset=${encodeURIComponent(DATASET)}&id=fox&flags=${encodeURIComponent('{"minLength":1,"threshold":20,"verdict":true}')}`
		);
	});

	it('lists the dataset with label filters and search, skipping unreadable lines', async () => {
		const { load } = await runPage();
		const all = await load({ locals: {}, url: at('/') } as Event);
		expect(all.picker.datasets).toEqual([DATASET]);
		const result = all.picker.result?.ok ? all.picker.result.value : undefined;
		expect(result).toMatchObject({ total: 5, size: 5, problems: 1, facets: [{ field: 'long', values: [true, false] }] });
		const filtered = await load({ locals: {}, url: at('/?q=ROSE&label.long=true') } as Event);
		expect(filtered.picker.result?.ok && filtered.picker.result.value.items.map((i) => [i.id, i.title])).toEqual([
			['rose', 'Rose']
		]);
		expect(filtered.run).toBeUndefined();
	});

	it('explains a broken link, bad flags and a missing sample instead of failing', async () => {
		const { load } = await runPage();
		const badJson = await load({ locals: {}, url: at(`/?dataset=${DATASET}&id=fox&flags={oops`) } as Event);
		expect(badJson.error?.issues?.map((i) => i.path)).toEqual([['flags']]);
		const badFlag = await load({
			locals: {},
			url: at(`/?dataset=${DATASET}&id=fox&flags=${encodeURIComponent('{"threshold":-1,"nope":1}')}`)
		} as Event);
		expect(badFlag.error?.kind).toBe('input');
		expect(badFlag.error?.message).toBe('The flags are not valid.');
		expect(badFlag.error?.issues?.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['flags.threshold', 'flags']));
		const missing = await load({ locals: {}, url: at(`/?dataset=${DATASET}&id=nobody`) } as Event);
		expect(missing.error).toMatchObject({ kind: 'notFound', message: expect.stringContaining('nobody') });
		const outside = await load({ locals: {}, url: at('/?dataset=../../etc/passwd.jsonl&id=x') } as Event);
		expect(outside.error).toMatchObject({ kind: 'notFound', message: expect.stringContaining('outside the project') });
	});

	it('answers Run with a redirect to the link that reproduces it: the sample when unchanged, else the input', async () => {
		const { actions } = await runPage();
		const flags = { 'flags.minLength': '2', 'flags.threshold': '5' };
		const unchanged = await redirectOf(() =>
			actions.run({
				request: post({
					'from.dataset': DATASET,
					'from.id': 'rose',
					'input.text': 'A rose is a rose is a rose',
					'input.title': 'Rose',
					...flags,
					browse: DATASET
				})
			} as Event)
		);
		const sample = new URL(unchanged, 'http://localhost').searchParams;
		expect([sample.get('dataset'), sample.get('id'), sample.get('flags'), sample.get('browse')]).toEqual([
			DATASET,
			'rose',
			'{"minLength":2,"threshold":5,"verdict":false}',
			DATASET
		]);
		const edited = await redirectOf(() =>
			actions.run({
				request: post({
					'from.dataset': DATASET,
					'from.id': 'rose',
					'input.text': 'A tulip\r\nis a tulip',
					...flags,
					'flags.verdict': 'on'
				})
			} as Event)
		);
		expect(JSON.parse(new URL(edited, 'http://localhost').searchParams.get('input') ?? '')).toEqual({
			text: 'A tulip\r\nis a tulip'
		});
	});

	it('saves input too long for a link and links to it, and keeps form values beside issues', async () => {
		const { actions, load } = await runPage();
		const fields = { 'input.text': 'word '.repeat(3000), 'flags.minLength': '1', 'flags.threshold': '5' };
		const location = await redirectOf(() => actions.run({ request: post(fields) } as Event));
		const params = new URL(location, 'http://localhost').searchParams;
		expect([params.get('input'), params.get('saved')]).toEqual([null, expect.stringMatching(/^[\w-]{22}$/)]);
		expect(location.length).toBeLessThan(200);
		// The same input keeps its id: submitting it again links to the same place.
		expect(await redirectOf(() => actions.run({ request: post(fields) } as Event))).toBe(location);
		const data = await load({ locals: {}, url: at(location) } as Event);
		expect(data.run?.output).toEqual({ words: 3000, distinct: 1, long: false });
		expect(data.source?.input).toEqual({ text: 'word '.repeat(3000) });
		expect(data.shareLink).toContain(`saved=${params.get('saved')}`);

		const unknown = await load({ locals: {}, url: at('/?saved=AAAAAAAAAAAAAAAAAAAAAA') } as Event);
		expect(unknown.error).toMatchObject({ kind: 'notFound', message: 'No input is saved as "AAAAAAAAAAAAAAAAAAAAAA"' });
		const malformed = await load({ locals: {}, url: at('/?saved=nope') } as Event);
		expect(malformed.error).toMatchObject({
			message: 'This link does not describe a run.',
			issues: [{ path: ['saved'], message: expect.stringContaining('22-character id') }]
		});
		const bad = await actions.run({
			request: post({ 'input.text': 'x', 'flags.minLength': 'two', 'flags.threshold': '5' })
		} as Event);
		// Every answer but a redirect (thrown) is a refusal.
		expect(isActionFailure(bad)).toBe(true);
		expect(bad).toMatchObject({
			status: 400,
			data: {
				values: { 'input.text': 'x', 'flags.minLength': 'two', 'flags.verdict': false },
				error: { issues: [{ path: ['flags', 'minLength'], message: 'Not a number: "two"' }] }
			}
		});
	});
});

describe('compare page', () => {
	it('runs both flag sets and points at the first step whose output differs', async () => {
		const { load } = await comparePage();
		const a = encodeURIComponent('{}');
		const b = encodeURIComponent('{"minLength":4}');
		const data = await load({ locals: {}, url: at(`/compare?dataset=${DATASET}&id=fox&a=${a}&b=${b}`) } as Event);
		expect(data.comparison?.firstDifference).toBe('count');
		expect(data.comparison?.steps.map((s) => [s.step, s.differs])).toEqual([
			['tokens', false],
			['count', true],
			// Different input (5 words instead of 11), same verdict: only outputs count as a difference.
			['verdict', false]
		]);
		expect(data.comparison?.outputsDiffer).toBe(true);
		const later = await load({
			locals: {},
			url: at(`/compare?dataset=${DATASET}&id=fox&a=${a}&b=${encodeURIComponent('{"threshold":12}')}`)
		} as Event);
		expect(later.comparison).toMatchObject({ firstDifference: 'verdict', outputsDiffer: true });
		const same = await load({
			locals: {},
			url: at(`/compare?dataset=${DATASET}&id=fox&a=${a}&b=${encodeURIComponent('{"threshold":6}')}`)
		} as Event);
		expect(same.comparison).toMatchObject({ firstDifference: undefined, outputsDiffer: false });
		// Both sides' flags come whole, defaults filled in, whatever the runs did: "flags that differ" compares them.
		expect(same.flags).toEqual({
			a: { minLength: 1, threshold: 5, verdict: true },
			b: { minLength: 1, threshold: 6, verdict: true }
		});
	});

	it("marks a flag the pipeline refuses beside its side's field, and runs nothing", async () => {
		const { load } = await comparePage();
		const bad = encodeURIComponent('{"threshold":"high"}');
		const data = await load({
			locals: {},
			url: at(`/compare?dataset=${DATASET}&id=fox&a=${bad}&b=${encodeURIComponent('{}')}`)
		} as Event);
		expect(data.runs).toBeUndefined();
		expect(data.source?.title).toBeDefined();
		expect(data.error).toMatchObject({ kind: 'input', issues: [{ path: ['a', 'threshold'] }] });
	});
});

describe('step page', () => {
	it('saves input too long for a link, and runs it from the link to its id', async () => {
		const { actions, load } = await stepPage();
		const tokens = JSON.stringify(Array.from({ length: 2000 }, (_, i) => `w${i % 7}`));
		const request = new Request('http://localhost/steps/count?/run', {
			method: 'POST',
			body: new URLSearchParams({ 'input.tokens': tokens, 'input.minLength': '1' })
		});
		const location = await redirectOf(() => actions.run({ params: { name: 'count' }, request } as Event));
		expect(location).toMatch(/^\/steps\/count\?saved=[\w-]{22}$/);
		const data = await load({ locals: {}, params: { name: 'count' }, url: at(location) } as Event);
		expect(data.error).toBeUndefined();
		expect(data.result?.output).toMatchObject({ words: 2000, distinct: 7 });
		expect(data.shareLink).toBe(location);
		// A pipeline run's "Run this step alone" posts a long step input whole, as JSON.
		const posted = (input: string) =>
			new Request('http://localhost/steps/count?/run', { method: 'POST', body: new URLSearchParams({ input }) });
		const whole = JSON.stringify({ tokens: JSON.parse(tokens), minLength: 1 });
		expect(await redirectOf(() => actions.run({ params: { name: 'count' }, request: posted(whole) } as Event))).toBe(location);
		for (const [body, message] of [
			['{"tokens": [', 'not valid JSON'],
			['', 'empty']
		]) {
			const refused = await actions.run({ params: { name: 'count' }, request: posted(body) } as Event);
			expect(refused).toMatchObject({
				status: 400,
				data: { error: { issues: [{ path: ['input'], message: expect.stringContaining(message) }] } }
			});
		}
		// An id nothing is saved under: said, with no example in the form in its place.
		const unknown = await load({
			locals: {},
			params: { name: 'count' },
			url: at('/steps/count?saved=AAAAAAAAAAAAAAAAAAAAAA')
		} as Event);
		expect([unknown.error?.kind, unknown.input, unknown.result]).toEqual(['notFound', undefined, undefined]);
	});

	it('runs one step from a link, and 404s an unknown step naming the real ones', async () => {
		const { load } = await stepPage();
		const input = encodeURIComponent(JSON.stringify({ tokens: ['a', 'rose', 'a'], minLength: 1 }));
		const data = await load({ locals: {}, params: { name: 'count' }, url: at(`/steps/count?input=${input}`) } as Event);
		expect(data.result).toMatchObject({
			output: { words: 3, distinct: 2 },
			debug: {
				top: [
					{ word: 'a', count: 2 },
					{ word: 'rose', count: 1 }
				]
			}
		});
		const bad = await load({
			locals: {},
			params: { name: 'count' },
			url: at(`/steps/count?input=${encodeURIComponent('{"tokens":"a"}')}`)
		} as Event);
		expect(bad.error?.issues?.[0].path).toEqual(['input', 'tokens']);
		// A step has no flags: the message blames the input alone.
		expect(bad.error?.message).toBe('The input is not valid.');
		const locals: Partial<App.Locals> = {};
		const missing = await load({ locals, params: { name: 'count' }, url: at('/steps/count?example=99') } as Event);
		expect(missing.error?.message).toMatch(/^Step "count" has no example number 99 \(it has \d+\)$/);
		expect(locals.pageStatus).toBe(404);
		expect(missing.result).toBeUndefined();
		await expect(load({ locals: {}, params: { name: 'nope' }, url: at('/steps/nope') } as Event)).rejects.toMatchObject({
			status: 404,
			body: { message: expect.stringContaining('tokens, count, verdict') }
		});
	});
});
