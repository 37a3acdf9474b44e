import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../server/batch/progress-bar';
import type { Progress } from '../../../server/batch/runner';

/** A pipe or CI log: not a terminal, so the bar writes plain lines. */
function logStream() {
	const lines: string[] = [];
	const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
	return { lines, stream };
}

const progress = (done: number, stage: Progress['stage'] = 'items'): Progress => ({
	runId: 1,
	stage,
	done,
	total: 100,
	errors: 0,
	problems: 0,
	itemsPerSecond: 50,
	etaSeconds: (100 - done) / 50
});

describe('the batch progress bar on a log', () => {
	it('writes a line every few seconds, the last item, then that the report is being written', () => {
		const { lines, stream } = logStream();
		const bar = progressBar('run', stream);
		bar.update(progress(10));
		bar.update(progress(20));
		bar.update(progress(100));
		bar.update(progress(100, 'report'));
		expect(lines).toEqual([
			'run: 10/100 | 50.0 items/s | ETA 2s | 0 errors\n',
			'run: 100/100 | 50.0 items/s | ETA 0s | 0 errors\n',
			'run: 100/100 | 50.0 items/s | computing metrics, writing the report | 0 errors\n'
		]);
	});
});

describe('the batch progress bar on a terminal', () => {
	it('shows at once that the report is being written, though the metrics and report then block the event loop', () => {
		const writes: string[] = [];
		const stream = { isTTY: true, columns: 200, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
		const bar = progressBar('run', stream);
		bar.update(progress(10));
		bar.update(progress(100));
		bar.update(progress(100, 'report'));
		try {
			expect(writes.join('')).toMatch(/100\/100 \| 50\.0 items\/s \| computing metrics, writing the report/);
		} finally {
			bar.stop();
		}
	});
});
