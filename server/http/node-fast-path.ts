import type { IncomingMessage, ServerResponse } from 'node:http';
import { andThen, recover } from '../../src/lib/pipeline';
import type { App } from '../app';
import type { ApiError } from '../errors';
import { isApiPath } from './page-access';
import { type Operation, BODY_METHODS, createOperationCaller, findOperation, operationsOf, refusedKey } from './operations';
import { type ApiResult, parseJsonBytes, procedureErrorResult, statusHeaders } from './results';

/** Answers a request and returns true, or returns false having touched nothing, so SvelteKit answers it. */
export type NodeFastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Where SvelteKit's `init` leaves the fast path; server/serve.js (plain JS) looks it up by the same name. */
export const NODE_FAST_PATH = Symbol.for('convince.fastPath');

/** Plain segments only: whatever a URL parser would rewrite (dot segments, escapes, a trailing slash) goes the general way. */
const PLAIN_PATH = /^(?:\/[\w~-]+)+$/;

function pathnameOf(url: string): string {
	const query = url.indexOf('?');
	return query === -1 ? url : url.slice(0, query);
}

/**
 * Calls `use` with the whole body, or never when the client goes away before sending it all (nobody is
 * left to answer then). A callback, not a promise: see MaybePromise.
 */
function readBody(request: IncomingMessage, use: (body: Buffer) => void): void {
	const chunks: Buffer[] = [];
	request.on('data', (chunk: Buffer) => chunks.push(chunk));
	request.on('end', () => use(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
	// A broken connection: nothing to do, but a stream error without a listener would be thrown.
	request.on('error', () => {});
}

/**
 * Answers waiting for the end of the event loop's poll phase. Each answer's write wakes its client, and
 * waking a client whose CPU went idle is dear (on loopback here, under autocannon at 10 connections, the
 * server spent 11.5% of its samples in the kernel waking readers). The answers to the requests read in one
 * poll phase go out back to back as it ends (setImmediate runs right after it), so a client that sent
 * several wakes once for them all: 33-39 µs of CPU per cheap request instead of 45, and 0.59x the
 * requests/s of a raw node:http echo instead of 0.41x (the echo gains nothing from the same: it outruns its
 * client). An answer waits at most for the handlers of the requests read with it; a lone one waits for none.
 */
const unwritten: Array<() => unknown> = [];

function writeUnwritten(): void {
	for (const write of unwritten.splice(0)) write();
}

/** Writes an answer as SvelteKit's path does (`Response.json`), but with one write and a Content-Length. */
function send(response: ServerResponse, { status, body }: ApiResult): void {
	const json = JSON.stringify(body);
	const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...statusHeaders(status) };
	// A response is answered once: should a failure after its answer was queued queue another, the first
	// stands (a second writeHead would throw, outside any request's handling).
	const write = () => !response.headersSent && response.writeHead(status, headers).end(json);
	if (unwritten.push(write) === 1) setImmediate(writeUnwritten);
}

/**
 * The REST operations with a JSON body, answered straight on node:http: SvelteKit's request path (Web
 * Request and Response objects, hooks, routing) costs more CPU than a cheap step itself. It takes only
 * the common well-formed request: a body method on an operation's plain path, `Content-Type:
 * application/json` exactly, no Content-Encoding, and a Content-Length within the limit. Everything else (other methods,
 * media types, chunked or oversize bodies, unknown paths) is left untouched, body unread, for
 * SvelteKit's REST route, which answers every error case. Both share routing, procedure calls, JSON
 * parsing and error mapping (operations.ts, results.ts), so their answers are the same.
 */
export function createNodeFastPath(app: App): NodeFastPath {
	const operations = operationsOf(app).filter((operation) => BODY_METHODS.has(operation.method));
	const callOperation = createOperationCaller(app);
	const { maxBodyBytes } = app.config;

	function operationTaking(request: IncomingMessage, pathname: string): Operation | undefined {
		const { method, headers } = request;
		if (!method || !BODY_METHODS.has(method)) return undefined;
		if (
			headers['content-type']?.toLowerCase() !== 'application/json' ||
			headers['transfer-encoding'] !== undefined ||
			headers['content-encoding'] !== undefined
		)
			return undefined;
		const length = headers['content-length'];
		if (length === undefined || !/^\d+$/.test(length) || Number(length) > maxBodyBytes) return undefined;
		return PLAIN_PATH.test(pathname) ? findOperation(operations, method, pathname) : undefined;
	}

	function answer(operation: Operation, pathname: string, request: IncomingMessage, response: ServerResponse): void {
		readBody(request, (body) => {
			const respond = (result: ApiResult) => send(response, result);
			void recover(
				() => {
					const ctx = app.contextForAuthorization(request.headers.authorization ?? null);
					const refused = refusedKey(ctx);
					if (refused) return respond(refused);
					const parsed = parseJsonBytes(body);
					if (!parsed.ok) return respond(parsed.result);
					return andThen(callOperation(operation, pathname, parsed.value, ctx), respond);
				},
				(error) => {
					// A bug on this path itself (procedures' errors are results): answered like a procedure's bug.
					if (response.headersSent) response.destroy();
					else send(response, procedureErrorResult(error, operation.procedure));
				}
			);
		});
	}

	return (request, response) => {
		const pathname = pathnameOf(request.url ?? '');
		const operation = operationTaking(request, pathname);
		if (operation) {
			answer(operation, pathname, request, response);
			return true;
		}
		if (!isApiPath(pathname) || decodes(pathname)) return false;
		// SvelteKit answers a path it cannot decode with its HTML error page; an API client gets JSON.
		request.resume().on('end', () => send(response, undecodablePath(pathname)));
		return true;
	};
}

function decodes(pathname: string): boolean {
	try {
		// The result is used: the production bundler drops a decodeURI call whose result is not, throw and all.
		return typeof decodeURI(pathname) === 'string';
	} catch {
		return false;
	}
}

function undecodablePath(pathname: string): ApiResult {
	const message = `The path ${pathname} is not valid percent-encoding (a "%" must be followed by two hex digits of UTF-8)`;
	return { status: 400, body: { code: 'BAD_REQUEST', message } satisfies ApiError };
}

/** Publishes the app's fast path for server/serve.js, which takes it once SvelteKit's `init` has run. */
export function publishNodeFastPath(app: App): void {
	Reflect.set(globalThis, NODE_FAST_PATH, createNodeFastPath(app));
}
