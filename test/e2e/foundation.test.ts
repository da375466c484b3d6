import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

const dataDir = tempDataDir('logscope-e2e-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;

beforeAll(async () => {
  app = await startBrowserMode(dataDir);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the first screen in browser mode', () => {
  it('opens on the demo dataset, pages through rows, sorts, and switches language', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    // The token left the address bar for a cookie.
    await page.waitForURL((url) => !url.search.includes('token'));
    await page.getByTestId('dataset-demo_service').waitFor();
    // A dataset opens on its dashboard; the rows are one tab away.
    await page.getByRole('tab', { name: 'Rows' }).click();
    await page.getByRole('gridcell').first().waitFor();
    await expect(page.getByTestId('dataset-title').textContent()).resolves.toBe('demo_service');
    await expect(page.getByTestId('page-summary').textContent()).resolves.toBe('Rows 1–500 of 30,000');
    // Times are shown in the browser's zone (Asia/Seoul here), with the zone named.
    await expect(page.getByTestId('dataset-time-range').textContent()).resolves.toContain('(Asia/Seoul)');
    await screenshot(page, 'foundation-rows-en-light');

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Rows 501–1,000 of 30,000').waitFor();
    const firstRowIndex = await page.getByRole('row').nth(1).getAttribute('aria-rowindex');
    expect(firstRowIndex).toBe('502');

    await page.getByRole('columnheader', { name: /latency_ms/ }).click();
    await page.getByRole('columnheader', { name: /latency_ms/ }).click();
    await expect(page.getByRole('columnheader', { name: /latency_ms/ }).getAttribute('aria-sort')).resolves.toBe('descending');
    await page.getByText('Rows 1–500 of 30,000').waitFor();

    // Deleting asks first, saying what goes; Cancel keeps the dataset.
    await page.getByRole('button', { name: 'Dataset actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(/30,000/).waitFor();
    await page.getByRole('menu').waitFor({ state: 'detached' });
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await screenshot(page, 'foundation-delete-en-light');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('dataset-demo_service').waitFor();

    // UTC is offered (Chromium's own zone list has neither UTC nor Etc/*), right after the
    // computer's zone, and choosing it relabels the times shown.
    await page.getByRole('button', { name: 'Time zone' }).click();
    await page.getByRole('combobox', { name: 'Time zone' }).click();
    const zoneOptions = page.getByRole('option');
    await zoneOptions.first().waitFor();
    await expect(zoneOptions.nth(0).textContent()).resolves.toBe('Asia/Seoul');
    await expect(zoneOptions.nth(1).textContent()).resolves.toBe('UTC');
    await page.getByRole('combobox', { name: 'Time zone' }).fill('Etc/GMT-9');
    await page.getByRole('option', { name: 'Etc/GMT-9', exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Time zone' }).fill('UTC');
    await page.getByRole('option', { name: 'UTC', exact: true }).click();
    await page.getByRole('button', { name: 'Time zone' }).filter({ hasText: /Times in UTC$/ }).waitFor();
    await expect(page.getByTestId('dataset-time-range').textContent()).resolves.toContain('(UTC)');
    await screenshot(page, 'foundation-utc-en-light');
    await page.keyboard.press('Escape');

    await page.getByText('한국어').click();
    await page.getByText('전체 30,000행 중 1–500행').waitFor();
    await expect(page.getByRole('tab', { name: '열' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'foundation-rows-ko-light');

    // The language choice is kept by the owner, not the page: a reload keeps Korean.
    await page.reload();
    await page.getByText('데이터셋').first().waitFor();
    await page.getByRole('button', { name: '어둡게' }).click();
    await page.getByRole('tab', { name: '열' }).click();
    await page.getByRole('cell', { name: 'latency_ms' }).waitFor();
    await screenshot(page, 'foundation-columns-ko-dark');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
