import { tasks } from './lib/tasks.mjs';

if (process.argv.includes('--help')) {
	console.log('Usage: npm run tasks [-- --json]\nLists every task of the project, what it does and what it needs first.');
	process.exit(0);
}
if (process.argv.includes('--json')) {
	console.log(JSON.stringify(tasks, null, 2));
} else {
	const width = Math.max(...tasks.map((t) => t.name.length));
	for (const t of tasks) {
		const needs = t.needs.length ? `  (needs ${t.needs.join(', ')})` : '';
		console.log(`${t.name.padEnd(width)}  ${t.does}${needs}\n${' '.repeat(width)}  $ ${t.run}`);
	}
}
