import { describe, expect, it } from 'vitest';
import { manifest } from '../../../src/lib/pipeline/kit';
import { emailInputSchema } from '../../../src/lib/pipeline/triage/schemas';
import { toJsonSchema } from '../../../src/lib/pipeline/kit';
import { wordcount } from '../../../src/lib/pipeline/wordcount';
import { type Field, controlValues, fieldsOf, readFields } from '../../../src/lib/ui/fields';
import { issuesByField } from '../../../src/lib/ui/issues';

const wordcountManifest = manifest(wordcount);

/** What a browser would submit for these control values (unchecked boxes send nothing). */
function submit(values: Record<string, string | boolean>): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(values)) {
		if (value === true) form.set(name, 'on');
		else if (typeof value === 'string') form.set(name, value);
	}
	return form;
}

describe('fieldsOf', () => {
	it('builds flag controls with kinds, defaults, descriptions and meaningful bounds only', () => {
		const fields = fieldsOf(wordcountManifest.flags, 'flags');
		expect(fields.map((f) => [f.name, f.kind, f.default])).toEqual([
			['flags.minLength', 'integer', 1],
			['flags.threshold', 'integer', 5],
			['flags.verdict', 'boolean', true]
		]);
		expect(fields[0]).toMatchObject({
			label: 'Min length',
			description: 'Ignore words shorter than this',
			minimum: 1,
			maximum: 20,
			required: false
		});
		// zod's ±MAX_SAFE_INTEGER int bounds are not shown as limits.
		expect(fields[1].maximum).toBeUndefined();
	});

	it('gives long or unbounded strings a text area and short ones a line', () => {
		const email = fieldsOf(toJsonSchema(emailInputSchema, 'input'), 'input');
		// Fields an author adds to the input may come on top of these.
		expect(email.map((f) => [f.name, f.kind])).toEqual(
			expect.arrayContaining([
				['input.raw', 'textarea'],
				['input.subject', 'text'],
				['input.from', 'text'],
				['input.body', 'textarea']
			])
		);
		const count = fieldsOf(wordcountManifest.steps[1].input, 'input');
		expect(count.map((f) => [f.name, f.kind, f.required])).toEqual([
			['input.tokens', 'json', true],
			['input.minLength', 'integer', false]
		]);
	});

	it('offers the values of enums and unions of literals as choices, nullable ones with null', () => {
		const fields = fieldsOf(
			{
				type: 'object',
				properties: {
					model: { type: 'string', enum: ['logistic', 'bayes'], default: 'logistic' },
					mode: { anyOf: [{ const: 'a' }, { const: 'b' }] },
					queue: { anyOf: [{ type: 'string', maxLength: 20 }, { type: 'null' }] }
				},
				required: ['queue']
			},
			'flags'
		);
		expect(fields.map((f) => [f.kind, f.options, f.nullable])).toEqual([
			['choice', ['logistic', 'bayes'], false],
			['choice', ['a', 'b'], false],
			['text', undefined, true]
		]);
	});
});

describe('readFields', () => {
	const flags = fieldsOf(wordcountManifest.flags, 'flags');

	it('reads back exactly the values controls were filled with', () => {
		for (const value of [
			{ minLength: 3, threshold: 0, verdict: false },
			{ minLength: 1, threshold: 12, verdict: true }
		]) {
			expect(readFields(flags, submit(controlValues(flags, value)))).toEqual({ value, issues: [] });
		}
		const count = fieldsOf(wordcountManifest.steps[1].input, 'input');
		const input = { tokens: ['a', 'rose', 'a'], minLength: 2 };
		expect(readFields(count, submit(controlValues(count, input))).value).toEqual(input);
	});

	it('fills controls from defaults when the value lacks a field', () => {
		expect(controlValues(flags, {})).toEqual({ 'flags.minLength': '1', 'flags.threshold': '5', 'flags.verdict': true });
	});

	it('leaves out empty optional fields so defaults apply, and keeps empty required text', () => {
		const input = fieldsOf(wordcountManifest.input, 'input');
		expect(readFields(input, submit({ 'input.text': '', 'input.title': '' })).value).toEqual({ text: '' });
		expect(readFields(flags, submit({ 'flags.minLength': '', 'flags.threshold': ' ' })).value).toEqual({ verdict: false });
	});

	it('names the field of anything a form cannot express', () => {
		const count = fieldsOf(wordcountManifest.steps[1].input, 'input');
		const { issues } = readFields(count, submit({ 'input.tokens': '[1, ', 'input.minLength': 'three' }));
		expect(issues.map((i) => [i.path.join('.'), i.message.split(':')[0]])).toEqual([
			['input.tokens', 'Not valid JSON'],
			['input.minLength', 'Not a number']
		]);
		const choice: Field[] = [
			{ name: 'flags.model', label: 'Model', kind: 'choice', options: ['a', 'b'], required: true, nullable: false }
		];
		expect(readFields(choice, submit({ 'flags.model': 'c' })).issues[0].message).toBe('Pick one of: a, b');
	});

	it('turns an empty required nullable field into null', () => {
		const fields = fieldsOf(
			{ type: 'object', properties: { queue: { type: ['string', 'null'], maxLength: 10 } }, required: ['queue'] },
			'label'
		);
		expect(readFields(fields, submit({ 'label.queue': '' })).value).toEqual({ queue: null });
	});
});

describe('issuesByField', () => {
	it('puts issues beside the field their path points into and keeps the rest general', () => {
		const fields = fieldsOf(wordcountManifest.steps[1].input, 'input');
		const { byField, general } = issuesByField(
			[
				{ path: ['input', 'tokens', 2], message: 'Expected string' },
				{ path: ['input', 'minLength'], message: 'Too small' },
				{ path: ['flags'], message: 'Unrecognized key: "nope"' }
			],
			fields
		);
		expect(byField).toEqual({ 'input.tokens': ['2: Expected string'], 'input.minLength': ['Too small'] });
		expect(general.map((i) => i.path)).toEqual([['flags']]);
	});
});
