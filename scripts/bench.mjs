import { parseArgs } from 'node:util';
import { $ } from 'zx';

const benches = {
	pipeline: 'scripts/bench-pipeline.ts',
	api: 'scripts/bench-api.mjs',
	batch: 'scripts/bench-batch.mjs'
};

const { positionals, values } = parseArgs({
	allowPositionals: true,
	strict: false,
	options: { help: { type: 'boolean', short: 'h' } }
});
const name = positionals[0];
if (values.help || !name || !(name in benches)) {
	console.log(`Usage: npm run bench -- <${Object.keys(benches).join('|')}> [--json]

pipeline  mails/s of the triage pipeline on one core over the test split, each step's share, start-up time
api       REST requests/s and p50/p99 latency (autocannon on loopback) vs a raw node:http baseline
batch     batch items/s vs the bare in-process loop, pool scaling, peak RSS, compare time

Figures are printed with ratios against baselines measured in the same run; --json prints one object.`);
	process.exit(name && !values.help ? 1 : 0);
}
$.verbose = false;
// The bench has printed its own error: its exit code is enough here, not zx's trace of the call.
const { exitCode } = await $({ stdio: 'inherit', nothrow: true })`node --import tsx ${benches[name]} ${process.argv.slice(3)}`;
process.exitCode = exitCode ?? 1;
