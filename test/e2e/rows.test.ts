import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';

const dataDir = tempDataDir('logscope-e2e-rows-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let api: ReturnType<typeof createLocalApi>;
let accessId = 0;

/** An access log whose counts the test knows: a path every fourth line, a 503 every thirteenth. */
const paths = ['/api/items', '/api/checkout', '/static/app.js', '/login'];
const accessLines = Array.from({ length: 600 }, (_, i) => {
  const at = new Date(Date.UTC(2024, 2, 4, 0, 0, 0) + i * 30_000);
  const stamp = `${String(at.getUTCDate()).padStart(2, '0')}/Mar/2024:${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}:${String(at.getUTCSeconds()).padStart(2, '0')} +0000`;
  const status = i % 13 === 0 ? 503 : i % 7 === 0 ? 404 : 200;
  return { path: paths[i % 4]!, status, text: `198.51.100.${i % 250} - - [${stamp}] "GET ${paths[i % 4]} HTTP/1.1" ${status} ${100 + i} "-" "Mozilla/5.0" 0.0${i % 10}0 0.010` };
});

beforeAll(async () => {
  app = await startBrowserMode(dataDir);
  api = createLocalApi(app.core.rpc, app.core.events);
  const file = path.join(dataDir, 'shop-access.log');
  fs.writeFileSync(file, accessLines.map((l) => l.text).join('\n') + '\n');
  const [item] = await api.call('import.run', { jobId: 'rows-e2e', files: [{ file: { path: file }, options: {} }], origin: 'command' });
  if (!item?.ok) throw new Error(JSON.stringify(item));
  if (item.result.datasetId === null) throw new Error('no dataset');
  accessId = item.result.datasetId;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function chartsSettled(page: Page, atLeast: number) {
  await page.waitForFunction((min) => {
    const cards = document.querySelectorAll('[data-testid^="chart-"][data-loading]').length;
    return (
      cards >= min &&
      document.querySelectorAll('[data-loading="true"]').length === 0 &&
      document.querySelectorAll('[data-testid^="echart-"] svg').length + document.querySelectorAll('[data-testid^="chart-empty-"], [data-testid^="chart-error-"]').length === cards
    );
  }, atLeast);
}

const rowsOf = (scope: string | null) => Number(/· ([\d,]+) (?:rows?|행)/.exec(scope ?? '')?.[1]?.replaceAll(',', '') ?? NaN);

/** "Rows 1–500 of 1,234" once the grid has settled on the current filter state. */
async function gridTotal(page: Page): Promise<number> {
  await page.getByTestId('filtered-rows').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="rows-grid"] [role="gridcell"]') !== null || document.querySelector('[data-testid="rows-grid"]')?.textContent?.includes('No row'));
  await page.locator('[data-testid="filtered-rows"] .mantine-Loader-root').waitFor({ state: 'detached' });
  const summary = (await page.getByTestId('page-summary').textContent()) ?? '';
  return Number(/(?:of|전체) ([\d,]+)/.exec(summary)?.[1]?.replaceAll(',', '') ?? NaN);
}

/** The grid's cells of one column, by its header. */
async function columnValues(page: Page, column: string): Promise<string[]> {
  const headers = await page.getByTestId('rows-grid').getByRole('columnheader').allTextContents();
  const at = headers.indexOf(column);
  if (at < 0) throw new Error(`no column ${column} in ${headers.join(', ')}`);
  return page.getByTestId('rows-grid').locator('[role="row"][aria-rowindex]:not([aria-rowindex="1"])').evaluateAll((rows, i) => rows.map((r) => r.querySelectorAll('[role="gridcell"]')[i]?.textContent ?? ''), at);
}

describe('the Rows grid under the dashboard’s filter state', () => {
  it('shows the rows of a brushed range and of a clicked bar, with the chip', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dashboard').waitFor();
    await chartsSettled(page, 8);

    const events = await page.getByTestId('echart-events').boundingBox();
    if (!events) throw new Error('events chart not laid out');
    await page.mouse.move(events.x + events.width * 0.3, events.y + events.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(events.x + events.width * 0.45, events.y + events.height * 0.6, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('radio', { name: 'Selected', checked: true }).waitFor({ state: 'attached' });
    await chartsSettled(page, 8);
    const brushedRows = rowsOf(await page.getByTestId('chart-scope-events').textContent());
    expect(brushedRows).toBeGreaterThan(100);
    expect(brushedRows).toBeLessThan(30_000);
    const brushedRange = (await page.getByTestId('dashboard-range').textContent()) ?? '';

    await page.getByRole('tab', { name: 'Rows' }).click();
    await expect(gridTotal(page)).resolves.toBe(brushedRows);
    await expect(page.getByTestId('dashboard-range').textContent()).resolves.toBe(brushedRange);
    await expect(page.getByTestId('page-summary').textContent()).resolves.toBe(`Rows 1–500 of ${brushedRows.toLocaleString('en-US')}`);

    // A status bar: its chip, the Rows tab at the first matching row, the count of the chart.
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await chartsSettled(page, 8);
    await page.getByTestId('echart-status').scrollIntoViewIfNeeded();
    const bar = await page.getByTestId('echart-status').evaluate((box) => {
      const bars = [...box.querySelectorAll('path')].filter((p) => p.getAttribute('fill')?.toLowerCase() === '#40c057');
      const r = bars.map((p) => p.getBoundingClientRect()).sort((a, b) => b.height - a.height)[0];
      if (!r) throw new Error('no green bar');
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await page.mouse.click(bar.x, bar.y);
    await page.getByRole('tab', { name: 'Rows', selected: true }).waitFor();
    await page.getByTestId('filter-chip').filter({ hasText: 'status 200' }).waitFor();
    const okRows = await gridTotal(page);
    expect(okRows).toBeGreaterThan(0);
    expect(okRows).toBeLessThan(brushedRows);
    expect(new Set(await columnValues(page, 'status'))).toEqual(new Set(['200']));
    await screenshot(page, 'rows-en-light-bar');
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await chartsSettled(page, 8);
    await expect(page.getByTestId('chart-scope-status').textContent().then(rowsOf)).resolves.toBe(okRows);

    // The chip comes off on the Rows tab as well; the charts follow.
    await page.getByRole('tab', { name: 'Rows' }).click();
    await page.getByRole('button', { name: 'Remove filter status 200' }).click();
    await expect(gridTotal(page)).resolves.toBe(brushedRows);
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await expect(gridTotal(page)).resolves.toBe(30_000);
    expect(errors).toEqual([]);
  });

  it('searches an access log by path and by status:503, in the dashboard and the grid, and exports the rows', async () => {
    const { page, errors } = await openApp(browser, `${app.server.url}#/datasets/${accessId}`);
    await page.getByTestId('dataset-title').filter({ hasText: 'shop_access' }).waitFor();
    await page.getByTestId('dashboard').waitFor();
    const checkout = accessLines.filter((l) => l.path === '/api/checkout').length;
    const unavailable = accessLines.filter((l) => l.status === 503).length;
    const both = accessLines.filter((l) => l.status === 503 && l.path === '/api/checkout').length;
    expect(both).toBeGreaterThan(0);

    await page.getByTestId('dashboard-search').fill('/api/checkout');
    await page.getByTestId('chart-scope-events').filter({ hasText: 'search “/api/checkout”' }).waitFor();
    await chartsSettled(page, 1);
    await page.getByRole('tab', { name: 'Rows' }).click();
    await expect(gridTotal(page)).resolves.toBe(checkout);
    expect(new Set(await columnValues(page, 'path'))).toEqual(new Set(['/api/checkout']));
    // Times are shown in the user's zone, and the column says which.
    await expect(page.getByTestId('rows-grid').getByTestId('column-zone').allTextContents()).resolves.toEqual(['Asia/Seoul']);

    // The grid's own search applies on top of the dashboard's.
    await page.getByTestId('rows-quick-search').fill('status:503');
    await expect(waitForTotal(page, both)).resolves.toBe(both);
    expect(new Set(await columnValues(page, 'status'))).toEqual(new Set(['503']));
    await screenshot(page, 'rows-en-light-access');

    // Export what the grid holds: a header and one line per row.
    await page.getByTestId('rows-export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'CSV (spreadsheet-safe)' }).click()]);
    expect(download.suggestedFilename()).toBe('shop_access-rows.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    expect(csv.length).toBe(both + 1);
    expect(csv[0]).toContain('path');
    expect(csv.slice(1).every((line) => line.includes('/api/checkout') && line.includes(',503,'))).toBe(true);

    // status:503 alone, from the dashboard's box.
    await page.getByRole('button', { name: 'Clear the rows search' }).click();
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByTestId('dashboard-search').fill('status:503');
    await page.getByTestId('chart-scope-events').filter({ hasText: 'search “status:503”' }).waitFor();
    await page.getByRole('tab', { name: 'Rows' }).click();
    await expect(gridTotal(page)).resolves.toBe(unavailable);

    // A column filter is a chip of the same state.
    await page.getByTestId('rows-add-filter').click();
    await page.getByTestId('rows-filter-column').click();
    await page.getByRole('option', { name: 'path', exact: true }).click();
    await page.getByTestId('rows-filter-value').fill('/login');
    await page.getByTestId('rows-filter-add').click();
    await page.getByTestId('filter-chip').filter({ hasText: 'path = /login' }).waitFor();
    const login503 = accessLines.filter((l) => l.status === 503 && l.path === '/login').length;
    await expect(waitForTotal(page, login503)).resolves.toBe(login503);

    // A regex that does not compile is worded under the grid's box; the grid keeps its rows.
    await page.getByRole('switch', { name: 'Regular expression' }).check();
    await page.getByTestId('rows-quick-search').fill('closed after ([0-9');
    await page.getByText('The search is not a valid regular expression').waitFor();
    await expect(gridTotal(page)).resolves.toBe(login503);
    await expect(page.getByTestId('rows-error').count()).resolves.toBe(0);
    await screenshot(page, 'rows-en-light-regex-invalid');
    expect(errors).toEqual([]);
  });

  it('keeps the view in the URL: Back, Forward, a reload and a bookmark bring it back', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dashboard').waitFor();
    await chartsSettled(page, 8);
    const whole = (await page.getByTestId('dashboard-range').textContent()) ?? '';
    const events = await page.getByTestId('echart-events').boundingBox();
    if (!events) throw new Error('events chart not laid out');
    await page.mouse.move(events.x + events.width * 0.5, events.y + events.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(events.x + events.width * 0.7, events.y + events.height * 0.6, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('dashboard-range').filter({ hasNotText: whole }).waitFor();
    const brushed = (await page.getByTestId('dashboard-range').textContent()) ?? '';
    await chartsSettled(page, 8);
    await page.getByTestId('echart-status').scrollIntoViewIfNeeded();
    const bar = await page.getByTestId('echart-status').evaluate((box) => {
      const bars = [...box.querySelectorAll('path')].filter((p) => p.getAttribute('fill')?.toLowerCase() === '#40c057');
      const r = bars.map((p) => p.getBoundingClientRect()).sort((a, b) => b.height - a.height)[0];
      if (!r) throw new Error('no green bar');
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await page.mouse.click(bar.x, bar.y);
    await page.getByRole('tab', { name: 'Rows', selected: true }).waitFor();
    const chosen = await gridTotal(page);
    const bookmark = page.url();
    expect(bookmark).toMatch(/#\/datasets\/\d+\?tab=rows&view=/);

    // Back: the dashboard, zoomed, without the chip; Back again: the whole range.
    await page.goBack();
    await page.getByRole('tab', { name: 'Dashboard', selected: true }).waitFor();
    await page.getByTestId('dashboard-range').filter({ hasText: brushed }).waitFor();
    await expect(page.getByTestId('filter-chip').count()).resolves.toBe(0);
    await page.goBack();
    await page.getByTestId('dashboard-range').filter({ hasText: whole }).waitFor();
    await page.goForward();
    await page.goForward();
    await page.getByRole('tab', { name: 'Rows', selected: true }).waitFor();
    await page.getByTestId('filter-chip').filter({ hasText: 'status 200' }).waitFor();
    await expect(gridTotal(page)).resolves.toBe(chosen);

    // A reload opens the same view.
    await page.reload();
    await page.getByRole('tab', { name: 'Rows', selected: true }).waitFor();
    await page.getByTestId('filter-chip').filter({ hasText: 'status 200' }).waitFor();
    await expect(page.getByTestId('dashboard-range').textContent()).resolves.toBe(brushed);
    await expect(gridTotal(page)).resolves.toBe(chosen);

    // The saved dashboard goes back to everything; the bookmark, opened in a new tab of this browser (its session cookie holds the token), still names its view.
    await page.getByRole('button', { name: 'Remove filter status 200' }).click();
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByTestId('dashboard-range').filter({ hasText: whole }).waitFor();
    await page.locator('[data-testid="layout-status"][data-state="saved"]').waitFor();
    const fresh = { page: await page.context().newPage(), errors: [] as string[] };
    fresh.page.on('pageerror', (error) => fresh.errors.push(error.message));
    await fresh.page.goto(bookmark);
    await fresh.page.getByRole('tab', { name: 'Rows', selected: true }).waitFor();
    await fresh.page.getByTestId('filter-chip').filter({ hasText: 'status 200' }).waitFor();
    await expect(fresh.page.getByTestId('dashboard-range').textContent()).resolves.toBe(brushed);
    await expect(gridTotal(fresh.page)).resolves.toBe(chosen);
    expect([...errors, ...fresh.errors]).toEqual([]);
  });

  it('speaks Korean and draws dark', async () => {
    const { page, errors } = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await page.getByTestId('dashboard').waitFor();
    // The sidebar's entries are links: focused from the keyboard, opened with Enter.
    await page.getByTestId('dataset-shop_access').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('dataset-title').filter({ hasText: 'shop_access' }).waitFor();
    await expect(page.getByTestId('dataset-shop_access').getAttribute('aria-current')).resolves.toBe('page');
    await page.getByTestId('dashboard').waitFor();
    await page.getByRole('tab', { name: '행' }).click();
    await page.getByText('이 행에서 검색').waitFor();
    await gridTotal(page);
    await screenshot(page, 'rows-ko-dark');
    await page.getByText('English').click();
    await page.getByText('Search these rows').waitFor();
    await screenshot(page, 'rows-en-dark');
    await page.getByText('한국어').click();
    await page.getByRole('button', { name: '밝게' }).click();
    await page.getByText('이 행에서 검색').waitFor();
    await screenshot(page, 'rows-ko-light');
    expect(errors).toEqual([]);
  });
});

/** The grid's total once it reaches `expected` (a search applies after a pause in typing). */
async function waitForTotal(page: Page, expected: number): Promise<number> {
  await page.getByTestId('page-summary').filter({ hasText: new RegExp(`of ${expected.toLocaleString('en-US')}$`) }).waitFor();
  return gridTotal(page);
}
