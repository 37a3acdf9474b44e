import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, testPipeline } from '../setup/server';
import { baseUrl } from './request';

/** scripts/triage-client.ts as an engineer runs it: through the typed tRPC client, or in-process. */

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'convince-triage-client-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const mail = path.join(scratch, 'mail.eml');
writeFileSync(mail, 'From: Ann <ann@example.com>\nSubject: Printer on the 2nd floor\n\nThe printer jams again since Monday.\n');

async function triageClient(...args: string[]) {
	return triageClientWith({}, ...args);
}

async function triageClientWith(env: Record<string, string>, ...args: string[]) {
	try {
		const running = run(process.execPath, ['--import', 'tsx', 'scripts/triage-client.ts', ...args], {
			env: { ...process.env, CONVINCE_URL: baseUrl, CONVINCE_API_KEY: '', ...env }
		});
		// An empty stdin: without a file the script reads the mail from there.
		running.child.stdin?.end();
		const { stdout, stderr } = await running;
		return { code: 0, stdout, stderr };
	} catch (error) {
		const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
		return { code, stdout, stderr };
	}
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
	const server = createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe.skipIf(testPipeline !== 'triage')('the triage client script', () => {
	it('triages a mail file through the server, and the same in-process', async () => {
		const remote = await triageClient(mail, '--flag', 'similar=false');
		expect(remote.code, remote.stderr).toBe(0);
		const viaServer = JSON.parse(remote.stdout) as { output: { action: string }; flags: { similar: boolean } };
		expect(viaServer.flags.similar).toBe(false);
		const local = await triageClient(mail, '--flag', 'similar=false', '--in-process');
		expect(local.code, local.stderr).toBe(0);
		expect((JSON.parse(local.stdout) as typeof viaServer).output).toEqual(viaServer.output);
	});

	it('says what is wrong with the command line in one line, exit 2', async () => {
		for (const [args, message] of [
			[['--flag', 'similar'], '--flag needs name=value, got "similar"'],
			[['--url', 'localhost:3000', mail], "--url must be the server's http(s) address"],
			[[path.join(scratch, 'missing.eml')], 'cannot read'],
			[['--nope'], "Unknown option '--nope'"],
			[[mail, mail], 'give one mail file, not 2'],
			[['--in-process', '--url', 'http://localhost:3000', mail], 'give --url or --in-process, not both']
		] as const) {
			const { code, stdout, stderr } = await triageClient(...args);
			expect([args.join(' '), code, stdout]).toEqual([args.join(' '), 2, '']);
			expect(stderr).toContain(message);
			expect(stderr.trim().split('\n')).toHaveLength(1);
		}
	});

	it('says which key setting to look at when the server refuses the call', async () => {
		const keyed = await startTestServer({ buildDir: inject('buildDir'), env: { CONVINCE_API_KEY: 'right-key-0123456789' } });
		try {
			for (const [key, hint] of [
				['', "(set CONVINCE_API_KEY to the server's key)"],
				['wrong-key-0123456789', "(CONVINCE_API_KEY is not the server's key)"]
			]) {
				const { code, stderr } = await triageClientWith({ CONVINCE_URL: keyed.baseUrl, CONVINCE_API_KEY: key }, mail);
				expect(code).toBe(1);
				expect(stderr.trim()).toMatch(/Bearer/);
				expect(stderr.trim().endsWith(hint)).toBe(true);
			}
			const { code } = await triageClientWith({ CONVINCE_URL: keyed.baseUrl, CONVINCE_API_KEY: 'right-key-0123456789' }, mail);
			expect(code).toBe(0);
		} finally {
			await keyed.stop();
		}
	});

	it('names a server it cannot reach', async () => {
		const closed = await closedPort();
		const { code, stderr } = await triageClient(mail, '--url', `http://127.0.0.1:${closed}`);
		expect(code).toBe(1);
		expect(stderr.trim()).toBe(
			`cannot reach convince at http://127.0.0.1:${closed} (ECONNREFUSED): is the server running (npm start)?`
		);
	});

	it('says so when the address is a page of the server, not its root', async () => {
		for (const page of ['/api/v1', '/docs']) {
			const { code, stderr } = await triageClient(mail, '--url', `${baseUrl}${page}`);
			expect(code).toBe(1);
			expect(stderr.trim()).toMatch(
				new RegExp(`^no convince API answers at ${baseUrl}${page}/api/trpc \\(.+\\): give the server's own address`)
			);
		}
	});

	it('answers a bad flag with the server’s field issues, exit 1', async () => {
		const { code, stderr } = await triageClient(mail, '--flag', 'spamThreshold=2');
		expect(code).toBe(1);
		expect(stderr).toMatch(/^Invalid request: flags\.spamThreshold: /);
	});
});
