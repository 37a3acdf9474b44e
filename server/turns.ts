/**
 * Starts the functions given to it one per turn of the event loop (setImmediate), in order. Pipeline
 * runs await between steps, so runs started together take turns step by step: each one's step timings
 * would count the others' steps, and the steps' one-text memos would be evicted. A run whose awaits all
 * settle at once (CPU-bound) finishes within its turn; one that waits on I/O ends its turn early, so the
 * next starts meanwhile, as on a server's event loop.
 */
export function oneRunPerTurn(): <T>(run: () => Promise<T>) => Promise<T> {
	const waiting: (() => void)[] = [];
	let scheduled = false;
	const startNext = () => {
		waiting.shift()?.();
		scheduled = waiting.length > 0;
		if (scheduled) setImmediate(startNext);
	};
	return (run) =>
		new Promise<void>((resolve) => {
			waiting.push(resolve);
			if (!scheduled) {
				scheduled = true;
				setImmediate(startNext);
			}
		}).then(run);
}
