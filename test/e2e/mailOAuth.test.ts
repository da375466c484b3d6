import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { startOAuthServer, type OAuthTestServer } from '../servers/oauth';

// Browser mode, a local authorization server, Dovecot's oauth2 passdb and the real keychain:
//   scripts/with-keyring.sh npx vitest run test/e2e/mailOAuth.test.ts   (after `npx electron-vite build`)
// In browser mode the page opens the provider's address in a new tab: that tab is real
// Chromium following the authorization URL, whose redirect reaches the app's loopback listener.

const olga = { user: 'olga', password: 'unused-with-oauth-3' };
const dataDir = tempDataDir('logscope-e2e-oauth-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let dovecot: DovecotServer;
let oauth: OAuthTestServer;
let cert: TestCertificate;
let certDir: string;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-e2e-oauth-cert-'));
  cert = await createTestCertificate(certDir);
  oauth = await startOAuthServer({ user: olga.user });
  dovecot = await startDovecot({ users: [olga], cert, oauth2: { introspectionUrl: oauth.introspectionUrl } });
  app = await startBrowserMode(dataDir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await dovecot?.stop();
  await oauth?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

async function fillOAuthAccount(page: Page, labels: { server: string; port: string; auth: string; mailbox: string; provider: string; custom: string; issuer: string; clientId: string; name: string }) {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: labels.server }).fill('127.0.0.1');
  await dialog.getByRole('textbox', { name: labels.port }).fill(String(dovecot.imapsPort));
  await dialog.getByText(labels.auth).click();
  await dialog.getByRole('textbox', { name: labels.mailbox }).fill(olga.user);
  await dialog.getByRole('combobox', { name: labels.provider }).click();
  await page.getByRole('option', { name: labels.custom }).click();
  await dialog.getByRole('textbox', { name: labels.issuer }).fill(oauth.issuer);
  await dialog.getByRole('textbox', { name: labels.clientId }).fill(oauth.clientId);
  await dialog.getByRole('textbox', { name: labels.name, exact: true }).fill('olga oauth');
  return dialog;
}

describe('adding a mailbox with OAuth2 sign-in in browser mode', () => {
  it('signs in through the browser, saves an account that names the grant, and offers "sign in again" once the grant is revoked', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();
    await page.getByTestId('nav-mailboxes').click();
    await page.getByTestId('mail-title').waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    const dialog = await fillOAuthAccount(page, {
      server: 'IMAP server',
      port: 'Port',
      auth: 'OAuth2 sign-in (no app password)',
      mailbox: 'Mailbox (e-mail address)',
      provider: 'Provider',
      custom: 'Other provider (OpenID)',
      issuer: 'Issuer URL',
      clientId: 'Client ID',
      name: 'Name',
    });
    await expect(dialog.getByRole('button', { name: 'Save and test' }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'mail-oauth-dialog-en-light');

    const codes = oauth.counts.code;
    const tab = page.context().waitForEvent('page');
    await dialog.getByTestId('oauth-sign-in').click();
    const providerTab = await tab;
    await dialog.getByTestId('oauth-signed-in').getByText(`Signed in as ${olga.user}`).waitFor();
    expect(oauth.counts.code).toBe(codes + 1);
    await providerTab.getByText('Signed in').first().waitFor();
    expect(new URL(providerTab.url()).hostname).toBe('127.0.0.1');
    await screenshot(page, 'mail-oauth-signed-in-en-light');
    await providerTab.close();

    await dialog.getByRole('button', { name: 'Save and test' }).click();
    await page.getByTestId('test-result-olga oauth').waitFor();
    const card = page.getByTestId('account-olga oauth');
    // The test CA is not the system's: trust it by fingerprint, then the OAuth2 sign-in succeeds.
    await page.getByTestId('test-result-olga oauth').getByRole('button', { name: 'Trust this certificate' }).click();
    await page.getByTestId('test-result-olga oauth').getByText('Connected to 127.0.0.1').waitFor();
    await expect(card.textContent()).resolves.toContain(`Signed in as ${olga.user}`);

    oauth.revokeGrants();
    oauth.expireAccessTokens();
    await page.getByTestId('test-olga oauth').click();
    const again = page.getByTestId('sign-in-again-olga oauth');
    await again.waitFor();
    await screenshot(page, 'mail-oauth-sign-in-again-en-light');
    const secondTab = page.context().waitForEvent('page');
    await again.getByRole('button', { name: 'Sign in again' }).click();
    await (await secondTab).getByText('Signed in').first().waitFor();
    await page.getByTestId('test-result-olga oauth').getByText('Connected to 127.0.0.1').waitFor();
    await expect(again.count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows the same dialog in Korean', async () => {
    const { page } = await openApp(browser, app.server.url, { locale: 'ko-KR' });
    await page.getByTestId('nav-mailboxes').click();
    await page.getByTestId('mail-title').waitFor();
    await page.getByTestId('account-olga oauth').waitFor();
    await screenshot(page, 'mail-oauth-accounts-ko-light');
    await page.getByRole('button', { name: '계정 추가' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('OAuth2 로그인 (앱 비밀번호 없이)').click();
    await dialog.getByTestId('oauth-fields').waitFor();
    await expect(dialog.getByTestId('oauth-sign-in').textContent()).resolves.toBe('Google (Gmail)(으)로 로그인');
    await screenshot(page, 'mail-oauth-dialog-ko-light');
  }, 60_000);
});
