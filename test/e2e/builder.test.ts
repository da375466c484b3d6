import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, repoRoot, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

/**
 * Issue 8 end to end in browser mode: a query written with completion, run, charted and
 * added to the dashboard from the console; a chart made with the builder; the dashboard
 * arranged; and all of it still there after a reload.
 */

const dataDir = tempDataDir('logscope-e2e-builder-');
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

/** A Mantine select: open it, pick the option. */
async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** A chart has been drawn to the end of its animation. */
const drawn = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"][data-rendered="true"]`).waitFor();

/** A Mantine switch, toggled from the keyboard (a sticky drawer header may cover it). */
async function toggle(page: Page, scope: string, label: string) {
  await page.getByTestId(scope).getByRole('switch', { name: label }).focus();
  await page.keyboard.press('Space');
}

/** The dashboard's layout is written to the owner. */
const layoutSaved = (page: Page) => page.locator('[data-testid="layout-status"][data-state="saved"]').waitFor();

/** Every chart card on the page has its data and is drawn. */
async function chartsSettled(page: Page) {
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('[data-testid^="chart-"][data-loading]')];
    return cards.length > 0 && cards.every((card) => card.getAttribute('data-loading') === 'false' && card.querySelector('svg, [role="grid"], [data-testid^="chart-error-"]'));
  });
}

/** Card titles in the order the dashboard shows them. */
const cardOrder = (page: Page) =>
  page.locator('[data-testid^="chart-"][data-loading]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-title') ?? c.getAttribute('data-testid')!.replace(/^chart-/, '')));

describe('charts made by the user, in browser mode', () => {
  it('charts a console query and a builder chart onto the dashboard, and keeps them across a reload', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();

    // The console: a query written with completion, run with Ctrl+Enter.
    await page.getByTestId('nav-console').click();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('SELECT level,\ncount(*) AS requests,\nquantile_cont(latenc');
    await page.locator('.cm-tooltip-autocomplete li', { hasText: 'latency_ms' }).click();
    await page.keyboard.type(', 0.95) AS p95_ms\nFROM demo_service\nGROUP BY level\nORDER BY requests DESC');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-summary').getByText('4 rows').waitFor();
    await page.mouse.move(0, 0);
    await screenshot(page, 'console-en-light');
    fs.copyFileSync(path.join(repoRoot, 'test-output', 'screenshots', 'console-en-light.png'), path.join(repoRoot, 'docs', 'screenshots', 'console.png'));

    // Chart this result: labels from the text column, values from the first number.
    await page.getByTestId('console-chart-toggle').click();
    await page.getByTestId('console-chart-view').locator('svg').waitFor();
    await expect(page.getByTestId('console-chart-x').inputValue()).resolves.toBe('level');
    await pick(page, 'console-chart-type', 'Donut');
    await page.getByTestId('console-chart-title').fill('Requests by level');
    await drawn(page, 'console-chart-view');
    await expect(page.getByTestId('console-chart-target').inputValue()).resolves.toBe('demo_service');
    await screenshot(page, 'console-chart-en-light');
    await page.getByTestId('console-chart-add').click();
    await page.getByTestId('console-chart-added').waitFor();

    // The dataset's dashboard shows it, drawn by running the query again.
    await page.getByTestId('dataset-demo_service').click();
    const sqlCard = page.locator('[data-title="Requests by level"]');
    await sqlCard.locator('svg').first().waitFor();
    await expect(sqlCard.textContent()).resolves.toContain('not filtered');

    // The builder: p95 latency per hour, by level, with its SQL shown.
    await page.getByTestId('add-chart').click();
    await pick(page, 'builder-type', 'Line');
    await pick(page, 'builder-bucket', '6 h');
    await pick(page, 'builder-aggregate', 'p95');
    await pick(page, 'builder-y', 'latency_ms · BIGINT');
    await pick(page, 'builder-group', 'method · VARCHAR');
    await page.getByTestId('builder-title').fill('p95 latency by method');
    await page.getByTestId('builder-sql').getByText(/quantile_cont\(y, 0\.95\)/).waitFor();
    await drawn(page, 'builder-chart');
    await expect(page.getByTestId('builder-sql').textContent()).resolves.toContain('FROM "main"."demo_service"');
    await screenshot(page, 'builder-en-light');
    await page.getByTestId('builder-submit').click();
    const builderCard = page.locator('[data-title="p95 latency by method"]');
    await builderCard.locator('svg').first().waitFor();
    await layoutSaved(page);

    // Arrange: the SQL chart first and across, the heatmap hidden.
    await page.getByTestId('arrange').click();
    const panel = page.getByTestId('arrange-panel');
    for (let i = 0; i < 12; i++) {
      const up = panel.getByRole('button', { name: 'Move up: Requests by level' });
      if (await up.isDisabled()) break;
      await up.click();
    }
    await toggle(page, 'arrange-custom:' + (await sqlCard.getAttribute('data-testid'))!.replace('chart-custom-', ''), 'Full width');
    await toggle(page, 'arrange-standard:heatmap', 'Show');
    await page.keyboard.press('Escape');
    await layoutSaved(page);
    await chartsSettled(page);
    await expect(page.getByTestId('chart-heatmap').count()).resolves.toBe(0);
    const arranged = await cardOrder(page);
    expect(arranged[0]).toBe('Requests by level');
    expect(arranged).toContain('p95 latency by method');
    await drawn(page, (await sqlCard.getAttribute('data-testid'))!.replace('chart-', 'echart-'));
    await screenshot(page, 'dashboard-custom-en-light');

    // A reload: the same dashboard, from the catalogue.
    await page.reload();
    await page.getByTestId('dashboard').waitFor();
    await chartsSettled(page);
    await expect(cardOrder(page)).resolves.toEqual(arranged);
    await expect(page.getByTestId('chart-heatmap').count()).resolves.toBe(0);
    await builderCard.locator('svg').first().waitFor();
    expect(errors).toEqual([]);
  });

  it('shows the same in Korean and in the dark', async () => {
    const { page, errors } = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await page.getByTestId('dashboard').waitFor();
    await chartsSettled(page);
    await expect(page.getByTestId('add-chart').textContent()).resolves.toBe('차트 추가');
    await page.locator('[data-title="Requests by level"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-custom-ko-dark');
    await page.locator('[data-title="p95 latency by method"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-custom-ko-dark-lower');

    // Editing the builder chart opens it with its fields.
    await page.locator('[data-title="p95 latency by method"]').getByRole('button', { name: /내보내기/ }).click();
    await page.getByRole('menuitem', { name: '편집' }).click();
    await drawn(page, 'builder-chart');
    await expect(page.getByTestId('builder-aggregate').inputValue()).resolves.toBe('p95');
    await screenshot(page, 'builder-ko-dark');
    await page.keyboard.press('Escape');

    await page.getByTestId('arrange').click();
    await page.getByTestId('arrange-panel').getByText('대시보드 배치').waitFor();
    await screenshot(page, 'arrange-ko-dark');
    await page.keyboard.press('Escape');

    await page.getByTestId('nav-console').click();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('SELECT time_bucket(INTERVAL 1 HOUR, time) AS hour, count(*) AS n FROM demo_service GROUP BY 1 ORDER BY 1');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-summary').waitFor();
    await page.getByTestId('console-chart-toggle').click();
    await drawn(page, 'console-chart-view');
    await expect(page.getByTestId('console-chart-type').inputValue()).resolves.toBe('선');
    await screenshot(page, 'console-chart-ko-dark');
    expect(errors).toEqual([]);
  });
});
