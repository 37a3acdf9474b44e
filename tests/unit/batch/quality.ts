/** A run's metrics without those of the machine (timings, its load): what a resumed and a straight run share. */
export const quality = (metrics: Record<string, number> | null) =>
	Object.fromEntries(Object.entries(metrics ?? {}).filter(([name]) => !/^(latency|duration|load)\./.test(name)));
