import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TestServer, startTestServer } from '../setup/server';
import { openBrowser, screenshot, watchedPage } from './browser';

/** A server closed with an API key: a reviewer signs in once with the key, and the pages then work as on an open server. */

const API_KEY = 'reviewer-key-0123456789abcdef';
let server: TestServer;
let chromium: Browser;

beforeAll(async () => {
	server = await startTestServer({ buildDir: inject('buildDir'), env: { CONVINCE_API_KEY: API_KEY } });
	chromium = await openBrowser();
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
});

describe('signing in to a server with an API key', () => {
	it('asks for the key, returns to the page asked for, runs the pipeline, and signs out', async () => {
		const { page, errors, dialogs } = await watchedPage(chromium);
		await page.goto(`${server.baseUrl}/steps`);
		expect(new URL(page.url()).pathname).toBe('/signin');
		expect(await page.locator('main').innerText()).not.toContain('Steps of');
		// Signed out, the header offers only what is open: the API docs.
		expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['API docs']);

		await page.getByLabel('API key').fill('not-the-key-0123456789');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').innerText()).toContain('not the API key');
		expect(new URL(page.url()).pathname).toBe('/signin');

		await page.getByLabel('API key').fill(API_KEY);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => url.pathname === '/steps');
		expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBeGreaterThan(1);
		// Page scripts never see the session.
		expect(await page.evaluate(() => document.cookie)).toBe('');

		// The run page's form posts through its action, in-process: no key needed in the browser.
		await page.goto(`${server.baseUrl}/`);
		await page.locator('main form textarea').first().fill('Subject: hello\n\nHello team, the printer works again.');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.waitForLoadState('networkidle');
		expect(await page.locator('article.step-card').count()).toBeGreaterThan(0);
		await screenshot(page, 'signed-in-run');

		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL((url) => url.pathname === '/signin');
		await page.goto(`${server.baseUrl}/runs`);
		expect(new URL(page.url()).pathname).toBe('/signin');
		expect(errors).toEqual([]);
		expect(dialogs).toEqual([]);
	});
});
