import { execFileSync } from 'node:child_process';

export interface CodeVersion {
	/** Full commit hash, or "unknown" outside a git checkout (e.g. a deployed build). */
	commit: string;
	/** Uncommitted changes to tracked or new files other than datasets, tests and documents; null when unknown. */
	dirty: boolean | null;
}

/**
 * Dataset files are data, not code: a run records its dataset's hash, and an evaluator's own sample
 * saved in the project folder (where the README has dataset paths relative to) made every later run
 * "uncommitted changes", and Explain then warned that the code differed. Tests and documents are no
 * code a run executes either.
 */
const NOT_CODE = [':(exclude)*.jsonl', ':(exclude)*.csv', ':(exclude)tests', ':(exclude)*.md'];

/** The code a run was produced by, so a comparison can say when results came from different code. */
export function codeVersion(cwd = process.cwd()): CodeVersion {
	const git = (args: string[]) =>
		execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	try {
		const commit = git(['rev-parse', 'HEAD']);
		// Every untracked file by name, so that a folder of datasets is left out too.
		return { commit, dirty: git(['status', '--porcelain', '--untracked-files=all', '--', '.', ...NOT_CODE]) !== '' };
	} catch {
		return { commit: 'unknown', dirty: null };
	}
}
