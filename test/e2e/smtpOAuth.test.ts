import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { createLocalApi } from '../../src/main/transport/local';
import { tempDataDir } from '../integration/support/dataDir';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startOAuthServer, type OAuthTestServer } from '../servers/oauth';
import { startSmtpServer, type TestSmtpServer } from '../servers/smtp';

// The report's SMTP account signed in with OAuth2 (XOAUTH2) in browser mode:
//   scripts/with-keyring.sh npx vitest run test/e2e/smtpOAuth.test.ts   (after `npx electron-vite build`)
// The page opens the provider's address in a new tab, which follows the redirect to the app's listener.

const rita = { user: 'rita', password: 'unused-with-oauth-8' };
const dataDir = tempDataDir('logscope-e2e-smtp-oauth-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let oauth: OAuthTestServer;
let smtp: TestSmtpServer;
let cert: TestCertificate;

beforeAll(async () => {
  cert = await createTestCertificate(fs.mkdtempSync(path.join(dataDir, 'cert-')));
  oauth = await startOAuthServer({ user: rita.user });
  smtp = await startSmtpServer({ users: [rita], cert, oauth2: { userOf: (token) => oauth.userOf(token) } });
  app = await startBrowserMode(path.join(dataDir, 'data'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.stop();
  await oauth?.stop();
});

async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).click();
}

describe('the report mail account with OAuth2 sign-in', () => {
  it('signs in through the browser, sends the test mail over XOAUTH2 with the stored grant, and shows the choice in Korean', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('report-send').click();
    const settings = page.getByTestId('report-settings');
    await settings.getByText('Set up the report').waitFor();
    await page.getByTestId('smtp-host').fill('127.0.0.1');
    await page.getByTestId('smtp-port').fill(String(smtp.port));
    await settings.getByText('OAuth2 sign-in (no app password)').click();
    await expect(page.getByTestId('smtp-password').count()).resolves.toBe(0);
    await page.getByTestId('smtp-user').fill(rita.user);
    await page.getByTestId('smtp-from').fill('reports@example.test');
    await settings.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'Other provider (OpenID)' }).click();
    await settings.getByRole('textbox', { name: 'Issuer URL' }).fill(oauth.issuer);
    await settings.getByRole('textbox', { name: 'Client ID' }).fill(oauth.clientId);
    await pick(page, 'smtp-trust', 'Signed by a CA file');
    await page.getByTestId('smtp-trust-value').fill(cert.caPath);
    await page.getByTestId('report-recipients').fill('ops@example.test');
    await expect(page.getByTestId('report-test-mail').isDisabled()).resolves.toBe(true);

    const tab = page.context().waitForEvent('page');
    await settings.getByTestId('oauth-sign-in').click();
    await (await tab).getByText('Signed in').first().waitFor();
    await settings.getByTestId('oauth-signed-in').getByText(`Signed in as ${rita.user}`).waitFor();
    await screenshot(page, 'report-smtp-oauth-en-light');

    await page.getByTestId('report-test-mail').click();
    await expect(page.getByTestId('report-test-result').textContent()).resolves.toBe('Test mail accepted by 127.0.0.1 for ops@example.test.');
    expect((await simpleParser((await smtp.waitForMessages(1))[0]!.raw)).subject).toBe('Logscope test message');
    expect(smtp.stats.xoauth2Logins).toBeGreaterThanOrEqual(1);
    expect(smtp.stats.authFailures).toBe(0);
    const [account] = await createLocalApi(app.core.rpc, app.core.events).call('smtp.accounts.list', {});
    expect(account?.secret).toEqual({ store: 'oauth2', grant: `custom:${rita.user}` });
    expect(errors).toEqual([]);

    const ko = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await ko.page.getByTestId('dashboard').waitFor();
    await ko.page.getByTestId('report-send').click();
    await pick(ko.page, 'report-account', '새 SMTP 계정…');
    await ko.page.getByTestId('report-settings').getByText('OAuth2 로그인 (앱 비밀번호 없이)').click();
    await ko.page.getByTestId('report-settings').getByTestId('oauth-fields').waitFor();
    await expect(ko.page.getByTestId('oauth-sign-in').textContent()).resolves.toBe('Google (Gmail)(으)로 로그인');
    await screenshot(ko.page, 'report-smtp-oauth-ko-dark');
    expect(ko.errors).toEqual([]);
  }, 120_000);
});
