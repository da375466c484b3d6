import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, repoRoot, screenshot } from './support/browser';
import { openAppCore, type AppCore } from '../../src/main/app';
import { startLoopbackServer, type LoopbackServer } from '../../src/main/transport/loopback';
import { silentLogger } from '../../src/main/services/logger';
import { tempDataDir } from '../integration/support/dataDir';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';

// Browser mode with push collection running, against a real Dovecot:
//   scripts/with-keyring.sh npx vitest run test/e2e/mailPush.test.ts   (after `npx electron-vite build`)

const jay = { user: 'jay', password: 'jay-e2e-password' };
const dataDir = tempDataDir('logscope-e2e-mailpush-');
const rendererDir = join(repoRoot, 'out', 'renderer');
let browser: Browser;
let core: AppCore;
let server: LoopbackServer;
let dovecot: DovecotServer;
/** Announces no IDLE after login: its rule can only be polled. */
let noIdle: DovecotServer;
let cert: TestCertificate;
let certDir: string;

beforeAll(async () => {
  if (!fs.existsSync(join(rendererDir, 'index.html'))) throw new Error('build the renderer first (npm test does)');
  certDir = await mkdtemp(join(tmpdir(), 'logscope-e2e-mailpush-cert-'));
  cert = await createTestCertificate(certDir);
  dovecot = await startDovecot({ users: [jay], cert });
  noIdle = await startDovecot({ users: [jay], cert, imapCapability: 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT UNSELECT CHILDREN NAMESPACE UIDPLUS LITERAL+ BINARY MOVE' });
  // A long pause after a drop, so the countdown badge stays up to be looked at.
  const opened = await openAppCore({ dataDir, ownerKind: 'serve', memoryLimit: '1GB', mailReconnectBackoff: { firstMs: 60_000, maxMs: 60_000 } });
  if ('served' in opened) throw new Error('data folder is served elsewhere');
  core = opened;
  server = await startLoopbackServer({ rpc: core.rpc, events: core.events, log: silentLogger, rendererDir, uploadsDir: core.layout.uploadsDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await core?.dispose();
  await dovecot?.stop();
  await noIdle?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

describe('the mail screen shows how each rule collects new mail', () => {
  it('shows Live while a rule idles, Polling only where the server has no IDLE, and a countdown after a drop, in English and Korean', async () => {
    const account = await core.mailIn.createAccount({
      name: 'jay push',
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: jay.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: jay.password },
    });
    await core.mailIn.createRule({
      name: 'pushed',
      accountId: account.id,
      folder: 'INBOX',
      senders: [],
      subjects: [],
      attachmentPatterns: ['*.csv'],
      since: null,
      dataset: 'pushed_e2e',
      markSeen: false,
      moveTo: null,
      maxAttachmentMb: 50,
    });
    const polledAccount = await core.mailIn.createAccount({
      name: 'jay no idle',
      host: '127.0.0.1',
      port: noIdle.imapsPort,
      security: 'tls',
      user: jay.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: jay.password },
    });
    await core.mailIn.createRule({
      name: 'polled',
      accountId: polledAccount.id,
      folder: 'INBOX',
      senders: [],
      subjects: [],
      attachmentPatterns: ['*.csv'],
      since: null,
      dataset: 'polled_e2e',
      markSeen: false,
      moveTo: null,
      maxAttachmentMb: 50,
    });
    await core.mailListeners.start();

    const en = await openApp(browser, server.url);
    const ko = await openApp(browser, server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    for (const { page } of [en, ko]) {
      await page.getByTestId('nav-mailboxes').click();
      await page.locator('[data-testid="listener-pushed"][data-state="live"]').waitFor();
      await page.locator('[data-testid="listener-polled"][data-state="polling_only"]').waitFor();
    }
    await expect(en.page.getByTestId('listener-polled').textContent()).resolves.toBe('Polling only');
    await expect(ko.page.getByTestId('listener-polled').textContent()).resolves.toBe('예약 가져오기만');
    await expect(en.page.getByTestId('listener-pushed').textContent()).resolves.toBe('Live');
    await expect(ko.page.getByTestId('listener-pushed').textContent()).resolves.toBe('실시간');
    await screenshot(en.page, 'mail-listener-live-en-light');
    await screenshot(ko.page, 'mail-listener-live-ko-dark');

    await dovecot.kick(jay.user);
    for (const { page } of [en, ko]) await page.locator('[data-testid="listener-pushed"][data-state="reconnecting"]').waitFor();
    await expect(en.page.getByTestId('listener-pushed').textContent()).resolves.toMatch(/^Reconnecting in \d+ s$/);
    await expect(ko.page.getByTestId('listener-pushed').textContent()).resolves.toMatch(/^\d+초 후 다시 연결$/);
    await screenshot(en.page, 'mail-listener-reconnecting-en-light');
    await screenshot(ko.page, 'mail-listener-reconnecting-ko-dark');
    expect([...en.errors, ...ko.errors].filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
