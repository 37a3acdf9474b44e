import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeVersion } from '../../../server/batch/code-version';

describe('codeVersion', () => {
	it('counts changed and new code as uncommitted, and datasets, tests and documents beside it not', () => {
		const repo = mkdtempSync(path.join(tmpdir(), 'convince-code-'));
		const git = (...args: string[]) =>
			execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'ignore' });
		git('init', '-q');
		writeFileSync(path.join(repo, 'step.ts'), 'export const x = 1;\n');
		git('add', '.');
		git('commit', '-qm', 'first');
		expect(codeVersion(repo)).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: false });

		writeFileSync(path.join(repo, 'my-sample.jsonl'), '{"id":"a","input":{}}\n');
		mkdirSync(path.join(repo, 'samples'));
		writeFileSync(path.join(repo, 'samples', 'more.csv'), 'id,text\n');
		expect(codeVersion(repo).dirty).toBe(false);

		mkdirSync(path.join(repo, 'tests'));
		writeFileSync(path.join(repo, 'tests', 'step.test.ts'), 'it.todo("x");\n');
		writeFileSync(path.join(repo, 'NOTES.md'), '# notes\n');
		expect(codeVersion(repo).dirty).toBe(false);

		writeFileSync(path.join(repo, 'samples', 'new-step.ts'), 'export const y = 2;\n');
		expect(codeVersion(repo).dirty).toBe(true);
		git('add', 'samples/new-step.ts');
		git('commit', '-qm', 'second');
		writeFileSync(path.join(repo, 'step.ts'), 'export const x = 3;\n');
		expect(codeVersion(repo).dirty).toBe(true);
		expect(codeVersion(tmpdir())).toEqual({ commit: 'unknown', dirty: null });
	});
});
