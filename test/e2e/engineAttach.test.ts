import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { seriousViolations } from './support/axe';
import { tempDataDir } from '../integration/support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// "Attach a table…" in browser mode against a real ClickHouse 18.16: pick a table that
// already holds logs, see its columns, name the dataset, and find it read-only, its
// dashboard drawn from the server.
//   npx electron-vite build && npx vitest run test/e2e/engineAttach.test.ts

const dataDir = tempDataDir('logscope-e2e-engine-attach-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let api: Api;
let server: ClickHouseServer;

beforeAll(async () => {
  [server, app] = await Promise.all([startClickHouse(), startBrowserMode(path.join(dataDir, 'data'))]);
  api = createLocalApi(app.core.rpc, app.core.events);
  await server.exec('CREATE DATABASE IF NOT EXISTS logs');
  await server.exec("CREATE TABLE logs.access (ts DateTime('UTC'), level String, status UInt16, took_ms Float64, path String, message String) ENGINE = MergeTree ORDER BY ts");
  const values = Array.from({ length: 300 }, (_, i) => {
    const ts = new Date(Date.UTC(2026, 10, 2, 8) + i * 120_000).toISOString().slice(0, 19).replace('T', ' ');
    return `('${ts}', '${['INFO', 'WARN', 'ERROR'][i % 3]}', ${[200, 404, 500][i % 3]}, ${5 + ((i * 37) % 400)}, '/api/${['orders', 'users', 'search'][i % 3]}', 'request ${i} <b>served</b>')`;
  });
  await server.exec(`INSERT INTO logs.access VALUES ${values.join(', ')}`);
  await api.call('engines.create', { name: 'team', url: server.url, user: server.reader.user, secret: { store: 'file', path: path.join(dataDir, 'team.pw'), password: server.reader.password } });
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
    return cards >= 4 && document.querySelectorAll('[data-loading="true"]').length === 0;
  });
}

describe('attaching a ClickHouse table in browser mode', () => {
  it.each([
    ['en-US', 'light', 'en-light', 'Attach a table…', 'read-only'],
    ['ko-KR', 'light', 'ko-light', '테이블 연결…', '읽기 전용'],
    ['en-US', 'dark', 'en-dark', 'Attach a table…', 'read-only'],
    ['ko-KR', 'dark', 'ko-dark', '테이블 연결…', '읽기 전용'],
  ] as const)('in %s (%s), attaches logs.access read-only and draws its dashboard', async (locale, colorScheme, tag, button, badge) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale, colorScheme });
    await page.getByTestId('nav-engines').click();
    await expect(page.getByTestId('engine-attach-team').textContent()).resolves.toBe(button);
    await page.getByTestId('engine-attach-team').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('attach-table').click();
    await page.getByRole('option', { name: 'logs.access (MergeTree)' }).click();
    await dialog.getByTestId('attach-columns').waitFor();
    await expect(dialog.getByTestId('attach-columns').locator('tbody tr').allTextContents()).resolves.toEqual([
      "tsDateTime('UTC')",
      'levelString',
      'statusUInt16',
      'took_msFloat64',
      'pathString',
      'messageString',
    ]);
    const dataset = `access_${tag.replace('-', '_')}`;
    await dialog.getByTestId('attach-dataset').fill(dataset);
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await screenshot(page, `engine-attach-dialog-${tag}`);
    await dialog.getByTestId('attach-submit').click();
    await expect.poll(() => dialog.getByTestId('attach-done').textContent()).toContain(dataset);
    await screenshot(page, `engine-attach-done-${tag}`);
    await page.keyboard.press('Escape');

    await page.getByTestId(`dataset-${dataset}`).click();
    await expect(page.getByTestId(`dataset-readonly-${dataset}`).textContent()).resolves.toBe(badge);
    await page.getByTestId('dashboard').waitFor();
    await chartsDrawn(page);
    await expect(page.getByTestId('echart-events').locator('svg').count()).resolves.toBe(1);
    await expect(page.getByTestId('role-time').textContent()).resolves.toContain('ts');
    await screenshot(page, `engine-attach-dataset-${tag}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
