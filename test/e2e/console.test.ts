import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

const dataDir = tempDataDir('logscope-e2e-console-');
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

describe('the SQL console', () => {
  it('completes a column, runs the statement under the cursor, marks an error where DuckDB points', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();
    await page.getByTestId('nav-console').click();
    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('SELECT level, count(*) AS n, avg(latenc');
    // Completion offers the dataset's column.
    await page.locator('.cm-tooltip-autocomplete li', { hasText: 'latency_ms' }).click();
    await page.keyboard.type(') AS mean_ms FROM demo_service GROUP BY level ORDER BY n DESC;\nSELECT 1 AS other');
    // The cursor goes back into the first statement: only that one runs.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-summary').getByText('4 rows').waitFor();
    await expect(page.getByTestId('console-result').getByRole('columnheader').allTextContents()).resolves.toEqual(['level', 'n', 'mean_ms']);
    await screenshot(page, 'console-result-en');

    await page.keyboard.press('Control+a');
    await page.keyboard.type('SELECT level,\n  nope FROM demo_service');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-error').getByText(/nope/).waitFor();
    await expect(page.locator('.cm-lintRange-error').textContent()).resolves.toBe('nope');

    await page.keyboard.press('Control+a');
    await page.keyboard.type("SELECT * FROM read_text('/etc/passwd')");
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-error').getByText(/refused/).waitFor();
    await expect(page.locator('.cm-lintRange-error').textContent()).resolves.toBe('read_text');
    await page.getByText('한국어').click();
    await page.getByText('실행 기록').waitFor();
    await screenshot(page, 'console-refused-ko');
    expect(errors).toEqual([]);
  });
});

describe('a console result', () => {
  it('reads numbers grouped and exports every digit, neutralised for spreadsheets; a typo is a syntax error', async () => {
    // In the dark theme: the export menu's colours are checked there too.
    const { page, errors, context } = await openApp(browser, app.server.url, { colorScheme: 'dark' });
    await page.getByTestId('dataset-demo_service').waitFor();
    // The test before left the app in Korean (a saved setting).
    await page.getByText('English', { exact: true }).click();
    await page.getByTestId('nav-console').click();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(`SELECT '=1+1' AS formula, 0.1::DOUBLE + 0.2::DOUBLE AS sum, 1234567 AS n`);
    await page.keyboard.press('Control+Enter');
    const grid = page.getByTestId('console-result');
    await grid.getByRole('gridcell', { name: '0.3', exact: true }).waitFor();
    await grid.getByRole('gridcell', { name: '1,234,567', exact: true }).waitFor();

    await page.getByTestId('console-export').click();
    await page.getByRole('menuitem', { name: 'CSV (spreadsheet-safe)' }).waitFor();
    await screenshot(page, 'console-export-en-dark');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'CSV (spreadsheet-safe)' }).click()]);
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe("\uFEFFformula,sum,n\r\n'=1+1,0.30000000000000004,1234567\r\n");

    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('SELEC 1');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-error').getByText(/^Syntax error at line 1, column 1: /).waitFor();
    expect(await page.getByTestId('console-error').getByText(/refused/).count()).toBe(0);

    await page.getByText('한국어').click();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('SELECT 1234567.25 AS n');
    await page.keyboard.press('Control+Enter');
    await grid.getByRole('gridcell', { name: '1,234,567.25', exact: true }).waitFor();
    await page.getByTestId('console-export').click();
    await page.getByRole('menuitem', { name: 'JSON lines (정확한 값)' }).waitFor();
    await screenshot(page, 'console-export-ko-dark');
    expect(errors).toEqual([]);
    await context.close();
  });
});

