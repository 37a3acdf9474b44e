// Triages one email through convince with the typed tRPC client, or in-process without a server.
// Usage: npm run triage -- [file] [--url http://localhost:3000] [--in-process] [--debug] [--flag name=value]...
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

/** A mistake in the command line: said in one line, exit 2, as other command-line tools do. */
function usageError(message: string): never {
	console.error(`${message} (see --help)`);
	process.exit(2);
}

function readArgs() {
	try {
		return parseArgs({
			allowPositionals: true,
			options: {
				url: { type: 'string' },
				'in-process': { type: 'boolean', default: false },
				debug: { type: 'boolean', default: false },
				flag: { type: 'string', multiple: true, default: [] },
				help: { type: 'boolean', short: 'h' }
			}
		});
	} catch (error) {
		// Node quotes the option unevenly ("Unknown option '--bogus'. To specify ..."): the first sentence says it.
		return usageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
	}
}
const { values: args, positionals } = readArgs();

if (args.help) {
	console.log(`Usage: npm run triage -- [file] [options]

Triages a raw email (the file, or stdin) and prints the result as JSON.
  --url <address>     convince server (default $CONVINCE_URL or http://localhost:3000); behind a proxy,
                      with its path prefix (https://tools.example/convince). CONVINCE_API_KEY is sent when set
  --in-process        run the pipeline in this process through the server's caller: no server needed (not with --url)
  --debug             include the trace of every step
  --flag name=value   set a pipeline flag (repeatable), e.g. --flag spamThreshold=0.7 --flag similar=false`);
	process.exit(0);
}

/** `name=value`, the value read as JSON when it is JSON (numbers, booleans), else as text. */
function parseFlag(assignment: string): [string, unknown] {
	const at = assignment.indexOf('=');
	if (at < 1) usageError(`--flag needs name=value, got "${assignment}"`);
	const raw = assignment.slice(at + 1);
	try {
		return [assignment.slice(0, at), JSON.parse(raw)];
	} catch {
		return [assignment.slice(0, at), raw];
	}
}

/** The server's address, checked here: fetch would only say "Invalid URL" or "fetch failed". */
function serverUrl(url: string): string {
	const protocol = URL.canParse(url) ? new URL(url).protocol : '';
	if (protocol !== 'http:' && protocol !== 'https:')
		usageError(`--url must be the server's http(s) address, e.g. http://localhost:3000 (got "${url}")`);
	return url;
}

async function readMail(file: string | undefined): Promise<string> {
	if (!file) return text(process.stdin);
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		const { code, message } = error as NodeJS.ErrnoException;
		return usageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : message}`);
	}
}

if (positionals.length > 1) usageError(`give one mail file, not ${positionals.length}`);
// --in-process asks no server: a --url beside it would go unused, so it is refused (CONVINCE_URL set in the environment is no conflict).
if (args['in-process'] && args.url !== undefined) usageError('give --url or --in-process, not both');
const url = args['in-process'] ? '' : serverUrl(args.url ?? (process.env.CONVINCE_URL || 'http://localhost:3000'));
// Flags are checked by the server (or the in-process caller): unknown names and wrong types come back as 400 issues.
const flags = Object.fromEntries(args.flag.map(parseFlag));
const request: RunRequest = { input: { raw: await readMail(positionals[0]) }, flags, debug: args.debug };

async function triage() {
	if (!args['in-process'])
		return createTrpcClient({ baseUrl: url, apiKey: process.env.CONVINCE_API_KEY }).pipeline.run.mutate(request);
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
	if (error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED') {
		const hint = process.env.CONVINCE_API_KEY
			? "CONVINCE_API_KEY is not the server's key"
			: "set CONVINCE_API_KEY to the server's key";
		return `${error.message} (${hint})`;
	}
	// fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a port fetch refuses) is in its cause.
	const network = (error as { cause?: { message?: string; cause?: { code?: string; message?: string } } }).cause;
	if (!args['in-process'] && network?.message === 'fetch failed') {
		const reason = network.cause?.code ?? network.cause?.message ?? 'no answer';
		return `cannot reach convince at ${url} (${reason}): is the server running (npm start)?`;
	}
	// Something answered, but not tRPC's error shape: another page of the server (/api/v1, /docs) or another server.
	if (error instanceof TRPCClientError && !error.data)
		return `no convince API answers at ${url}/api/trpc (${error.message}): give the server's own address, e.g. http://localhost:3000`;
	return error instanceof Error ? error.message : String(error);
}

try {
	console.log(JSON.stringify(await triage(), null, 2));
} catch (error) {
	console.error(explain(error));
	process.exitCode = 1;
}
