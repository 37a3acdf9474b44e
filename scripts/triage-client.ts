// Triages one email through convince with the typed tRPC client, or in-process without a server.
// Usage: node --import tsx scripts/triage-client.ts [file] [--url http://localhost:3000] [--in-process] [--debug] [--flag name=value]...
// Reads the raw RFC-822 mail from the file, or from stdin without one. CONVINCE_API_KEY is sent as the bearer key.
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { TRPCClientError } from '@trpc/client';
import { TRPCError, type inferRouterInputs } from '@trpc/server';
import { createTrpcClient } from '../clients/trpc';
import { errorDetails } from '../server/errors';
import type { AppRouter } from '../server/routers/_app';
import { formatIssues } from '../src/lib/pipeline/kit';

type RunRequest = inferRouterInputs<AppRouter>['pipeline']['run'];

const { values: args, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		url: { type: 'string', default: process.env.CONVINCE_URL ?? 'http://localhost:3000' },
		'in-process': { type: 'boolean', default: false },
		debug: { type: 'boolean', default: false },
		flag: { type: 'string', multiple: true, default: [] },
		help: { type: 'boolean', short: 'h' }
	}
});

if (args.help) {
	console.log(`Usage: node --import tsx scripts/triage-client.ts [file] [options]

Triages a raw email (the file, or stdin) and prints the result as JSON.
  --url <origin>      convince server (default $CONVINCE_URL or http://localhost:3000); CONVINCE_API_KEY is sent when set
  --in-process        run the pipeline in this process through the server's caller: no server needed
  --debug             include the trace of every step
  --flag name=value   set a pipeline flag (repeatable), e.g. --flag spamThreshold=0.7 --flag similar=false`);
	process.exit(0);
}

/** `name=value`, the value read as JSON when it is JSON (numbers, booleans), else as text. */
function parseFlag(assignment: string): [string, unknown] {
	const at = assignment.indexOf('=');
	if (at < 1) throw new Error(`--flag needs name=value, got "${assignment}"`);
	const raw = assignment.slice(at + 1);
	try {
		return [assignment.slice(0, at), JSON.parse(raw)];
	} catch {
		return [assignment.slice(0, at), raw];
	}
}

const raw = positionals[0] ? await readFile(positionals[0], 'utf8') : await text(process.stdin);
// Flags are checked by the server (or the in-process caller): unknown names and wrong types come back as 400 issues.
const request: RunRequest = { input: { raw }, flags: Object.fromEntries(args.flag.map(parseFlag)), debug: args.debug };

async function triage() {
	if (!args['in-process'])
		return createTrpcClient({ baseUrl: args.url, apiKey: process.env.CONVINCE_API_KEY }).pipeline.run.mutate(request);
	// Imported only here: the in-process path loads the pipeline and its models into this process.
	const { createServerCaller } = await import('../server/app');
	return createServerCaller().pipeline.run(request);
}

/** Field issues as one readable line; other failures by their message. */
function explain(error: unknown): string {
	const issues =
		error instanceof TRPCClientError
			? (error as TRPCClientError<AppRouter>).data?.issues
			: error instanceof TRPCError
				? errorDetails(error).issues
				: undefined;
	if (issues?.length) return `Invalid request: ${formatIssues(issues)}`;
	return error instanceof Error ? error.message : String(error);
}

try {
	console.log(JSON.stringify(await triage(), null, 2));
} catch (error) {
	console.error(explain(error));
	process.exitCode = 1;
}
