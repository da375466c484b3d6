import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

/** The dashboard by keyboard alone: dialogs hand focus back, charts are tab stops with their description. */
const dataDir = tempDataDir('logscope-e2e-keyboard-');
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

/** What has focus, as a test id or, failing that, its tag and text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    return active?.dataset.testid ?? `${active?.tagName.toLowerCase()}:${active?.textContent?.trim().slice(0, 40)}`;
  });

/** Escape closes the open dialog; focus then settles (Mantine's close transition, our hand-back). */
async function closeWithEscape(page: Page) {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement !== document.body);
}

async function openDashboard(page: Page) {
  await page.getByTestId('dataset-demo_service').waitFor();
  await page.getByTestId('echart-events').locator('svg').waitFor({ timeout: 60_000 });
}

describe('the keyboard', () => {
  it('When a dialog opened from a button or a menu closes with Escape, Then its opener has focus again', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await openDashboard(page);

    // The chart builder, opened from its button with Enter.
    await page.getByTestId('add-chart').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('builder-type').waitFor();
    await expect(focused(page)).resolves.not.toBe('add-chart');
    await closeWithEscape(page);
    await expect(focused(page)).resolves.toBe('add-chart');

    // The role editor, opened with Space.
    const editRoles = page.getByTestId('dashboard-roles').getByRole('button', { name: 'Change…' });
    await editRoles.focus();
    await page.keyboard.press('Space');
    await page.getByRole('dialog').waitFor();
    await closeWithEscape(page);
    await expect(editRoles.evaluate((button) => button === document.activeElement)).resolves.toBe(true);

    // Report settings, chosen from the report menu: the item is gone, the menu's button takes focus.
    // The second time its chunk is loaded, so the dialog opens while the menu is still closing.
    for (let time = 0; time < 2; time++) {
      await page.getByTestId('report-menu').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('menuitem', { name: 'Report settings…' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('dialog').waitFor();
      await closeWithEscape(page);
      await expect(focused(page)).resolves.toBe('report-menu');
    }
    expect(errors).toEqual([]);
  });

  it('When Tab reaches a chart, Then it is named by its description, ringed, and Enter shows its rows', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await openDashboard(page);
    const events = page.getByTestId('echart-events');
    // ECharts' own aria component writes the description on the box (nothing without AriaComponent).
    await page.waitForFunction(() => document.querySelector('[data-testid="echart-events"]')?.getAttribute('aria-label')?.includes('Asia/Seoul (UTC+09:00)'));
    const description = await events.getAttribute('aria-label');
    expect(description).toBe('Events over time, 03-04 09:00 – 03-11 08:00 Asia/Seoul (UTC+09:00), peak 370 at 03-05 15:00. Series: 2xx, 3xx, 4xx, 5xx.');

    // Tab from the control just before the chart (the events card's stack-by switch) lands on it.
    await page.getByTestId('chart-events').getByRole('button', { name: /^Export: / }).focus();
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('echart-events');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('role'))).resolves.toBe('img');
    const name = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(name).toBe(description);
    const outline = await events.evaluate((box) => getComputedStyle(box).outlineStyle);
    expect(outline).toBe('solid');
    await screenshot(page, 'keyboard-chart-focus-en');

    await page.keyboard.press('Enter');
    await page.getByRole('gridcell').first().waitFor();
    await expect(page.getByRole('tab', { name: 'Rows', exact: true }).getAttribute('aria-selected')).resolves.toBe('true');
    expect(errors).toEqual([]);
  });
});
