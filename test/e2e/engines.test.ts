import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// The Query engines screen in browser mode against a real ClickHouse 18.16 over HTTPS with
// a private CA: add a connection in the dialog, test it, see a refused one say why.
//   npx electron-vite build && npx vitest run test/e2e/engines.test.ts

const dataDir = tempDataDir('logscope-e2e-engines-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let api: Api;
let server: ClickHouseServer;
let cert: TestCertificate;

beforeAll(async () => {
  fs.mkdirSync(path.join(dataDir, 'cert'));
  cert = await createTestCertificate(path.join(dataDir, 'cert'));
  [server, app] = await Promise.all([startClickHouse({ cert }), startBrowserMode(path.join(dataDir, 'data'))]);
  api = createLocalApi(app.core.rpc, app.core.events);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.stop();
});

describe('the Query engines screen in browser mode', () => {
  it('adds a ClickHouse connection with a private CA, tests it, and shows why a wrong password fails', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('nav-engines').click();
    await page.getByText('No connections yet', { exact: false }).waitFor();

    await page.getByTestId('engine-add').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('team');
    await dialog.getByLabel('Address').fill(server.httpsUrl!);
    await dialog.getByLabel('User').fill(server.admin.user);
    await dialog.locator('input[type=password]').fill(server.admin.password);
    await dialog.getByLabel('CA certificate (optional)').fill(cert.caPath);
    await dialog.getByText('Credentials file', { exact: true }).click();
    await dialog.getByLabel('Credentials file (written with mode 0600)').fill(path.join(dataDir, 'team.pw'));
    await screenshot(page, 'engines-add-en');
    await dialog.getByTestId('engine-save').click();
    await dialog.waitFor({ state: 'detached' });
    expect((await api.call('engines.list', {})).map((c) => [c.name, c.url, c.caFile])).toEqual([['team', server.httpsUrl, cert.caPath]]);

    await api.call('engines.create', { name: 'staging', url: server.url, user: server.admin.user, secret: { store: 'file', path: path.join(dataDir, 'staging.pw'), password: 'wrong' } });
    await page.reload();
    await page.getByTestId('engine-test-team').click();
    await expect.poll(() => page.getByTestId('engine-result-team').textContent()).toMatch(/^Connected: ClickHouse 18\.16\.\d+, zone (Etc\/)?UTC, 0 tables; queries run in ClickHouse SQL\./);
    await page.getByTestId('engine-test-staging').click();
    await expect.poll(() => page.getByTestId('engine-result-staging').textContent()).toBe(`ClickHouse refused user “${server.admin.user}”: wrong name or password, or not allowed from this address.`);
    await screenshot(page, 'engines-en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the same screen in Korean, in the dark theme', async () => {
    const { page, errors } = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await page.getByTestId('nav-engines').click();
    await page.getByTestId('engine-test-team').click();
    await expect.poll(() => page.getByTestId('engine-result-team').textContent()).toMatch(/^연결됨: ClickHouse 18\.16/);
    await page.getByTestId('engine-test-staging').click();
    await expect.poll(() => page.getByTestId('engine-result-staging').textContent()).toContain('ClickHouse가 사용자');
    await screenshot(page, 'engines-ko-dark');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
