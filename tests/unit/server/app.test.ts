import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../server/app';
import { createContextInner } from '../../../server/context';
import { createCallerFactory } from '../../../server/trpc';
import { pipelines } from '../../../src/lib/pipeline';

describe('createApp', () => {
	// Alone in its file: a REST call anywhere in the process would coerce the shared schemas first.
	it('has the query operations read strings as numbers from the start, for every caller', async () => {
		vi.stubEnv('CONVINCE_DB', path.join(mkdtempSync(path.join(tmpdir(), 'convince-app-')), 'convince.db'));
		const app = createApp({ maxBodyBytes: 1024 }, pipelines.wordcount);
		const caller = createCallerFactory(app.router)(createContextInner({ pipeline: app.pipeline, authorized: true }));
		// What a page link or a REST query carries: the run is looked for, not the input refused.
		await expect(caller.runs.get({ id: '7' as never })).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(caller.runs.get({ id: 'seven' as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});
});
