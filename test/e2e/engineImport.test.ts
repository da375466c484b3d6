import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot } from './support/browser';
import { startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// The import dialog's "Where": a file imported into a real ClickHouse 18.16 from the
// browser window; the job shows the push, and the new dataset carries the engine badge.
//   npx electron-vite build && npx vitest run test/e2e/engineImport.test.ts

const dataDir = tempDataDir('logscope-e2e-engine-import-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let server: ClickHouseServer;

beforeAll(async () => {
  fs.mkdirSync(dataDir, { recursive: true });
  [server, app] = await Promise.all([startClickHouse(), startBrowserMode(path.join(dataDir, 'data'))]);
  const api = createLocalApi(app.core.rpc, app.core.events);
  await api.call('engines.create', { name: 'team', url: server.url, user: server.admin.user, secret: { store: 'file', path: path.join(dataDir, 'team.pw'), password: server.admin.password } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.stop();
});

function csv(name: string, rows: number): string {
  const file = path.join(dataDir, name);
  const lines = ['time,level,status,path,message'];
  for (let i = 0; i < rows; i++) lines.push(`2024-03-01T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,${i % 9 === 0 ? 'ERROR' : 'INFO'},${i % 9 === 0 ? 503 : 200},/api/items/${i % 13},served <b>${i}</b> for ${name}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('importing into ClickHouse from the dialog', () => {
  it.each([
    ['en-US', 'en', 'light', 'Where', 'ClickHouse team', 'web_en', /web_en → ClickHouse team\.web_en: 1,200 rows sent/],
    ['ko-KR', 'ko', 'dark', '저장 위치', 'ClickHouse team', 'web_ko', /web_ko → ClickHouse team\.web_ko: 1,200행 보냄/],
    ['en-US', 'en', 'dark', 'Where', 'ClickHouse team', 'web_en_dark', /web_en_dark → ClickHouse team\.web_en_dark: 1,200 rows sent/],
    ['ko-KR', 'ko', 'light', '저장 위치', 'ClickHouse team', 'web_ko_light', /web_ko_light → ClickHouse team\.web_ko_light: 1,200행 보냄/],
  ] as const)('in %s (%s, %s), the job imports, sends the rows there and the dataset shows its badge', async (locale, tag, colorScheme, label, option, dataset, sent) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale, colorScheme });
    await page.getByTestId('dataset-demo_service').waitFor();
    const file = csv(`${dataset}.csv`, 1_200);
    app.core.openedFiles.push([{ path: file, name: path.basename(file), size: fs.statSync(file).size }]);
    await page.getByTestId(`import-file-${dataset}.csv`).getByText('CSV', { exact: true }).waitFor();
    await page.getByTestId('import-where').click();
    await page.getByText(label, { exact: true }).waitFor();
    await page.getByRole('option', { name: option }).click();
    await screenshot(page, `engine-import-dialog-${tag}-${colorScheme}`);
    await page.getByRole('dialog').getByRole('button', { name: /Import 1 file|파일 1개 가져오기/ }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    const job = page.getByTestId('import-job').filter({ hasText: `${dataset}.csv` });
    await job.and(page.locator('[data-phase="done"]')).waitFor({ timeout: 60_000 });
    await expect(job.getByTestId('import-push').textContent()).resolves.toMatch(sent);
    await expect(job.getByTestId('import-push').getAttribute('data-phase')).resolves.toBe('done');
    await expect(page.getByTestId(`dataset-engine-${dataset}`).textContent()).resolves.toBe('ClickHouse');
    await screenshot(page, `engine-import-done-${tag}-${colorScheme}`);
    expect((await server.exec(`SELECT count() FROM ${dataset}`)).trim()).toBe('1200');
    expect(errors).toEqual([]);
    await context.close();
  });
});
