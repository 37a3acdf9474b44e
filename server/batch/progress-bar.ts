import cliProgress from 'cli-progress';
import type { Progress } from './runner';

const QUIET_INTERVAL_MS = 5_000;

function seconds(value: number | null): string {
	if (value === null) return '?';
	const s = Math.round(value);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The ETA while items run; once they are all done, what the run is busy with instead. */
function status(progress: Progress): string {
	return progress.stage === 'report' ? 'computing metrics, writing the report' : `ETA ${seconds(progress.etaSeconds)}`;
}

function line(progress: Progress): string {
	const rate = progress.itemsPerSecond.toFixed(1);
	return `${progress.done}/${progress.total} | ${rate} items/s | ${status(progress)} | ${progress.errors} errors`;
}

/** A live bar on a terminal; on a pipe or CI log, one line every few seconds instead of a flood. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
	if (!stream.isTTY) {
		let last = -Infinity;
		return {
			update(progress: Progress) {
				const now = performance.now();
				if (now - last < QUIET_INTERVAL_MS && progress.done < progress.total && progress.stage === 'items') return;
				last = now;
				stream.write(`${label}: ${line(progress)}\n`);
			},
			stop() {}
		};
	}
	const bar = new cliProgress.SingleBar(
		{
			stream,
			format: `${label} {bar} {percentage}% | {value}/{total} | {rate} items/s | {status} | {errors} errors`,
			hideCursor: true
		},
		cliProgress.Presets.shades_classic
	);
	let started = false;
	return {
		update(progress: Progress) {
			const payload = {
				rate: progress.itemsPerSecond.toFixed(1),
				status: status(progress),
				errors: progress.errors
			};
			if (!started) bar.start(progress.total, progress.done, payload);
			else bar.update(progress.done, payload);
			started = true;
			// The bar redraws on a timer, which the synchronous metrics and report would hold off until they are done.
			if (progress.stage === 'report') bar.render();
		},
		stop() {
			if (started) bar.stop();
		}
	};
}
