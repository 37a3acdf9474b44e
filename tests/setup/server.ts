import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_PIPELINE } from '../../server/default-pipeline';

declare module 'vitest' {
	export interface ProvidedContext {
		/** Origin of the built server the project's tests call, e.g. http://127.0.0.1:41234 (no API key). */
		baseUrl: string;
		/** Folder of the production build that server runs, for tests that start another one (with an API key). */
		buildDir: string;
	}
}

const root = path.resolve(import.meta.dirname, '../..');

/** The pipeline the test servers serve: CONVINCE_PIPELINE when set, else the default. */
export const testPipeline = process.env.CONVINCE_PIPELINE || DEFAULT_PIPELINE;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
	execFileSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

/** Datasets and trained models, which triage needs; both scripts return at once when up to date. */
export function prepareArtifacts(pipeline = testPipeline): void {
	if (pipeline !== 'triage' || !existsSync(path.join(root, 'scripts/train.mjs'))) return;
	run('node', ['scripts/data.mjs']);
	run('node', ['scripts/train.mjs']);
}

/**
 * Production build into `buildDir`, a folder of its own so it never collides with a developer's build.
 * NODE_ENV as `npm run build` has it: vitest sets it to "test", and Vite then resolves packages' development
 * builds (Svelte's and SvelteKit's dev runtimes, with their checks and warnings) into the bundle.
 */
export function buildApp(buildDir: string): void {
	run('npx', ['vite', 'build', '--logLevel', 'error'], { CONVINCE_BUILD_DIR: buildDir, NODE_ENV: 'production' });
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export interface TestServer {
	baseUrl: string;
	/** Process id of the server, e.g. to read its CPU time. */
	pid: number;
	/** Everything the server printed so far (stdout and stderr). */
	output: () => string;
	/** Settles with the exit code (null when a signal ended it) once the server process has exited. */
	exited: Promise<number | null>;
	stop: () => Promise<void>;
}

export interface StartOptions {
	buildDir: string;
	/** Extra environment, e.g. CONVINCE_API_KEY; the rest is the production setup the tests rely on. */
	env?: Record<string, string>;
	/** How long to wait for models and database; triage loads its models on start. */
	timeoutMs?: number;
	/** False: ready once the health check answers at all (for servers whose models cannot load). */
	healthy?: boolean;
}

async function waitUntilHealthy(
	baseUrl: string,
	apiKey: string | undefined,
	child: ChildProcess,
	output: () => string,
	{ timeoutMs, healthy }: { timeoutMs: number; healthy: boolean }
) {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer';
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`Test server exited with ${child.exitCode}:\n${output()}`);
		try {
			const response = await fetch(`${baseUrl}/api/v1/health`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
			const body = (await response.json()) as { ok?: boolean };
			if ((response.ok && body.ok) || (!healthy && typeof body.ok === 'boolean')) return;
			last = `${response.status} ${JSON.stringify(body)}`;
		} catch (error) {
			last = String(error);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`Test server not healthy after ${timeoutMs} ms (last: ${last}):\n${output()}`);
}

/**
 * Starts the production entry (`node server/serve.js <buildDir>`, REST fast path included) on a free port
 * with a temporary database; resolves once healthy.
 */
export async function startTestServer({
	buildDir,
	env = {},
	timeoutMs = 180_000,
	healthy = true
}: StartOptions): Promise<TestServer> {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const dataDir = await mkdtemp(path.join(tmpdir(), 'convince-test-'));
	const child = spawn(process.execPath, ['server/serve.js', buildDir], {
		cwd: root,
		env: {
			// NODE_ENV stays vitest's "test": the README's `node server/serve.js build` sets none either.
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			CONVINCE_DB: path.join(dataDir, 'convince.db'),
			CONVINCE_PIPELINE: testPipeline,
			// A key from the developer's shell must not turn the open test server into a keyed one.
			CONVINCE_API_KEY: '',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	let printed = '';
	child.stdout?.on('data', (chunk) => (printed += chunk));
	child.stderr?.on('data', (chunk) => (printed += chunk));
	const output = () => printed;
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			await exited;
		}
		await rm(dataDir, { recursive: true, force: true });
	};
	try {
		await waitUntilHealthy(baseUrl, env.CONVINCE_API_KEY, child, output, { timeoutMs, healthy });
	} catch (error) {
		await stop();
		throw error;
	}
	return { baseUrl, pid: child.pid ?? 0, output, exited, stop };
}

/**
 * Global setup for a vitest project testing the built app over HTTP: artifacts, build, one server
 * without an API key; provides `baseUrl` and `buildDir`; stops the server on teardown. Browser tests
 * call it from their own global setup with their own `buildDir`.
 */
export async function setupServerForProject(project: TestProject, { buildDir }: { buildDir: string }) {
	prepareArtifacts();
	buildApp(buildDir);
	const server = await startTestServer({ buildDir });
	project.provide('baseUrl', server.baseUrl);
	project.provide('buildDir', buildDir);
	return server.stop;
}

export default (project: TestProject) => setupServerForProject(project, { buildDir: 'build-test' });
