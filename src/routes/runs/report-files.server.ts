import { error } from '@sveltejs/kit';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { getDb } from '$db/client';
import { getRun } from '$db/queries/runs';

/**
 * Streams a file the batch runner wrote for a done run (see server/batch/report.ts). Only fixed file
 * names under the run's folder: nothing from the URL becomes a path. The run must be a done run of
 * this database: a reports folder kept from another database holds other runs under the same ids.
 */
export function reportResponse(runId: string, file: 'summary.html' | 'items.csv', headers: Record<string, string>): Response {
	// A run id is a positive safe integer; anything else names no run (not a bad parameter).
	if (!/^[1-9]\d{0,14}$/.test(runId)) error(404, `run ${runId} not found`);
	// The run's row only: the run procedure would count its items' outcomes for a file download.
	const run = getRun(getDb(), Number(runId));
	if (!run) error(404, `run ${runId} not found`);
	if (run.status !== 'done') error(404, `run ${runId} is ${run.status}: its report is written when it is done`);
	const full = path.resolve(process.env.CONVINCE_REPORTS ?? 'reports', `run-${runId}`, file);
	if (!existsSync(full)) error(404, `run ${runId} has no report (reports are written when a run is done)`);
	return new Response(Readable.toWeb(createReadStream(full)) as ReadableStream, { headers });
}
