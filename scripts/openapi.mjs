// Regenerates the committed REST contract from the router: clients/openapi.json and clients/openapi.d.ts.
// Usage: node scripts/openapi.mjs [--check]   (--check: exit 1 when the committed files are stale)
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const { values: args } = parseArgs({ options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (args.help) {
	console.log(
		'Usage: node scripts/openapi.mjs [--check]\n\nWrites clients/openapi.json and clients/openapi.d.ts for the default pipeline.'
	);
	process.exit(0);
}

const { generateClientArtifacts } = await tsImport('../server/codegen.ts', import.meta.url);
const artifacts = await generateClientArtifacts();
let stale = 0;
for (const [name, content] of Object.entries(artifacts)) {
	const file = new URL(`../clients/${name}`, import.meta.url);
	const committed = await readFile(file, 'utf8').catch(() => '');
	if (committed === content) continue;
	stale++;
	if (args.check) console.error(`clients/${name} is stale: run npm run openapi`);
	else await writeFile(file, content);
	if (!args.check) console.log(`wrote clients/${name}`);
}
if (!stale) console.log('clients/ is up to date');
process.exit(args.check && stale ? 1 : 0);
