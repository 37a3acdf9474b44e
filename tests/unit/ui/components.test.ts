import type { Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { manifest, runPipeline } from '../../../src/lib/pipeline/kit';
import { wordcount } from '../../../src/lib/pipeline/wordcount';
import DebugView from '../../../src/lib/components/DebugView.svelte';
import Fields from '../../../src/lib/components/Fields.svelte';
import JsonTree from '../../../src/lib/components/JsonTree.svelte';
import RunResult from '../../../src/lib/components/RunResult.svelte';
import RunSummary from '../../../src/lib/components/RunSummary.svelte';
import TableView from '../../../src/lib/components/TableView.svelte';
import { triage } from '../../../src/lib/pipeline/triage';
import { controlValues, fieldsOf, readFields } from '../../../src/lib/ui/fields';

const wordcountManifest = manifest(wordcount);
const PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '"><svg onload=alert(3)>'];

/**
 * Server-side render: the markup a browser without JavaScript gets and hydration starts from, without
 * hydration comments and scoped-style class names so assertions read like the markup as written.
 */
// `unknown`: plain tsc types .svelte imports as legacy classes, svelte-check as components.
const html = (component: unknown, props: Record<string, unknown>) =>
	render(component as Component<Record<string, unknown>>, { props })
		.body.replace(/<!--[^]*?-->/g, '')
		.replace(/ ?\bsvelte-[a-z0-9]+\b/g, '')
		.replace(/ class=""/g, '')
		.replace(/class=" /g, 'class="');

describe('untrusted text', () => {
	it('is escaped everywhere a value can appear: tree keys and values, spans, tables, summaries', async () => {
		const text = PAYLOADS.join(' ');
		const run = await runPipeline(wordcount, { text, title: PAYLOADS[1] }, { debug: true });
		const markup = [
			html(JsonTree, { value: { [PAYLOADS[0]]: PAYLOADS, long: text.repeat(20) }, open: true }),
			html(RunResult, { manifest: wordcountManifest, output: run.output, trace: run.trace, label: { long: PAYLOADS[2] } })
		].join('\n');
		expect(markup).not.toMatch(/<script>alert|<img src=x|<svg onload/);
		expect(markup).toContain('&lt;script>alert(1)&lt;/script>');
		expect(markup).toContain('&lt;img src=x onerror=alert(2)>');
	});
});

describe('text that hides what it says', () => {
	it('shows direction controls, zero-width and control characters as code points, wherever a value appears', async () => {
		const spoofed =
			'Invoice \u202Efdp.exe, V\u00ADiagra, a\u200Bb, bell\u0007, tag\u{E0041}, blank\u3164, family 👨\u200D👩\u200D👧';
		const run = await runPipeline(wordcount, { text: spoofed, title: spoofed }, { debug: true });
		const markup = [
			html(JsonTree, { value: { spoofed, long: spoofed.repeat(20) }, open: true }),
			html(RunResult, { manifest: wordcountManifest, output: run.output, trace: run.trace, label: { long: spoofed } })
		].join('\n');
		for (const hidden of ['\u202E', '\u00AD', '\u200B', '\u0007', '\u{E0041}', '\u3164']) expect(markup).not.toContain(hidden);
		// Joiners stay: an emoji family is one picture.
		expect(markup).toContain('👨\u200D👩\u200D👧');
		for (const [code, name] of [
			['U+202E', 'right-to-left override'],
			['U+00AD', 'soft hyphen'],
			['U+200B', 'zero-width space'],
			['U+0007', 'control character'],
			['U+E0041', 'tag character'],
			['U+3164', 'Hangul filler']
		])
			expect(markup).toContain(`<span class="invisible" title="${name}">${code}</span>`);
	});

	it('escapes quotes and line ends inside a string, as JSON does, so the string ends where it seems to', () => {
		const markup = html(JsonTree, { value: { from: '"Quoted Printable" <qp@example.com>\n' }, open: true });
		expect(markup).toContain('"\\"Quoted Printable\\" &lt;qp@example.com>\\n"');
	});
});

describe('DebugView', () => {
	it('draws each debug field by its display hint: spans highlighted in the input text, ranked tables', async () => {
		const run = await runPipeline(wordcount, { text: 'A rose is a rose' }, { debug: true });
		const [tokens, count] = run.trace ?? [];
		if (tokens.status !== 'ok' || count.status !== 'ok') throw new Error('steps failed');
		const spans = html(DebugView, { schema: wordcountManifest.steps[0].debug, debug: tokens.debug, input: tokens.input });
		expect(spans).toContain('data-display="spans"');
		expect(spans.match(/<mark class="tone-0" title="word">/g)).toHaveLength(5);
		const table = html(DebugView, { schema: wordcountManifest.steps[1].debug, debug: count.debug, input: count.input });
		expect(table).toContain('data-display="table"');
		expect(table).toMatch(/<th scope="col">word<\/th>.*<th scope="col">count<\/th>/s);
		expect(table).toMatch(/<td[^>]*>rose<\/td>.*<td class="num">2<\/td>/s);
	});

	it('draws bars and key/value records, and falls back to a JSON tree when a value does not fit its hint', () => {
		const schema = {
			type: 'object',
			properties: {
				probabilities: { type: 'object', 'x-display': { kind: 'bars', max: 1 } },
				filter: { type: 'object', 'x-display': { kind: 'keyValue' } },
				spans: { type: 'array', 'x-display': { kind: 'spans', textField: 'missing' } }
			}
		};
		const markup = html(DebugView, {
			schema,
			debug: {
				probabilities: { spam: 0.75, ham: 0.25 },
				filter: { hashes: 7 },
				spans: [{ start: 0, end: 1, label: 'x' }],
				extra: [1]
			},
			input: {}
		});
		expect(markup).toMatch(/data-display="bars".*<th scope="row">spam<\/th>.*width: 75%.*>0\.75</s);
		expect(markup).toMatch(/data-display="keyValue".*hashes.*7/s);
		// No text at the hinted field: the spans are shown as data instead of being dropped.
		expect(markup).toMatch(/data-display="spans"[^]*<details open/);
		expect(markup).toMatch(/Extra/);
	});
});

describe('TableView', () => {
	it('links a column of item ids (display.itemId) to the item in the debug page, and leaves other cells as text', () => {
		const rowSchema = {
			type: 'object',
			properties: { id: { type: 'string', 'x-display': { kind: 'itemId', dataset: 'train' } }, subject: { type: 'string' } }
		};
		const rows = [
			{ id: 'a&b 1', subject: 'id-like text' },
			{ id: 7, subject: 'not a string id' }
		];
		const markup = html(TableView, { rows, rowSchema });
		expect(markup).toContain('<a href="/?dataset=train&amp;id=a%26b+1" title="Open this item in the debug page">a&amp;b 1</a>');
		expect(markup.match(/<a /g)).toHaveLength(1);
		// Without the rows' schema nothing is linked.
		expect(html(TableView, { rows })).not.toContain('<a ');
	});

	it("is how the triage pipeline's similar mails (debug and final output) reach their past mails", () => {
		const triageManifest = manifest(triage);
		const schema = triageManifest.steps.find((step) => step.name === 'similar')?.debug;
		const rows = [{ id: 'spam-1/00042', subject: 'x', spam: true, queue: null, score: 3 }];
		const debug = html(DebugView, {
			schema,
			debug: { queryTerms: [], neighbours: rows },
			input: {}
		});
		expect(debug).toContain('href="/?dataset=train&amp;id=spam-1%2F00042"');
		const summary = html(RunSummary, { schema: triageManifest.output, output: { similar: rows } });
		expect(summary).toContain('href="/?dataset=train&amp;id=spam-1%2F00042"');
	});
});

describe('Fields', () => {
	it('labels every control, describes it with its default, and shows issues beside it', () => {
		const fields = fieldsOf(wordcountManifest.flags, 'flags');
		const markup = html(Fields, {
			fields,
			values: controlValues(fields, { threshold: 9 }),
			errors: { 'flags.threshold': ['Too small: expected number to be >=0'] }
		});
		for (const f of fields) expect(markup).toContain(`id="field-${f.name.replace('.', '-')}"`);
		expect(markup.match(/<label/g)).toHaveLength(fields.length);
		expect(markup).toMatch(/for="field-flags-minLength">Min length/);
		expect(markup).toMatch(/name="flags.threshold"[^>]*aria-invalid="true"/);
		// Read with the field (aria-describedby), not announced apart: the form's summary is the one alert.
		expect(markup).toMatch(/aria-describedby="[^"]*field-flags-threshold-error[^"]*"/);
		expect(markup).toMatch(/id="field-flags-threshold-error">Too small/);
		expect(markup).toMatch(/name="flags.verdict" checked/);
		expect(markup).toContain('Default: 5');
	});

	it('lets a field that takes null be left empty (sent as null), and only others be required', () => {
		const fields = fieldsOf(
			{
				type: 'object',
				properties: {
					subject: { type: 'string', maxLength: 200 },
					mailer: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
					queue: { anyOf: [{ enum: ['sales', 'support'] }, { type: 'null' }] }
				},
				required: ['subject', 'mailer', 'queue']
			},
			'input'
		);
		const markup = html(Fields, { fields, values: controlValues(fields, { subject: 'Hi', mailer: null, queue: null }) });
		expect(markup).toMatch(/<input id="field-input-subject" name="input.subject" type="text" required/);
		expect(markup).toMatch(/<input id="field-input-mailer" name="input.mailer" type="text" (?!required)/);
		expect(markup).toMatch(/<select id="field-input-queue"[^]*<option value=""[^>]*>\(not set\)<\/option>/);
		expect(markup.match(/class="required"/g)).toHaveLength(1);
		expect(readFields(fields, new URLSearchParams({ 'input.subject': 'Hi', 'input.mailer': '', 'input.queue': '' }))).toEqual({
			value: { subject: 'Hi', mailer: null, queue: null },
			issues: []
		});
	});

	it('names the default of a choice left empty, where "(not set)" read like a value of its own', () => {
		const fields = fieldsOf(
			{ type: 'object', properties: { model: { enum: ['logistic', 'bayes'], default: 'logistic' } } },
			'flags'
		);
		const markup = html(Fields, { fields, values: controlValues(fields, {}) });
		expect(markup).toMatch(/<option value=""[^>]*>default \(logistic\)<\/option>/);
		expect(markup).not.toContain('(not set)');
	});
});

describe('RunResult', () => {
	it('shows the summary, the waterfall and one card per step in pipeline order, skipped ones included', async () => {
		const run = await runPipeline(wordcount, { text: 'one two' }, { flags: { verdict: false }, debug: true });
		const markup = html(RunResult, {
			manifest: wordcountManifest,
			output: run.output,
			trace: run.trace,
			durationMs: run.durationMs
		});
		expect([...markup.matchAll(/data-step="(\w+)" data-status="([\w ]+)"/g)].map((m) => [m[1], m[2]])).toEqual([
			['tokens', 'ok'],
			['count', 'ok'],
			['verdict', 'skipped']
		]);
		expect(markup).toContain('Skipped: flag verdict is off');
		expect(markup).toMatch(/data-field="words"[^]*<dt>Words<\/dt> <dd><span class="value">2</);
		expect(markup).toContain('Step timings');
	});

	it('shows where a run stopped: the failing step with its error, later steps as not run', () => {
		const trace = [
			{ step: 'tokens', status: 'ok', startMs: 0, input: { text: 'x' }, output: { tokens: ['x'] }, durationMs: 1 },
			{
				step: 'count',
				status: 'error',
				startMs: 1,
				input: {},
				error: { name: 'Error', message: 'model file missing' },
				durationMs: 1
			}
		];
		const markup = html(RunResult, { manifest: wordcountManifest, trace });
		expect(markup).toMatch(/data-step="count" data-status="error"[^]*This step failed[^]*model file missing/);
		expect(markup).toMatch(/data-step="verdict" data-status="not run"[^]*Did not run/);
		expect(markup).not.toContain('data-testid="summary"');
	});
});
