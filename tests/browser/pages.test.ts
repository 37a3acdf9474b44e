import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/lib/pipeline/kit';
import { type TestServer, startTestServer, testPipeline } from '../setup/server';
import { type WatchedPage, openBrowser, screenshot, watchedPage } from './browser';
import { MAX_LINK_CHARS } from '../../src/lib/ui/links';
import { HOSTILE_MAIL, HOSTILE_TEXT, WORDCOUNT_DATASET } from './fixtures';

/**
 * The debug pages in Debian Chromium against the production build, as a reviewer uses them. Everything
 * pipeline-specific comes from the served manifest; only the sample to pick is named per pipeline.
 */

const baseUrl = inject('baseUrl');
const scenario =
	testPipeline === 'triage'
		? { dataset: 'test', filter: { field: 'spam', value: 'true' }, hostileInput: HOSTILE_MAIL }
		: { dataset: WORDCOUNT_DATASET, filter: { field: 'long', value: 'true' }, hostileInput: HOSTILE_TEXT };

let chromium: Browser;
let manifest: Manifest;
/** The boolean flag the tests toggle, and a bounded number flag they break. */
let toggled: string;
let bounded: { name: string; minimum: number } | undefined;

async function fetchManifest(origin: string): Promise<Manifest> {
	const response = await fetch(`${origin}/api/v1/manifest`);
	expect(response.status).toBe(200);
	return (await response.json()) as Manifest;
}

beforeAll(async () => {
	chromium = await openBrowser();
	manifest = await fetchManifest(baseUrl);
	const flags = Object.entries(manifest.flags.properties as Record<string, { type?: string; minimum?: number }>);
	toggled = flags.find(([, schema]) => schema.type === 'boolean')?.[0] ?? '';
	const number = flags.find(([, schema]) => typeof schema.minimum === 'number' && schema.minimum > -1e9);
	bounded = number && { name: number[0], minimum: number[1].minimum ?? 0 };
	expect(toggled, 'the served pipeline needs a boolean flag for these tests').not.toBe('');
});

afterAll(async () => {
	await chromium?.close();
});

const stepCards = (page: Page) =>
	page
		.locator('article.step-card')
		.evaluateAll((cards) => cards.map((card) => [(card as HTMLElement).dataset.step, (card as HTMLElement).dataset.status]));
/** Typed input too long for a link: the server saves it and links to its id. */
const LONG_DRAFT = `${scenario.hostileInput}\n${'draft '.repeat(MAX_LINK_CHARS / 5)}`.replaceAll('\r\n', '\n');
const summaryText = (page: Page) => page.locator('[data-testid=summary] dl').innerText();
const flagsOf = (page: Page) => JSON.parse(new URL(page.url()).searchParams.get('flags') ?? '{}') as Record<string, unknown>;

/** Nothing a page shows may run script or fail quietly. */
async function expectClean(watched: WatchedPage) {
	await watched.page.waitForLoadState('networkidle');
	expect(await watched.page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
	expect(watched.dialogs).toEqual([]);
	expect(watched.errors).toEqual([]);
}

/** Opens the run page, filters the dataset by label, and clicks the first match; returns its id. */
async function pickSample(page: Page): Promise<string> {
	await page.goto(`${baseUrl}/`);
	await page.selectOption('#picker-dataset', scenario.dataset);
	await page.getByRole('button', { name: 'Search' }).click();
	await page.waitForURL((url) => url.searchParams.get('browse') === scenario.dataset);
	await page.selectOption(`#picker-label-${scenario.filter.field}`, scenario.filter.value);
	await page.getByRole('button', { name: 'Search' }).click();
	await page.waitForURL((url) => url.searchParams.get(`label.${scenario.filter.field}`) === scenario.filter.value);
	const first = page.locator('[data-sample]').first();
	const id = (await first.getAttribute('data-sample')) ?? '';
	await first.click();
	await page.waitForURL((url) => url.searchParams.get('id') === id);
	await page.locator('[data-testid=summary]').waitFor();
	return id;
}

describe('run page', () => {
	let shared: { link: string; summary: string; cards: unknown[] };

	it('picks a sample by label, toggles a flag, runs, and shows the summary and every step card', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		const id = await pickSample(page);
		expect(await page.locator('.expected').innerText()).toContain(`${scenario.filter.field}: yes`);
		expect(await page.locator('[data-sample][aria-current=true]').getAttribute('data-sample')).toBe(id);

		const box = page.locator(`input[name="flags.${toggled}"]`);
		const wasOn = await box.isChecked();
		await box.setChecked(!wasOn);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.waitForURL(() => flagsOf(page)[toggled] === !wasOn);
		await page.locator('[data-testid=summary]').waitFor();

		const cards = await stepCards(page);
		expect(cards.map(([step]) => step)).toEqual(manifest.steps.map((s) => s.name));
		for (const [, status] of cards) expect(['ok', 'skipped']).toContain(status);
		expect(await page.locator('[data-testid=summary] .tile').count()).toBeGreaterThan(0);
		expect(await page.locator('.waterfall tbody tr').count()).toBe(cards.length);
		expect(await page.locator(`input[name="flags.${toggled}"]`).isChecked()).toBe(!wasOn);
		await screenshot(page, 'run-page');
		await expectClean(watched);

		shared = {
			link: (await page.locator('[data-testid=share-link]').getAttribute('href')) ?? '',
			summary: await summaryText(page),
			cards
		};
		await page.context().close();
	});

	it('reproduces the same result from a shared link in a fresh browser', async () => {
		expect(shared.link).toMatch(/^\/\?dataset=.+&id=.+&flags=/);
		const watched = await watchedPage(chromium);
		await watched.page.goto(`${baseUrl}${shared.link}`);
		await watched.page.locator('[data-testid=summary]').waitFor();
		expect(await summaryText(watched.page)).toBe(shared.summary);
		expect(await stepCards(watched.page)).toEqual(shared.cards);
		await expectClean(watched);
		await watched.page.context().close();
	});

	it.runIf(testPipeline === 'triage')('opens a similar past mail its table links to, in the split the index holds', async () => {
		const watched = await watchedPage(chromium);
		await watched.page.goto(`${baseUrl}${shared.link}`);
		const links = watched.page.locator('article.step-card[data-step=similar] a[title="Open this item in the debug page"]');
		expect(await links.count()).toBeGreaterThan(0);
		const href = new URL((await links.first().getAttribute('href')) ?? '', baseUrl);
		expect(href.searchParams.get('dataset')).toBe('train');
		const response = await watched.page.goto(href.href);
		expect(response?.status()).toBe(200);
		await watched.page.locator('[data-testid=summary]').waitFor();
		const shareLink = new URL((await watched.page.locator('[data-testid=share-link]').getAttribute('href')) ?? '', baseUrl);
		expect(shareLink.searchParams.get('id')).toBe(href.searchParams.get('id'));
		await expectClean(watched);
		await watched.page.context().close();
	});

	it('keeps the flags of a shared link when an example is opened from it', async () => {
		expect(shared.link).toMatch(/&flags=/);
		const flags = new URL(shared.link, baseUrl).searchParams.get('flags');
		const watched = await watchedPage(chromium);
		await watched.page.goto(`${baseUrl}${shared.link}`);
		const examples = await watched.page.locator('.examples a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
		expect(examples.length).toBeGreaterThan(0);
		for (const href of examples) expect(new URL(href ?? '', baseUrl).searchParams.get('flags')).toBe(flags);
		await expectClean(watched);
		await watched.page.context().close();
	});

	it('shows hostile email content as text and runs none of it', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${baseUrl}/`);
		await page.locator('textarea').first().fill(scenario.hostileInput);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.waitForURL((url) => url.searchParams.has('input'));
		await page.locator('[data-testid=summary]').waitFor();
		// Open every disclosure so all of the run is in the document.
		await page
			.locator('details:not([open]) > summary')
			.evaluateAll((summaries) => summaries.forEach((s) => ((s.parentElement as HTMLDetailsElement).open = true)));
		expect(await page.locator('main').textContent()).toContain(`<script>window.__pwned = 'script'`);
		for (const selector of ['main img', 'main iframe', 'main svg', 'main script', 'main a[href^="javascript:"]']) {
			expect(await page.locator(selector).count(), selector).toBe(0);
		}
		await screenshot(page, 'run-page-hostile-input');
		await expectClean(watched);
		await page.context().close();
	});

	it('keeps what was typed, ticked and chosen before the page came alive, and runs it', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		// The app's scripts held back: only the server-rendered form is there, as on a slow connection.
		let release = () => {};
		const released = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/_app/immutable/**/*.js', async (route) => {
			await released;
			await route.continue();
		});
		await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
		const text = page.locator('textarea').first();
		const field = ((await text.getAttribute('name')) ?? '').replace(/^input\./, '');
		await text.fill(scenario.hostileInput);
		const box = page.locator(`input[name="flags.${toggled}"]`);
		const wasOn = await box.isChecked();
		await box.setChecked(!wasOn);
		const choice = page.locator('select[name^="flags."]').first();
		const chosen = (await choice.count()) ? await choice.locator('option:not(:checked)').last().getAttribute('value') : null;
		if (chosen !== null) await choice.selectOption(chosen);
		const search = page.locator('#picker-query');
		const searching = (await search.count()) > 0;
		if (searching) await search.fill('prize');

		release();
		// SvelteKit writes its history entry as it starts, then hydrates.
		await page.waitForFunction(() => (history.state as Record<string, unknown> | null)?.['sveltekit:history'] !== undefined);
		await page.waitForLoadState('networkidle');
		expect(await text.inputValue()).toBe(scenario.hostileInput.replaceAll('\r\n', '\n'));
		expect(await box.isChecked()).toBe(!wasOn);
		if (chosen !== null) expect(await choice.inputValue()).toBe(chosen);
		if (searching) expect(await search.inputValue()).toBe('prize');

		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.waitForURL((url) => url.searchParams.has('input'));
		await page.locator('[data-testid=summary]').waitFor();
		const input = JSON.parse(new URL(page.url()).searchParams.get('input') ?? '{}') as Record<string, string>;
		expect(input[field]?.replaceAll('\r\n', '\n')).toBe(scenario.hostileInput.replaceAll('\r\n', '\n'));
		expect(flagsOf(page)[toggled]).toBe(!wasOn);
		if (chosen !== null) expect(String(flagsOf(page)[(await choice.getAttribute('name'))!.slice('flags.'.length)])).toBe(chosen);
		await expectClean(watched);
		await page.context().close();
	});

	it('shows the flags of the run in view when going back and forward', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${baseUrl}/`);
		await page.locator('textarea').first().fill(scenario.hostileInput);
		const box = page.locator(`input[name="flags.${toggled}"]`);
		const choice = page.locator('select[name^="flags."]').first();
		const hasChoice = (await choice.count()) > 0;
		const controls = async () => [await box.isChecked(), hasChoice ? await choice.inputValue() : null];
		const run = async () => {
			const before = page.url();
			await page.getByRole('button', { name: 'Run', exact: true }).click();
			await page.waitForURL((url) => url.href !== before && url.searchParams.has('input'));
			await page.locator('[data-testid=summary]').waitFor();
		};
		await run();
		const first = await controls();
		await box.setChecked(!first[0]);
		if (hasChoice) await choice.selectOption((await choice.locator('option:not(:checked)').last().getAttribute('value')) ?? '');
		await run();
		const second = await controls();
		expect(second).not.toEqual(first);

		const loaded = () => page.waitForResponse((response) => response.url().includes('__data.json'));
		await Promise.all([loaded(), page.goBack()]);
		await expect.poll(controls).toEqual(first);
		await Promise.all([loaded(), page.goForward()]);
		await expect.poll(controls).toEqual(second);
		await expectClean(watched);
		await page.context().close();
	});

	it('keeps a draft while the picker searches, and saves typed input too long for a link under a short one that reloads', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await pickSample(page);
		const text = page.locator('textarea').first();
		await text.fill(LONG_DRAFT);
		await page.locator('#picker-query').fill('no-such-words');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.waitForURL((url) => url.searchParams.get('q') === 'no-such-words');
		expect(await text.inputValue()).toBe(LONG_DRAFT);

		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.waitForURL((url) => url.searchParams.has('saved') && url.searchParams.get('q') === 'no-such-words');
		await page.locator('[data-testid=summary]').waitFor();
		// Typed input, not the sample it started from.
		expect(await page.locator('.loaded').count()).toBe(0);
		expect(await page.locator('.expected').count()).toBe(0);
		expect(await text.inputValue()).toBe(LONG_DRAFT);
		const share = (await page.getByTestId('share-link').getAttribute('href')) ?? '';
		expect(share).toMatch(/[?&]saved=[\w-]{22}(&|$)/);
		expect(share.length).toBeLessThan(1000);
		const summary = await summaryText(page);

		await page.reload();
		expect(await text.inputValue()).toBe(LONG_DRAFT);
		expect(await summaryText(page)).toBe(summary);
		// The first step's input holds the draft too: too long for a link, it is posted and saved.
		const firstStep = page.locator('article.step-card').first();
		expect(await firstStep.getByRole('link', { name: 'Run this step alone' }).count()).toBe(0);
		await firstStep.getByRole('button', { name: 'Run this step alone' }).click();
		await page.waitForURL(/\/steps\/[^/?]+\?saved=[\w-]{22}$/);
		expect(await page.locator('.step-card[data-status=ok]').count()).toBe(1);
		await page.goBack();
		await page.locator('[data-testid=summary]').waitFor();
		await page.getByRole('link', { name: 'Compare under other flags' }).click();
		await page.waitForURL(/\/compare\?saved=/);
		await page.locator('.step-row').first().waitFor();
		expect(await page.locator('.error-message').count()).toBe(0);
		await expectClean(watched);
		await page.context().close();
	});

	it('shows a refused form in place of the earlier result', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await pickSample(page);
		if (bounded) {
			await page.locator('textarea').first().fill(LONG_DRAFT);
			// As a client that skips the browser's own check of the number's minimum.
			await page.locator('form.run-form').evaluate((form) => ((form as HTMLFormElement).noValidate = true));
			await page.locator(`input[name="flags.${bounded.name}"]`).fill(String(bounded.minimum - 1));
			await page.getByRole('button', { name: 'Run', exact: true }).click();
			await page.locator(`#field-flags-${bounded.name}-error`).waitFor();
			expect(await page.locator('[data-testid=summary]').count()).toBe(0);
			expect(await page.locator('[data-testid=share-link]').count()).toBe(0);
		}
		await page.context().close();
	});

	it('drops the answer of a run when the user has opened a sample meanwhile', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${baseUrl}/?browse=${encodeURIComponent(scenario.dataset)}`);
		const text = page.locator('textarea').first();
		await text.fill(LONG_DRAFT);
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		let answered = () => {};
		const answer = new Promise<void>((resolve) => (answered = resolve));
		await page.route('**/?/run', async (route) => {
			const response = await route.fetch();
			await held;
			await route.fulfill({ response });
			answered();
		});
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		const sample = page.locator('[data-sample]').first();
		const id = (await sample.getAttribute('data-sample')) ?? '';
		await sample.click();
		await page.waitForURL((url) => url.searchParams.get('id') === id);
		await page.locator('.loaded').waitFor();
		// The sample's page is not busy with the run it will drop.
		const submit = page.locator('form.run-form button[type=submit]');
		expect([await submit.innerText(), await submit.isDisabled()]).toEqual(['Run', false]);
		release();
		await answer;
		await page.waitForTimeout(300);
		expect(await page.locator('.loaded').innerText()).toContain(id);
		expect(await text.inputValue()).not.toBe(LONG_DRAFT);
		expect(new URL(page.url()).searchParams.has('saved')).toBe(false);
		await page.context().close();
	});

	it('places bad flags from a link beside their field, and never shows a blank page', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		const sample = await pickSample(page);
		if (bounded) {
			const flags = encodeURIComponent(JSON.stringify({ [bounded.name]: bounded.minimum - 1 }));
			await page.goto(
				`${baseUrl}/?dataset=${encodeURIComponent(scenario.dataset)}&id=${encodeURIComponent(sample)}&flags=${flags}`
			);
			expect(await page.locator(`#field-flags-${bounded.name}-error`).innerText()).toMatch(/\S/);
			expect(await page.locator('.error-message').innerText()).toContain('Check the input');
		}
		const noItem = await page.goto(`${baseUrl}/?dataset=${encodeURIComponent(scenario.dataset)}&id=no-such-item`);
		expect(noItem?.status()).toBe(404);
		// Said above the empty form, where the eye lands, not below it.
		const notice = page.locator('.run-form .error-message');
		expect(await notice.innerText()).toMatch(/Nothing to open[^]*no-such-item/);
		const aboveInput = await notice.evaluate(
			(box) =>
				(box.compareDocumentPosition(document.querySelector('.run-form textarea') as Node) & Node.DOCUMENT_POSITION_FOLLOWING) !==
				0
		);
		expect(aboveInput).toBe(true);
		await page.goto(`${baseUrl}/?browse=no-such-dataset`);
		expect(await page.locator('.picker .error').innerText()).toContain('no-such-dataset');
		const missing = await page.goto(`${baseUrl}/steps/no-such-step`);
		expect(missing?.status()).toBe(404);
		expect(await page.locator('main').innerText()).toContain(manifest.steps[0].name);
		await screenshot(page, 'error-page');
		expect(watched.dialogs).toEqual([]);
		await page.context().close();
	});

	it('keeps the typed input and says why when it is over the server body limit', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${baseUrl}/`);
		const field = page.locator('form.run-form textarea').first();
		const huge = 'x'.repeat(1_100_000);
		await field.fill(huge);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect.poll(() => page.locator('.error-message').innerText()).toContain('larger than the server accepts');
		expect((await field.inputValue()).length).toBe(huge.length);
		await page.context().close();
	});

	it('says it is running while a slow step works', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await pickSample(page);
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		await page.route(
			(url) => url.search.includes('/run'),
			async (route) => {
				await held;
				await route.continue();
			}
		);
		let runs = 0;
		page.on('request', (request) => void (request.url().includes('/run') && runs++));
		await page.locator(`input[name="flags.${toggled}"]`).click();
		await page.getByRole('button', { name: 'Run', exact: true }).press('Enter');
		await page.getByText('Running the pipeline…').waitFor();
		const busy = page.getByRole('button', { name: 'Running…' });
		expect(await busy.getAttribute('aria-disabled')).toBe('true');
		// Pressed from the keyboard, the button keeps the focus while it runs, and ignores a second press.
		expect(await busy.evaluate((button) => button === document.activeElement)).toBe(true);
		await busy.press('Enter');
		release();
		await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
		await page.locator('[data-testid=summary]').waitFor();
		expect(runs).toBe(1);
		// What a screen reader announces is one short line, not the whole result.
		await expect.poll(() => page.locator('.result [role=status]').innerText()).toMatch(/^Done in \S+/);
		const live = await page.locator('[aria-live], [role=status], [role=alert]').allInnerTexts();
		for (const text of live) expect(text.length).toBeLessThan(200);
		await page.context().close();
	});

	it('works without JavaScript: links run samples and the form runs through the server', async () => {
		const watched = await watchedPage(chromium, { javaScriptEnabled: false });
		const { page } = watched;
		await page.goto(`${baseUrl}/?browse=${encodeURIComponent(scenario.dataset)}`);
		await page.locator('[data-sample]').first().click();
		await page.locator('[data-testid=summary]').waitFor();
		const box = page.locator(`input[name="flags.${toggled}"]`);
		const wasOn = await box.isChecked();
		await box.setChecked(!wasOn);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.waitForURL(() => flagsOf(page)[toggled] === !wasOn);
		expect((await stepCards(page)).length).toBe(manifest.steps.length);
		await page.context().close();
	});

	it('fits a narrow window and runs from the keyboard alone', async () => {
		const watched = await watchedPage(chromium, { viewport: { width: 380, height: 800 } });
		const { page } = watched;
		await pickSample(page);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
		await screenshot(page, 'run-page-narrow');
		// The opened sample's input has the focus: the next Tab is its first field, not the page's top.
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('input-title');
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.tagName)).toMatch(/^(TEXTAREA|INPUT|SELECT)$/);

		const wasOn = await page.locator(`input[name="flags.${toggled}"]`).isChecked();
		for (let presses = 0; presses < 80; presses++) {
			await page.keyboard.press('Tab');
			const focused = await page.evaluate(() => {
				const element = document.activeElement as HTMLInputElement | null;
				return element?.type === 'submit' ? element.textContent?.trim() : element?.name;
			});
			if (focused === `flags.${toggled}`) await page.keyboard.press('Space');
			if (focused === 'Run') break;
		}
		await page.keyboard.press('Enter');
		await page.waitForURL(() => flagsOf(page)[toggled] === !wasOn);
		await page.locator('[data-testid=summary]').waitFor();
		// The keyboard focus comes back to Run, not the top of the page; after a refusal, to the field.
		const focused = () =>
			page.evaluate(() => (document.activeElement as HTMLElement | null)?.id || document.activeElement?.textContent?.trim());
		await expect.poll(focused).toBe('Run');
		if (bounded) {
			const field = page.locator(`input[name="flags.${bounded.name}"]`);
			await page.locator('textarea').first().fill(LONG_DRAFT);
			await page.locator('form.run-form').evaluate((form) => ((form as HTMLFormElement).noValidate = true));
			await field.fill(String(bounded.minimum - 1));
			await field.press('Enter');
			await page.locator(`#field-flags-${bounded.name}-error`).waitFor();
			await expect.poll(focused).toBe(`field-flags-${bounded.name}`);
		}
		await expectClean(watched);
		await page.context().close();
	});
});

describe('compare and step pages', () => {
	it('compares two flag sets and points out the first step that differs', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await pickSample(page);
		await page.getByRole('link', { name: 'Compare under other flags' }).click();
		await page.waitForURL((url) => url.pathname === '/compare');
		await page.locator(`input[name="b.${toggled}"]`).click();
		await page.getByRole('button', { name: 'Compare' }).click();
		await page.waitForURL((url) => url.searchParams.get('b') !== url.searchParams.get('a'));
		const verdict = await page.getByTestId('verdict').innerText();
		const differing = await page
			.locator('.step-row[data-differs=true]')
			.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.step));
		expect(differing.length).toBeGreaterThan(0);
		expect(verdict).toContain(`First difference at step ${differing[0]}`);
		expect(verdict).toContain(toggled);
		await screenshot(page, 'compare-page');
		// A side's step runs alone on the input it got there (a link, or a form when it is too long for
		// one); the differing step may have been skipped on the other side.
		const ran = page.locator(`.step-row[data-step="${differing[0]}"] article.step-card[data-status=ok]`).first();
		const runAlone = ran
			.getByRole('link', { name: 'Run this step alone' })
			.or(ran.getByRole('button', { name: 'Run this step alone' }));
		await Promise.all([page.waitForURL((url) => url.pathname === `/steps/${differing[0]}`), runAlone.click()]);
		await page.locator('.step-card[data-status=ok]').waitFor();
		await page.goBack();
		await expectClean(watched);
		await page.context().close();
	});

	it('runs a step alone with its generated form and debug view', async () => {
		const watched = await watchedPage(chromium);
		const { page } = watched;
		const step = manifest.steps.find((s) => s.debug && s.examples.length) ?? manifest.steps[0];
		await page.goto(`${baseUrl}/steps`);
		await page.getByRole('link', { name: step.name, exact: true }).click();
		await page.getByRole('button', { name: 'Run step' }).click();
		await page.waitForURL((url) => url.searchParams.has('input'));
		await page.locator('.step-card[data-status=ok]').waitFor();
		if (step.debug) expect(await page.locator('.debug-field').count()).toBeGreaterThan(0);
		await screenshot(page, 'step-page');
		await expectClean(watched);
		await page.context().close();
	});
});

describe('a second pipeline', () => {
	let server: TestServer;

	beforeAll(async () => {
		// Same build, another pipeline: the pages must follow the manifest with no route of their own.
		server = await startTestServer({
			buildDir: inject('buildDir'),
			env: { CONVINCE_PIPELINE: 'wordcount', CONVINCE_DATASETS: WORDCOUNT_DATASET }
		});
	});

	afterAll(async () => {
		await server?.stop();
	});

	it('renders its own form, flags, steps and debug views, and keeps its hostile sample inert', async () => {
		const wordcount = await fetchManifest(server.baseUrl);
		expect(wordcount.name).toBe('wordcount');
		const watched = await watchedPage(chromium);
		const { page } = watched;
		await page.goto(`${server.baseUrl}/?dataset=${encodeURIComponent(WORDCOUNT_DATASET)}&id=xss`);
		await page.locator('[data-testid=summary]').waitFor();
		expect(await page.locator('.site .pipeline').innerText()).toContain('wordcount');
		for (const [part, schema] of [
			['input', wordcount.input],
			['flags', wordcount.flags]
		] as const) {
			for (const key of Object.keys(schema.properties as object)) {
				const control = page.locator(`[name="${part}.${key}"]`);
				expect(await control.count(), `${part}.${key}`).toBe(1);
				expect(
					await page.locator(`label[for="${await control.getAttribute('id')}"], label:has([name="${part}.${key}"])`).count()
				).toBe(1);
			}
		}
		expect((await stepCards(page)).map(([step]) => step)).toEqual(wordcount.steps.map((s) => s.name));
		expect(await page.locator('[data-display=spans] mark').count()).toBeGreaterThan(0);
		expect(await page.locator('[data-display=table] table').count()).toBe(1);
		expect(await page.locator('[data-sample="xss"]').innerText()).toContain(`<img src=x onerror=alert('title')>`);
		await screenshot(page, 'second-pipeline');
		await expectClean(watched);
		await page.context().close();
	});
});
