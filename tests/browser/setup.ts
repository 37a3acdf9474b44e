import type { TestProject } from 'vitest/node';
import { ensureChromium } from '../../scripts/ensure-chromium.mjs';
import { setupServerForProject, testPipeline } from '../setup/server';
import { WORDCOUNT_DATASET } from './fixtures';

/**
 * Browser tests never skip: Chromium is installed (as root) or the run stops with the command to run.
 * Then the app is built into its own folder and served as the http project serves it.
 */
export default async function setup(project: TestProject) {
	ensureChromium();
	// wordcount has no dataset in data/: while it is the served pipeline, the picker offers the fixture.
	if (testPipeline === 'wordcount') process.env.CONVINCE_DATASETS ??= WORDCOUNT_DATASET;
	return setupServerForProject(project, { buildDir: 'build-browser' });
}
