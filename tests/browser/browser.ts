import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../../scripts/ensure-chromium.mjs';

/** Debian Chromium driven by playwright-core, with the launch flags that work on this machine (../shared/STACK.md). */

const SCREENSHOTS = path.resolve('test-results/screenshots');

/** Playwright gives every launch a fresh temporary profile (the STACK.md advice of a fresh --user-data-dir). */
export function openBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run'
		]
	});
}

/** A page that records what must never happen: dialogs (auto-dismissed), uncaught errors, console errors. */
export interface WatchedPage {
	page: Page;
	dialogs: string[];
	errors: string[];
}

export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
	const page = await context.newPage();
	const watched: WatchedPage = { page, dialogs: [], errors: [] };
	page.on('dialog', (dialog) => {
		watched.dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	page.on('pageerror', (error) => watched.errors.push(`page error: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() === 'error') watched.errors.push(`console: ${message.text()}`);
	});
	return watched;
}

export async function screenshot(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
