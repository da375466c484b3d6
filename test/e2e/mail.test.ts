import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, repoRoot, screenshot, startBrowserMode } from './support/browser';
import { openAppCore } from '../../src/main/app';
import { startLoopbackServer } from '../../src/main/transport/loopback';
import { createSecretStore } from '../../src/main/services/secrets/secrets';
import { silentLogger } from '../../src/main/services/logger';
import { tempDataDir } from '../integration/support/dataDir';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { buildMessage, csvLog, gzip } from '../integration/support/mailFixtures';

// Browser mode against a real Dovecot and the real keychain:
//   scripts/with-keyring.sh npx vitest run test/e2e/mail.test.ts   (after `npx electron-vite build`)

const ivy = { user: 'ivy', password: 'ivy-e2e-password' };
const dataDir = tempDataDir('logscope-e2e-mail-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let dovecot: DovecotServer;
let cert: TestCertificate;
let certDir: string;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-e2e-mail-cert-'));
  cert = await createTestCertificate(certDir);
  dovecot = await startDovecot({ users: [ivy], cert });
  await dovecot.appendMessage(
    ivy.user,
    buildMessage({ subject: 'nightly access log', messageId: '<e2e-1@server01>', attachments: [{ name: 'access-2025-11-24.csv', content: csvLog(120, 51), contentType: 'text/csv' }] }),
  );
  await dovecot.appendMessage(
    ivy.user,
    buildMessage({
      subject: '일일 로그 보고',
      messageId: '<e2e-2@server01>',
      date: 'Wed, 26 Nov 2025 09:00:00 +0900',
      attachments: [
        { name: '접속로그.csv', content: csvLog(80, 52), nameEncoding: 'rfc2231-euckr' },
        { name: 'app.log.gz', content: gzip(csvLog(10, 53)), contentType: 'application/gzip' },
      ],
    }),
  );
  app = await startBrowserMode(dataDir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await dovecot?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

describe('collecting log files from a mailbox in browser mode', () => {
  it('adds an account, trusts its certificate by fingerprint, defines a rule, fetches, and the dataset fills with provenance', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();
    await page.getByTestId('nav-mailboxes').click();
    await page.getByTestId('mail-title').waitFor();
    await expect(page.getByTestId('keychain-status').textContent()).resolves.toContain('keychain');
    await screenshot(page, 'mail-empty-en-light');

    await page.getByRole('button', { name: 'Add account' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'IMAP server' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(dovecot.imapsPort));
    await dialog.getByRole('textbox', { name: 'User name' }).fill(ivy.user);
    await dialog.getByLabel(/^Password/).fill(ivy.password);
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('ivy test server');
    await screenshot(page, 'mail-account-dialog-en-light');
    await dialog.getByRole('button', { name: 'Save and test' }).click();

    // The test CA is not the system's: the test fails and shows the certificate to trust.
    const result = page.getByTestId('test-result-ivy test server');
    await result.getByText('The connection test failed').waitFor();
    await expect(page.getByTestId('certificate-fingerprint').textContent()).resolves.toBe(cert.fingerprint256);
    await screenshot(page, 'mail-untrusted-en-light');
    await result.getByRole('button', { name: 'Trust this certificate' }).click();
    await result.getByText('Connected to 127.0.0.1').waitFor();
    await expect(result.textContent()).resolves.toContain('IMAP BINARY');
    await expect(result.textContent()).resolves.toContain('Password read from the keychain');

    await page.getByRole('button', { name: 'Add rule' }).click();
    const ruleDialog = page.getByRole('dialog');
    await ruleDialog.getByRole('textbox', { name: 'Rule name' }).fill('nightly');
    await ruleDialog.getByRole('combobox', { name: 'Into dataset' }).fill('mail_e2e');
    await ruleDialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('rule-nightly').waitFor();
    await expect(page.getByTestId('rule-last-run-nightly').textContent()).resolves.toBe('Never fetched');

    await page.getByTestId('fetch-nightly').click();
    await page.getByTestId('fetch-outcome-badge').waitFor();
    const items = page.getByTestId('fetch-items');
    await items.getByText('접속로그.csv').waitFor();
    await expect(items.textContent()).resolves.toContain('access-2025-11-24.csv');
    await expect(items.textContent()).resolves.toContain('app.log.gz');
    await page.getByTestId('collected-files').getByText('<e2e-2@server01>').first().waitFor();
    await expect(page.getByTestId('collected-files').textContent()).resolves.toContain('일일 로그 보고');
    await items.scrollIntoViewIfNeeded();
    await screenshot(page, 'mail-fetched-en-light');

    // The dataset is there, filled.
    await page.getByTestId('dataset-mail_e2e').click();
    await page.getByTestId('dataset-title').getByText('mail_e2e').waitFor();
    await expect(page.getByTestId('dataset-mail_e2e').textContent()).resolves.toMatch(/(200|210) rows/);
    // Its files say where they came from.
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByTestId('sources-table').getByText('접속로그.csv').waitFor();
    await expect(page.getByTestId('sources-table').textContent()).resolves.toContain('일일 로그 보고');
    await expect(page.getByTestId('sources-table').textContent()).resolves.toContain('logs@server01.example.test');
    await screenshot(page, 'mail-dataset-files-en-light');

    // Korean, dark.
    await page.getByText('한국어').click();
    await page.getByRole('button', { name: '어둡게' }).click();
    await page.getByTestId('nav-mailboxes').click();
    await page.getByText('수집 규칙').waitFor();
    await page.getByTestId('fetch-nightly').click();
    await page.getByTestId('fetch-outcome-badge').waitFor();
    // Nothing is imported twice (an attachment the loader cannot read yet may be tried again).
    await expect(page.getByTestId('fetch-outcome').textContent()).resolves.toContain('가져옴 0');
    await screenshot(page, 'mail-fetched-ko-dark');
    await page.getByTestId('test-ivy test server').click();
    await page.getByTestId('test-result-ivy test server').getByText('로그인했습니다').waitFor();
    await screenshot(page, 'mail-tested-ko-dark');

    await page.getByRole('button', { name: '계정 추가' }).click();
    await page.getByRole('dialog').getByText('암호화하지 않은 일반 IMAP').click();
    await page.getByRole('dialog').getByText('이해했습니다').waitFor();
    await screenshot(page, 'mail-account-plain-ko-dark');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

describe('browser mode on a server without a keychain', () => {
  const bareDir = tempDataDir('logscope-e2e-mail-nokc-');

  it('says so plainly and keeps the password in a 0600 credentials file on the server instead', async () => {
    const core = await openAppCore({
      dataDir: bareDir,
      ownerKind: 'serve',
      memoryLimit: '1GB',
      secretStore: createSecretStore({ loadKeytar: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')) }),
    });
    if ('served' in core) throw new Error('data folder is served elsewhere');
    const server = await startLoopbackServer({ rpc: core.rpc, events: core.events, log: silentLogger, rendererDir: join(repoRoot, 'out', 'renderer') });
    await core.publish({ port: server.port, token: server.token });
    try {
      const { page, errors } = await openApp(browser, server.url);
      await page.getByTestId('nav-mailboxes').click();
      const status = page.getByTestId('keychain-status');
      await status.getByText('No keychain is reachable on the server running').waitFor();
      await expect(status.textContent()).resolves.toContain('D-Bus');

      await page.getByRole('button', { name: 'Add account' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByRole('radio', { name: 'Keychain' }).isDisabled()).resolves.toBe(true);
      const file = join(bareDir, 'ivy.pw');
      await dialog.getByRole('textbox', { name: 'IMAP server' }).fill('127.0.0.1');
      await dialog.getByRole('textbox', { name: 'Port' }).fill(String(dovecot.imapsPort));
      await dialog.getByRole('textbox', { name: 'User name' }).fill(ivy.user);
      await dialog.getByLabel(/^Password/).fill(ivy.password);
      await dialog.getByRole('textbox', { name: 'Credentials file' }).fill(file);
      await dialog.getByRole('combobox', { name: 'Server certificate' }).click();
      await page.getByRole('option', { name: 'Signed by a CA file' }).click();
      await dialog.getByRole('textbox', { name: 'CA file (PEM)' }).fill(cert.caPath);
      await screenshot(page, 'mail-nokeychain-dialog-en-light');
      await dialog.getByRole('button', { name: 'Save and test' }).click();
      const result = page.getByTestId('test-result-ivy@127.0.0.1');
      await result.getByText('Connected to 127.0.0.1').waitFor();
      await expect(result.textContent()).resolves.toContain(`Password read from the credentials file ${file}.`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      await screenshot(page, 'mail-nokeychain-en-light');
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await server.close();
      await core.dispose();
    }
  });
});
