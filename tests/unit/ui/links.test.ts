import { describe, expect, it } from 'vitest';
import type { Issue } from '../../../src/lib/pipeline/kit';
import {
	MAX_LINK_CHARS,
	linkTo,
	pickerParams,
	readFlagParams,
	readSource,
	shareableLink,
	sourceFields
} from '../../../src/lib/ui/links';

const paramsOf = (link: string) => new URL(link, 'http://x').searchParams;

describe('run links', () => {
	it('write the format batch runs link to, and read it back', () => {
		const link = linkTo('/', { dataset: 'test', id: 'spam-1-00013' }, { flags: { spamThreshold: 0.7 } });
		expect(link).toBe('/?dataset=test&id=spam-1-00013&flags=%7B%22spamThreshold%22%3A0.7%7D');
		const issues: Issue[] = [];
		expect(readSource(paramsOf(link), issues)).toEqual({ dataset: 'test', id: 'spam-1-00013' });
		expect(readFlagParams(paramsOf(link), ['flags'], issues)).toEqual({ flags: { spamThreshold: 0.7 } });
		expect(issues).toEqual([]);
	});

	it('carry typed input and examples too', () => {
		const issues: Issue[] = [];
		const input = { text: 'a & b = "c"\n<d>' };
		expect(readSource(paramsOf(linkTo('/', { input })), issues)).toEqual({ input });
		expect(readSource(paramsOf(linkTo('/compare', { example: 2 }, { a: {}, b: { x: 1 } })), issues)).toEqual({ example: 2 });
		expect(issues).toEqual([]);
	});

	it('report broken parameters by name instead of failing', () => {
		const issues: Issue[] = [];
		expect(readSource(paramsOf('/?input=%7Bnope'), issues)).toBeUndefined();
		readFlagParams(paramsOf('/?flags=[1]&a=nope'), ['flags', 'a'], issues);
		readSource(paramsOf('/?example=-1'), issues);
		expect(issues.map((i) => i.path[0])).toEqual(['input', 'flags', 'a', 'example']);
	});

	it('are refused when too long to share', () => {
		expect(shareableLink('/', { input: { text: 'x'.repeat(MAX_LINK_CHARS) } })).toBeUndefined();
		expect(shareableLink('/', { dataset: 'all', id: 'x' })).toBe('/?dataset=all&id=x');
	});

	it('keep only the picker parameters and the hidden source fields a form needs', () => {
		expect(
			pickerParams(paramsOf('/?dataset=a&id=b&browse=test&q=free&label.spam=true&offset=25&flags=%7B%7D&label.queue='))
		).toEqual({
			browse: 'test',
			q: 'free',
			'label.spam': 'true',
			offset: '25'
		});
		expect(sourceFields({ dataset: 'test', id: '7' })).toEqual({ 'from.dataset': 'test', 'from.id': '7' });
		expect(sourceFields({ input: {} })).toEqual({});
	});
});
