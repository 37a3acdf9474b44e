/**
 * Every task of the project in one place (the Snakemake role): what it does, what it needs first,
 * and how to run it. `npm run tasks` prints this table; package.json scripts call the same commands.
 */
export const tasks = [
	{
		name: 'data',
		needs: [],
		run: 'npm run data',
		does: 'Write the SpamAssassin corpus as JSONL datasets (train/test/all) under data/'
	},
	{
		name: 'train',
		needs: ['data'],
		run: 'npm run train',
		does: 'Train spam and routing models, build the blocklist and search index into artifacts/'
	},
	{
		name: 'quality',
		needs: ['train'],
		run: 'npm run quality',
		does: 'Spam precision/recall/F1 and routing macro-F1 on the test split (plain loop)'
	},
	{ name: 'build', needs: [], run: 'npm run build', does: 'Build the SvelteKit app (UI + API) into build/' },
	{
		name: 'start',
		needs: ['train', 'build'],
		run: 'npm start',
		does: 'Serve UI + API on PORT (3000); seeds two demo runs on an empty database'
	},
	{
		name: 'seed',
		needs: ['train'],
		run: 'npm run seed',
		does: 'Seed two batch runs over the test split (blocklist off / on) when the database has none'
	},
	{
		name: 'batch',
		needs: ['train'],
		run: 'npm run batch -- --dataset test',
		does: 'Run the pipeline over a dataset, store the run in SQLite, write a report'
	},
	{
		name: 'compare',
		needs: ['batch'],
		run: 'npm run compare -- <run A> <run B>',
		does: 'Compare two stored runs: metric deltas and changed items'
	},
	{
		name: 'bench',
		needs: ['train'],
		run: 'npm run bench -- pipeline|api|batch',
		does: 'Measure throughput and latency against same-run baselines'
	},
	{
		name: 'openapi',
		needs: [],
		run: 'npm run openapi',
		does: 'Regenerate clients/openapi.json and its TypeScript types from the router'
	},
	{
		name: 'triage-client',
		needs: ['start'],
		run: 'npm run triage -- mail.eml',
		does: 'Triage a mail file or stdin through a running server (typed tRPC client)'
	},
	{ name: 'check', needs: [], run: 'npm run check', does: 'Type-check everything (svelte-check)' },
	{ name: 'lint', needs: [], run: 'npm run lint', does: 'Prettier formatting check and ESLint' },
	{ name: 'test', needs: ['train'], run: 'npm test', does: 'Lint, type-check, then every test: unit, HTTP API, batch, browser' }
];
