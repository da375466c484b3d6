import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { seriousViolations } from './support/axe';
import { tempDataDir } from '../integration/support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// The SQL console opened from a dataset that lives in a real ClickHouse 18.16 (its local
// rows emptied): the header names the server, and a query in ClickHouse's SQL runs there.
//   npx electron-vite build && npx vitest run test/e2e/consoleClickHouse.test.ts

const dataDir = tempDataDir('logscope-e2e-console-clickhouse-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let server: ClickHouseServer;
let version: string;

beforeAll(async () => {
  fs.mkdirSync(dataDir, { recursive: true });
  [server, app] = await Promise.all([startClickHouse(), startBrowserMode(path.join(dataDir, 'data'))]);
  const api = createLocalApi(app.core.rpc, app.core.events);
  await api.call('engines.create', { name: 'team', url: server.url, user: server.admin.user, secret: { store: 'file', path: path.join(dataDir, 'team.pw'), password: server.admin.password } });
  await api.call('engines.push', { name: 'team', dataset: demoDatasetName });
  await (await app.core.db.connection('catalog')).run(`DELETE FROM main.${demoDatasetName}`);
  version = (await server.exec('SELECT version()')).trim();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.stop();
});

// toStartOfHour and count() are ClickHouse's: DuckDB would refuse the statement, and its copy of the rows is empty.
const hourly = `SELECT toStartOfHour(time) AS hour, count() AS n, countIf(status >= 500) AS errors FROM ${demoDatasetName} GROUP BY hour ORDER BY hour LIMIT 5`;

describe('the SQL console on a ClickHouse dataset in browser mode', () => {
  it.each([
    ['en-US', 'en', 'light', 'database default', '5 rows', 'DuckDB (this computer)', 'this computer'],
    ['en-US', 'en', 'dark', 'database default', '5 rows', 'DuckDB (this computer)', 'this computer'],
    ['ko-KR', 'ko', 'light', '데이터베이스 default', '5행', 'DuckDB (이 컴퓨터)', '이 컴퓨터'],
    ['ko-KR', 'ko', 'dark', '데이터베이스 default', '5행', 'DuckDB (이 컴퓨터)', '이 컴퓨터'],
  ] as const)('in %s (%s, %s), says it runs on ClickHouse and runs ClickHouse SQL there', async (locale, tag, scheme, database, rows, localOption, localLabel) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale, colorScheme: scheme });
    await page.getByTestId(`dataset-${demoDatasetName}`).click();
    await page.getByTestId('nav-console').click();
    const engine = page.getByTestId('console-engine');
    await engine.getByText(`ClickHouse ${version} · ${database}`).waitFor();
    // The starting statement reads the dataset's table on the server.
    await expect(page.locator('.cm-content').innerText()).resolves.toBe(`SELECT *\nFROM ${demoDatasetName}\nLIMIT 100`);
    // The engine's badge and note read in both schemes (before a long line makes the editor scroll sideways).
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(hourly);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-summary').getByText(rows).waitFor();
    const grid = page.getByTestId('console-result');
    await expect(grid.getByRole('columnheader').allTextContents()).resolves.toEqual(['hour', 'n', 'errors']);
    await expect(grid.getByRole('row').count()).resolves.toBe(6);
    // The server's UTC DateTime reads in the user's zone, as DuckDB's timestamps do.
    await expect(grid.getByRole('row').nth(1).getByRole('gridcell').first().textContent()).resolves.toBe('2024-03-04 09:00:00.000');
    await screenshot(page, `console-clickhouse-${tag}-${scheme}`);

    // Back on the local database, the same statement is DuckDB's to refuse.
    await page.getByTestId('console-engine-select').click();
    await page.getByRole('option', { name: localOption }).click();
    await engine.getByText(new RegExp(`^DuckDB \\d+\\.\\d+.* · ${localLabel}$`)).waitFor();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(hourly);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-error').getByText(/tostartofhour/i).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
