import { error } from '@sveltejs/kit';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * Streams a file the batch runner wrote for a done run (see server/batch/report.ts). Only fixed file
 * names under the run's folder: nothing from the URL becomes a path.
 */
export function reportResponse(runId: string, file: 'summary.html' | 'items.csv', headers: Record<string, string>): Response {
	if (!/^\d+$/.test(runId)) error(404, `run ${runId} not found`);
	const full = path.resolve(process.env.CONVINCE_REPORTS ?? 'reports', `run-${runId}`, file);
	if (!existsSync(full)) error(404, `run ${runId} has no report (reports are written when a run is done)`);
	return new Response(Readable.toWeb(createReadStream(full)) as ReadableStream, { headers });
}
