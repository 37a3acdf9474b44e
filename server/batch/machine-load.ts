import { cpus } from 'node:os';

/** CPU milliseconds the machine has been busy, every core and every process together. */
function machineBusyMs(): number {
	return cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/** CPU milliseconds this process has used, all its threads together. */
function ownCpuMs(): number {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
}

/**
 * Starts watching the CPU time other processes use: the returned function gives it in milliseconds
 * since the call. What a run's timings are worth depends on it: on a machine others keep busy, a
 * step waits for a core, and its p95 can grow fourfold with no change to its code.
 */
export function othersCpuWatch(): () => number {
	const [machine, own] = [machineBusyMs(), ownCpuMs()];
	return () => Math.max(0, machineBusyMs() - machine - (ownCpuMs() - own));
}
