import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';

const { values: args } = parseArgs({
	options: { help: { type: 'boolean', short: 'h' }, port: { type: 'string', short: 'p' }, 'no-seed': { type: 'boolean' } }
});
if (args.help) {
	console.log(`Usage: npm start [-- --port 3000] [--no-seed]

Runs convince: makes the datasets and trains the models when missing or stale, builds the app when
its sources changed, then serves the UI, the REST API (/api/v1, docs at /docs) and tRPC (/api/trpc).
On an empty database it seeds two demo batch runs over the test split in the background.

Environment: PORT (3000), HOST, CONVINCE_API_KEY (requires a bearer key on /api), CONVINCE_DB
(var/convince.db), CONVINCE_PIPELINE (triage), CONVINCE_MAX_BODY_BYTES (1048576).`);
	process.exit(0);
}

$.verbose = true;
const port = args.port ?? process.env.PORT ?? '3000';

await $`node scripts/data.mjs`;
await $`node scripts/train.mjs`;

/** Newest modification time below a folder, so a build is redone only when a source changed. */
function newest(dir) {
	let latest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
	}
	return latest;
}
const sources = ['src', 'server', 'db'].filter(existsSync).map(newest);
const configs = ['package.json', 'svelte.config.js', 'vite.config.ts'].map((f) => statSync(f).mtimeMs);
if (!existsSync('build/index.js') || statSync('build/index.js').mtimeMs < Math.max(...sources, ...configs)) {
	await $`npx vite build`;
}

/**
 * The server and the seed run as child processes. Ctrl-C in a terminal reaches them too, but a
 * supervisor's SIGTERM (or a kill of `npm start`) reaches this process alone: it is passed on, so the
 * server stops with `npm start` instead of serving on, orphaned.
 */
const children = new Set();
function stopsWithThis(child) {
	children.add(child);
	child.finally(() => children.delete(child)).catch(() => {});
	return child;
}
for (const signal of ['SIGINT', 'SIGTERM'])
	process.on(signal, () => {
		for (const child of children) child.kill(signal);
	});

// No ORIGIN by default: the server takes each request's own address, so the pages work from any name of this machine.
const env = { ...process.env, NODE_ENV: 'production', PORT: port };
const server = stopsWithThis($({ env, stdio: 'inherit' })`node server/serve.js build`.nothrow());
console.log(`convince: http://localhost:${port}  (API docs: http://localhost:${port}/docs)`);
if (!args['no-seed'] && existsSync('scripts/seed.mjs')) {
	await stopsWithThis($({ env, stdio: 'inherit' })`npm run --silent seed`.nothrow());
}
process.exitCode = (await server).exitCode ?? 1;
