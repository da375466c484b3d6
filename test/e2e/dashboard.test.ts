import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

const dataDir = tempDataDir('logscope-e2e-dashboard-');
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

/** Every chart card (at least the eight of the demo's roles) has its data for the current filter state and is drawn. */
async function chartsSettled(page: Page) {
  await page.waitForFunction(() => {
    const cards = document.querySelectorAll('[data-testid^="chart-"][data-loading]').length;
    return (
      cards >= 8 &&
      document.querySelectorAll('[data-loading="true"]').length === 0 &&
      document.querySelectorAll('[data-testid^="echart-"] svg').length + document.querySelectorAll('[data-testid^="chart-empty-"], [data-testid^="chart-error-"]').length === cards
    );
  });
}

const scopeOf = (page: Page, chart: string) => page.getByTestId(`chart-scope-${chart}`).textContent();

/** The centre of the tallest bar of a colour in a chart's SVG, in page coordinates. */
async function tallestBar(page: Page, chart: string, fill: string): Promise<{ x: number; y: number }> {
  return page.getByTestId(`echart-${chart}`).evaluate((box, color) => {
    const bars = [...box.querySelectorAll('path')].filter((p) => p.getAttribute('fill')?.toLowerCase() === color);
    const rects = bars.map((p) => p.getBoundingClientRect()).sort((a, b) => b.height - a.height);
    const r = rects[0];
    if (!r) throw new Error(`no bar filled ${color}`);
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, fill);
}

describe('the dashboard in browser mode', () => {
  it('opens on the charts, follows a brushed range, a clicked bar and a search, and exports a PNG', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dashboard').waitFor();
    await expect(page.getByRole('tab', { name: 'Dashboard' }).getAttribute('aria-selected')).resolves.toBe('true');
    await chartsSettled(page);
    // All seven kinds of chart (endpoints twice) for the demo service log, with the roles shown.
    await expect(page.getByTestId('role-endpoint').textContent()).resolves.toBe('Endpoint: path');
    await expect(page.getByTestId('role-duration').textContent()).resolves.toBe('Latency: latency_ms (ms)');
    await expect(scopeOf(page, 'events')).resolves.toBe('2024-03-04 09:00 – 2024-03-11 08:59 (Asia/Seoul) · 30,000 rows');
    for (const chart of ['events', 'latency', 'errors', 'status', 'heatmap', 'top-endpoints', 'slow-endpoints', 'histogram']) {
      await expect(page.getByTestId(`echart-${chart}`).locator('svg').count(), chart).resolves.toBe(1);
    }
    await screenshot(page, 'dashboard-en-light');
    await page.getByTestId('chart-top-endpoints').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-en-light-lower');
    await page.getByTestId('chart-events').scrollIntoViewIfNeeded();

    // Brush: drag across the middle of the events chart; every chart follows the range.
    const events = await page.getByTestId('echart-events').boundingBox();
    if (!events) throw new Error('events chart not laid out');
    await page.mouse.move(events.x + events.width * 0.4, events.y + events.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(events.x + events.width * 0.5, events.y + events.height * 0.6, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('radio', { name: 'Selected', checked: true }).waitFor({ state: 'attached' });
    await chartsSettled(page);
    const brushed = (await page.getByTestId('dashboard-range').textContent()) ?? '';
    expect(brushed).not.toContain('2024-03-04 09:00 – 2024-03-11');
    const brushedRange = brushed.replace(/ \(Asia\/Seoul\).*/, '');
    for (const chart of ['events', 'latency', 'errors', 'status', 'heatmap', 'top-endpoints', 'slow-endpoints', 'histogram']) {
      await expect(scopeOf(page, chart)).resolves.toContain(brushedRange);
    }
    const brushedRows = Number(/· ([\d,]+) rows/.exec((await scopeOf(page, 'status')) ?? '')?.[1]?.replaceAll(',', ''));
    expect(brushedRows).toBeGreaterThan(1000);
    expect(brushedRows).toBeLessThan(30_000);

    // Click the tallest status bar (200, green): a chip, its rows, and every chart filtered by it.
    await page.getByTestId('echart-status').scrollIntoViewIfNeeded();
    const bar = await tallestBar(page, 'status', '#40c057');
    await page.mouse.click(bar.x, bar.y);
    await page.getByRole('tab', { name: 'Rows', selected: true }).waitFor();
    await page.getByTestId('filter-chip').filter({ hasText: 'status 200' }).waitFor();
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByTestId('filter-chip').filter({ hasText: 'status 200' }).waitFor();
    await chartsSettled(page);
    await expect(scopeOf(page, 'latency')).resolves.toContain('status 200');
    await expect(scopeOf(page, 'status')).resolves.toMatch(/status 200 · [\d,]+ rows$/);

    // A regular expression DuckDB cannot compile is worded under the box; the charts keep their data.
    await page.getByRole('switch', { name: 'Regular expression' }).check();
    await page.getByTestId('dashboard-search').fill('time(d out');
    await page.getByText('The search is not a valid regular expression').waitFor();
    await screenshot(page, 'dashboard-en-regex-invalid');
    await expect(scopeOf(page, 'status')).resolves.toMatch(/status 200 · [\d,]+ rows$/);
    await page.getByRole('switch', { name: 'Regular expression' }).uncheck();

    // Search every text column (case-insensitive substring).
    await page.getByTestId('dashboard-search').fill('CACHE');
    await page.getByTestId('chart-scope-events').filter({ hasText: 'search “CACHE”' }).waitFor();
    await chartsSettled(page);
    const searchedRows = Number(/· ([\d,]+) rows/.exec((await scopeOf(page, 'events')) ?? '')?.[1]?.replaceAll(',', ''));
    expect(searchedRows).toBeGreaterThan(0);
    expect(searchedRows).toBeLessThan(brushedRows);
    await screenshot(page, 'dashboard-en-light-filtered');

    // A chip comes off with its button.
    await page.getByRole('button', { name: 'Remove filter status 200' }).click();
    await page.getByTestId('chart-scope-events').filter({ hasNotText: 'status 200' }).waitFor();

    // Export the events chart as a PNG drawn by the owner: a real PNG at twice the size.
    await page.getByRole('button', { name: 'Export: Events over time' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'PNG image (2×)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^demo_service-events-\d{8}-\d{4}-\d{8}-\d{4}\.png$/);
    const png = fs.readFileSync(await download.path());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2400, 1200]);
    // The filter state is saved with the dashboard (issue 8); the next test opens it again.
    await page.locator('[data-testid="layout-status"][data-state="saved"]').waitFor();
    expect(errors).toEqual([]);
  });

  it('speaks Korean and draws dark', async () => {
    // The browser asks for Korean and a dark scheme; the settings follow the system.
    const { page, errors } = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await page.getByTestId('dashboard').waitFor();
    await page.getByRole('tab', { name: '대시보드' }).waitFor();
    await chartsSettled(page);
    await page.getByText('시간별 이벤트').waitFor();
    // The first test's brushed period and search were saved with the dashboard (issue 8): back to all rows.
    await expect(scopeOf(page, 'events')).resolves.toContain('“CACHE” 검색');
    await page.getByRole('button', { name: '검색 지우기' }).click();
    await page.getByTestId('dashboard-period').getByText('전체').click();
    await page.getByTestId('chart-scope-events').filter({ hasText: '08:59 (Asia/Seoul) · 30,000행' }).waitFor();
    await chartsSettled(page);
    await expect(scopeOf(page, 'events')).resolves.toBe('2024-03-04 09:00 – 2024-03-11 08:59 (Asia/Seoul) · 30,000행');
    await screenshot(page, 'dashboard-ko-dark');
    await page.getByTestId('chart-heatmap').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-ko-dark-middle');
    await page.getByTestId('chart-histogram').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-ko-dark-lower');
    await page.getByText('English').click();
    await page.getByText('Events over time').waitFor();
    await chartsSettled(page);
    await screenshot(page, 'dashboard-en-dark');
    await page.getByText('한국어').click();
    await page.getByRole('button', { name: '밝게' }).click();
    await page.getByText('시간별 이벤트').waitFor();
    await chartsSettled(page);
    await screenshot(page, 'dashboard-ko-light');
    // The roles dialog lists the columns a role can take.
    await page.getByRole('button', { name: '바꾸기…' }).click();
    await page.getByText('어느 열이 어떤 역할인지').waitFor();
    await screenshot(page, 'dashboard-ko-roles');
    await page.getByRole('button', { name: '취소' }).click();
    expect(errors).toEqual([]);
  });
});
