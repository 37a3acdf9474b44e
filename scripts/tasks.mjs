import { parseArgs } from 'node:util';
import { tasks } from './lib/tasks.mjs';

const HELP = 'Usage: npm run tasks [-- --json]\nLists every task of the project, what it does and what it needs first.';

let args;
try {
	({ values: args } = parseArgs({ options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
	console.error(`${/** @type {Error} */ (error).message}\n${HELP}`);
	process.exit(2);
}
if (args.help) {
	console.log(HELP);
	process.exit(0);
}
if (args.json) {
	console.log(JSON.stringify(tasks, null, 2));
} else {
	const width = Math.max(...tasks.map((t) => t.name.length));
	for (const t of tasks) {
		const needs = t.needs.length ? `  (needs ${t.needs.join(', ')})` : '';
		console.log(`${t.name.padEnd(width)}  ${t.does}${needs}\n${' '.repeat(width)}  $ ${t.run}`);
	}
}
