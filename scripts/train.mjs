// Trains the triage models (the code is TypeScript, beside the steps that read its files). See --help.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/lib/pipeline/triage/train/cli.ts', import.meta.url);
try {
	await main(process.argv.slice(2), fileURLToPath(new URL('./data.mjs', import.meta.url)));
} catch (error) {
	console.error(`train: ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
}
