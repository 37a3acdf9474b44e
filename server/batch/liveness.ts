import { hostname } from 'node:os';
import type { Db } from '../../db/client';
import { listRunningRuns, markRunsInterrupted } from '../../db/queries/runs';
import type { Run } from '../../db/schema';

/** A batch writes at least this often while alive (see the runner's heartbeat). */
export const HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 6 * HEARTBEAT_MS;

function processExists(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** On this host the process table answers; elsewhere only a recent heartbeat does. */
export function isRunAlive(run: Run, now = Date.now()): boolean {
	if (run.status !== 'running') return false;
	if (run.host === hostname() && run.pid !== null) return processExists(run.pid);
	return run.heartbeatAt !== null && now - run.heartbeatAt.getTime() < STALE_AFTER_MS;
}

/** A run left "running" by a killed process (SIGKILL, power loss) becomes interrupted, hence resumable. */
export function settleAbandonedRuns(db: Db): void {
	markRunsInterrupted(
		db,
		listRunningRuns(db)
			.filter((run) => !isRunAlive(run))
			.map((run) => run.id)
	);
}
