// Makes sure Debian's Chromium is present for the browser tests: installs it when running as root,
// otherwise stops with the exact command to run. Browser tests are never skipped for want of it.
// Usage: node scripts/ensure-chromium.mjs
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

export function ensureChromium() {
	if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	if (process.getuid?.() !== 0) {
		throw new Error(
			`Chromium is missing at ${CHROMIUM_PATH}. The browser tests need it; install it with:\n  sudo sh -c '${INSTALL}'`
		);
	}
	console.log(`Chromium is missing at ${CHROMIUM_PATH}; installing Debian's package (about a minute)...`);
	execFileSync('sh', ['-c', INSTALL], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get finished but ${CHROMIUM_PATH} is still missing`);
	return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	try {
		console.log(`Chromium: ${ensureChromium()}`);
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
}
