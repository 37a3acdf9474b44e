import type { NewRun } from '../../../db/schema';

/** A done wordcount run over a test dataset, as stored: tests give what they look at. */
export function newRun(overrides: Partial<NewRun> = {}): NewRun {
	return {
		name: 'run',
		status: 'done',
		startedAt: new Date(),
		pipeline: 'wordcount',
		pipelineVersion: '1.0.0',
		gitCommit: 'abc',
		gitDirty: false,
		flags: {},
		datasetName: 'test',
		datasetPath: '/data/test.jsonl',
		datasetHash: 'h',
		itemsTotal: 4,
		...overrides
	};
}
