import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../../server/worker-limits';

const scratch = mkdtempSync(path.join(tmpdir(), 'convince-worker-flags-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('worker thread flags', () => {
	it("inherit none of this process's (tsx's loader) and keep require() off ES modules, as piscina tries it first", async () => {
		const module = path.join(scratch, 'tla.mjs');
		writeFileSync(module, 'export default await Promise.resolve(42);\n');
		const probe = `const { parentPort } = require('node:worker_threads');
			let code = 'loaded';
			try { require(${JSON.stringify(module)}); } catch (error) { code = error.code; }
			parentPort.postMessage({ code, execArgv: process.execArgv });`;
		const worker = new Worker(probe, { eval: true, execArgv: workerExecArgv() });
		const [answer] = await once(worker, 'message');
		await worker.terminate();
		expect(answer.execArgv).not.toContain('tsx');
		// ERR_REQUIRE_ESM: refused before any ES module work (require(esm) would say ERR_REQUIRE_ASYNC_MODULE).
		expect(answer.code).toBe('ERR_REQUIRE_ESM');
	});
});
