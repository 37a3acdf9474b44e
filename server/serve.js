// Production entry, in place of adapter-node's `node build`: one node:http server where the REST API's
// common JSON calls take a fast path (server/http/node-fast-path.ts) and everything else goes to
// SvelteKit's handler. Both live in the SvelteKit bundle, on one app instance (models, database).
// Usage: node server/serve.js [build dir]   (else CONVINCE_BUILD_DIR, else build)
// Environment as adapter-node's: PORT, HOST, SOCKET_PATH, ORIGIN, KEEP_ALIVE_TIMEOUT, HEADERS_TIMEOUT,
// SHUTDOWN_TIMEOUT (and BODY_SIZE_LIMIT, XFF_DEPTH... read by the handler itself). Without ORIGIN, a
// request's origin is http:// and its Host header (behind a TLS proxy: set ORIGIN or PROTOCOL_HEADER).
import compression from 'compression';
import http from 'node:http';
import { existsSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

/** Stops start-up with one line, no stack: a setting or the machine is wrong, not the code. */
function stop(message) {
	console.error(`[convince] ${message}`);
	process.exit(1);
}

const buildDir = path.resolve(process.argv[2] ?? process.env.CONVINCE_BUILD_DIR ?? 'build');
if (!existsSync(path.join(buildDir, 'handler.js')))
	stop(`No SvelteKit build in ${buildDir}: run \`npx vite build\` first (or pass the build folder).`);

/** Imports a module of the build. A bad setting (ConfigError, server/config.ts) stops start-up with its one-line message. */
async function load(file) {
	try {
		return await import(pathToFileURL(path.join(buildDir, file)).href);
	} catch (error) {
		if (error?.name !== 'ConfigError') throw error;
		stop(error.message);
	}
}

// As the build's own index.js: instrumentation first (it sets BODY_SIZE_LIMIT before the handler reads it).
if (existsSync(path.join(buildDir, 'instrumentation.server.js'))) await load('instrumentation.server.js');
const { env, timeout_env } = await load('env.js');
// Checked before the app starts, so a bad one is the only line printed.
const socketPath = env('SOCKET_PATH', false);
// Empty counts as unset, as for the app's own variables (an empty PORT listened on a random port).
const host = env('HOST', '') || '0.0.0.0';
const port = env('PORT', '') || (!socketPath && '3000');
if (!socketPath && !/^\d+$/.test(port)) stop(`PORT must be a port number, got "${port}"`);
if (!socketPath && Number(port) > 65535) stop(`PORT must be at most 65535, got ${port}`);
// Without ORIGIN, adapter-node builds a request's origin from its Host header and PROTOCOL_HEADER, and
// takes the protocol to be https when that header is absent: a page's form posted over plain HTTP (from
// http://127.0.0.1:3000, or the machine's address on another one) then failed the cross-site check.
// This server speaks plain HTTP, so it says so on each request for SvelteKit, unless ORIGIN or a proxy's header is set.
const PLAIN_HTTP_HEADER = 'x-convince-protocol';
const sayPlainHttp = !env('ORIGIN', '') && !env('PROTOCOL_HEADER', '');
if (sayPlainHttp) process.env.PROTOCOL_HEADER = PLAIN_HTTP_HEADER;
// Importing the handler runs SvelteKit's `init` hook (src/hooks.server.ts), which publishes the fast path.
const { handler } = await load('handler.js');
/** @type {((request: http.IncomingMessage, response: http.ServerResponse) => boolean) | undefined} */
const fastPath = globalThis[Symbol.for('convince.fastPath')];
if (!fastPath) console.warn('[convince] no REST fast path published by the app: SvelteKit answers every request');

if (env('LISTEN_PID', '') || env('LISTEN_FDS', '')) throw new Error('server/serve.js does not do systemd socket activation');
const shutdownTimeout = parseInt(env('SHUTDOWN_TIMEOUT', '30'));

/** Answers like polka, which adapter-node wraps the handler in: 404 when nothing answered, 500 on a throw. */
function sveltekit(request, response) {
	const fail = (error) => {
		if (error) console.error('[convince] request failed:', error);
		if (response.headersSent) return response.destroy();
		response.writeHead(error ? 500 : 404).end(error ? 'Internal Server Error' : 'Not Found');
	};
	Promise.resolve(handler(request, response, fail)).catch(fail);
}

// gzip or Brotli when the client accepts it, for 1 KB and more: a run page holding a 220 KB mail came to
// 1.5 MB of HTML. The fast path's answers (pipeline and step results) stay as they are: it exists for
// throughput, and API clients on the same network gain little from a few KB less.
const compress = compression();

const server = http.createServer((request, response) => {
	if (fastPath?.(request, response)) return;
	// Set whatever the client sent: only this server may speak for the connection.
	if (sayPlainHttp) request.headers[PLAIN_HTTP_HEADER] = 'http';
	compress(request, response, () => sveltekit(request, response));
});
const keepAliveTimeout = timeout_env('KEEP_ALIVE_TIMEOUT');
if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout * 1000;
const headersTimeout = timeout_env('HEADERS_TIMEOUT');
if (headersTimeout !== undefined) server.headersTimeout = headersTimeout * 1000;

if (socketPath && existsSync(socketPath) && statSync(socketPath).size === 0) rmSync(socketPath);
server.on('error', (error) => {
	const where = socketPath || `${host}:${port}`;
	if (error.code === 'EADDRINUSE')
		stop(`${where} is in use: another server listens there (set ${socketPath ? 'SOCKET_PATH' : 'PORT'} to another one)`);
	if (error.code === 'EACCES') stop(`no permission to listen on ${where} (ports below 1024 need privileges)`);
	if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
		stop(`cannot listen on ${where}: HOST is not an address of this machine`);
	throw error;
});
server.listen(socketPath ? { path: socketPath } : { host, port: Number(port) }, () => {
	const address = server.address();
	console.log(`Listening on ${typeof address === 'string' ? address : `http://${host}:${address?.port}`}`);
});

let forceClose;
let firstSignalAt = 0;
/**
 * As adapter-node: stop accepting, let requests in flight finish, then tell the app (`sveltekit:shutdown`).
 * A second signal (Ctrl-C again) stops at once: whoever sends it has chosen not to wait. One Ctrl-C
 * reaches this process several times within milliseconds (from the terminal, and relayed by npm and
 * `npm start`): signals within a second of the first count as that one.
 */
function shutdown(reason) {
	if (forceClose) {
		if (Date.now() - firstSignalAt < 1000) return;
		console.error(`[convince] ${reason} again: stopping now, without waiting for requests in flight`);
		process.exit(128 + os.constants.signals[reason]);
	}
	firstSignalAt = Date.now();
	console.log(`[convince] ${reason}: finishing requests in flight (at most ${shutdownTimeout} s; send it again to stop now)`);
	// Idle keep-alive connections would otherwise hold close() until they time out.
	server.closeIdleConnections();
	server.close((error) => {
		if (error) return;
		clearTimeout(forceClose);
		process.emit('sveltekit:shutdown', reason);
	});
	forceClose = setTimeout(() => server.closeAllConnections(), shutdownTimeout * 1000);
}
// Connections that finish a request during shutdown close instead of waiting for the next one.
server.on('request', (request) => request.on('close', () => forceClose && server.closeIdleConnections()));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
