import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, screenshotDir, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// The demo dataset pushed to a real ClickHouse 18.16 and its local rows emptied: the sidebar
// says where it lives and the dashboard draws from ClickHouse alone.
//   npx electron-vite build && npx vitest run test/e2e/engineDataset.test.ts

const dataDir = tempDataDir('logscope-e2e-engine-dataset-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let server: ClickHouseServer;

beforeAll(async () => {
  fs.mkdirSync(dataDir, { recursive: true });
  [server, app] = await Promise.all([startClickHouse(), startBrowserMode(path.join(dataDir, 'data'))]);
  const api = createLocalApi(app.core.rpc, app.core.events);
  await api.call('engines.create', { name: 'team', url: server.url, user: server.admin.user, secret: { store: 'file', path: path.join(dataDir, 'team.pw'), password: server.admin.password } });
  await api.call('engines.push', { name: 'team', dataset: demoDatasetName });
  await (await app.core.db.connection('catalog')).run(`DELETE FROM main.${demoDatasetName}`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.stop();
});

async function chartsDrawn(page: Page) {
  await page.waitForFunction(() => {
    const cards = document.querySelectorAll('[data-testid^="chart-"][data-loading]').length;
    return cards >= 8 && document.querySelectorAll('[data-loading="true"]').length === 0;
  });
}

describe('a ClickHouse dataset in browser mode', () => {
  it.each([
    ['en-US', 'en', 'ClickHouse', '30,000 rows'],
    ['ko-KR', 'ko', 'ClickHouse', '30,000행'],
  ])('in %s, shows the engine badge and draws the dashboard from ClickHouse', async (locale, tag, badge, rows) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale });
    await page.getByTestId('dashboard').waitFor();
    await expect(page.getByTestId(`dataset-engine-${demoDatasetName}`).textContent()).resolves.toBe(badge);
    await chartsDrawn(page);
    for (const chart of ['events', 'latency', 'errors', 'status', 'heatmap', 'top-endpoints', 'slow-endpoints', 'histogram']) {
      await expect(page.getByTestId(`echart-${chart}`).locator('svg').count(), chart).resolves.toBe(1);
    }
    await expect(page.getByTestId('chart-scope-events').textContent()).resolves.toContain(rows);
    await screenshot(page, `engine-dataset-dashboard-${tag}`);
    await page.getByTestId(`dataset-${demoDatasetName}`).screenshot({ path: path.join(screenshotDir, `engine-dataset-badge-${tag}.png`) });
    expect(errors).toEqual([]);
    await context.close();
  });
});
