/** Items/s from the first item's end to the last one's: the rate once start-up is paid. */
export function steadyRate() {
	let first;
	let last;
	return {
		record: (done) => {
			const now = performance.now();
			first ??= { done, now };
			last = { done, now };
		},
		itemsPerSecond: () => (last && last.now > first.now ? (last.done - first.done) / ((last.now - first.now) / 1000) : 0)
	};
}
