import { describe, expect, it } from 'vitest';
import { briefFields, showsAll } from '../../../src/lib/ui/brief';

const output = {
	action: 'route',
	queue: null,
	reasons: ['looks like a "rpm" mail', 'second', 'third', 'fourth'],
	spamScore: 0.000325060988910345,
	blocklisted: false,
	route: { queue: 'rpm', confidence: 0.99 },
	subject: 'x'.repeat(100),
	entities: [{ type: 'URL', value: 'http://a.example/' }],
	tags: []
};
const texts = (fields: { name: string; text: string }[]) => fields.map(({ name, text }) => [name, text]);

describe('briefFields', () => {
	it('keeps the scalars and scalar lists in order, formatted and clipped, and leaves nested values to the tree', () => {
		const fields = briefFields(output);
		expect(texts(fields)).toEqual([
			['action', 'route'],
			['queue', '—'],
			['reasons', 'looks like a "rpm" mail; second; third; +1 more'],
			['spamScore', '0.00033'],
			['blocklisted', 'no'],
			['subject', `${'x'.repeat(80)}…`],
			['tags', '(none)']
		]);
		expect(fields.filter((field) => !field.whole).map((field) => field.name)).toEqual(['reasons', 'subject']);
		expect(showsAll(output, fields)).toBe(false);
	});

	it('shows only the named fields when given some, nested ones as clipped JSON, missing ones as absent', () => {
		const fields = briefFields(output, ['route', 'action', 'gone']);
		expect(texts(fields)).toEqual([
			['route', '{"queue":"rpm","confidence":0.99}'],
			['action', 'route'],
			['gone', '(absent)']
		]);
		expect(showsAll(output, fields)).toBe(false);
		expect(briefFields(output, [])).toEqual(briefFields(output));
	});

	it('needs no tree beside an object it shows whole', () => {
		const label = { spam: false, queue: 'rpm', tags: ['a', 'b'] };
		expect(showsAll(label, briefFields(label))).toBe(true);
		expect(showsAll({ ...label, tags: ['a', 'b', 'c', 'd'] }, briefFields({ ...label, tags: ['a', 'b', 'c', 'd'] }))).toBe(false);
	});

	it('shows a value that is not an object as one unnamed field', () => {
		expect(texts(briefFields(0.5))).toEqual([['', '0.5']]);
		expect(texts(briefFields(null))).toEqual([['', '—']]);
		expect(texts(briefFields(-1e-9))).toEqual([['', '-1e-9']]);
		const list = [{ a: 1 }];
		expect(texts(briefFields(list))).toEqual([['', '[{"a":1}]']]);
		expect(showsAll(list, briefFields(list))).toBe(true);
		expect(showsAll([1, 2], briefFields([1, 2]))).toBe(true);
		const long = Array.from({ length: 40 }, (_, i) => ({ i }));
		expect(briefFields(long)[0].text).toHaveLength(161);
		expect(showsAll(long, briefFields(long))).toBe(false);
	});
});
