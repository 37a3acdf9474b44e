/** How the run pages and the compare command name a batch run's dataset. */

interface RunDataset {
	datasetName: string;
	datasetPath: string;
	itemLimit: number | null;
	itemsTotal: number;
}

/** `test`, or `test, first 200 records` for a run cut short by --limit. */
export function datasetItems(run: RunDataset): string {
	return run.itemLimit !== null && run.itemsTotal === run.itemLimit
		? `${run.datasetName}, first ${run.itemLimit} records`
		: run.datasetName;
}

/**
 * The dataset a debug-page link names to reopen one of the run's items: a named dataset (`test`) by its
 * name, a file by the path the run resolved (the server opens stored runs' files wherever they are).
 */
export function debugDataset(run: Pick<RunDataset, 'datasetName' | 'datasetPath'>): string {
	return /\.(jsonl|csv)$/i.test(run.datasetName) ? run.datasetPath : run.datasetName;
}
