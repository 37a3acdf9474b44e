import { execFileSync } from 'node:child_process';

export interface CodeVersion {
	/** Full commit hash, or "unknown" outside a git checkout (e.g. a deployed build). */
	commit: string;
	/** Uncommitted changes to tracked or new files; null when unknown. */
	dirty: boolean | null;
}

function git(args: string[]): string {
	return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The code a run was produced by, so a comparison can say when results came from different code. */
export function codeVersion(): CodeVersion {
	try {
		const commit = git(['rev-parse', 'HEAD']);
		return { commit, dirty: git(['status', '--porcelain', '--untracked-files=normal']) !== '' };
	} catch {
		return { commit: 'unknown', dirty: null };
	}
}
