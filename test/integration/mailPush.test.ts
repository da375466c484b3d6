import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { MailListener } from '../../src/shared/api/contract/mail';
import { AppError } from '../../src/shared/api/errors';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { buildMessage, csvLog } from './support/mailFixtures';
import { jsonLines, runCli, spawnServe } from './support/cli';

// Run as: scripts/with-keyring.sh npx vitest run test/integration/mailPush.test.ts

const alice = { user: 'alice', password: 'wonder-land-7' };
const dataDir = tempDataDir('logscope-mailpush-');
let certDir: string;
let cert: TestCertificate;
let dovecot: DovecotServer;
/** A server that announces no IDLE after login (Dovecot's own list without it). */
let noIdle: DovecotServer;
let core: AppCore;
let api: Api;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-mailpush-cert-'));
  cert = await createTestCertificate(certDir);
  dovecot = await startDovecot({ users: [alice], cert });
  noIdle = await startDovecot({ users: [alice], cert, imapCapability: 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 LITERAL+ BINARY MOVE' });
  // A pause long enough that a message appended after the drop arrives while the listener is away.
  core = await openOwnedCore(dataDir, { mailReconnectBackoff: { firstMs: 2000, maxMs: 4000 } });
  api = createLocalApi(core.rpc, core.events);
});

afterAll(async () => {
  await core?.dispose();
  await dovecot?.stop();
  await noIdle?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

/** Polls until `check` returns a value; the limit only keeps a broken build from hanging. */
async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const listenerOf = async (ruleId: number): Promise<MailListener | undefined> => (await api.call('mail.listeners', {})).find((l) => l.ruleId === ruleId);

async function collectedFiles(datasetName: string): Promise<string[]> {
  const datasets = await api.call('datasets.list', {});
  const dataset = datasets.find((d) => d.name === datasetName);
  if (!dataset) return [];
  const { files } = await api.call('mail.collected', { datasetId: dataset.id, limit: 100, offset: 0 });
  return files.map((f) => f.fileName).sort();
}

const logMessage = (fileName: string, seed: number) =>
  buildMessage({ subject: `push ${fileName}`, attachments: [{ name: fileName, content: csvLog(10, seed), contentType: 'text/csv' }] });

describe('push collection: IMAP IDLE on the rule folder', () => {
  it('When mail arrives during an IDLE, after a dropped connection, and after the rule is removed, Then it is imported once each, and the removed rule stops listening', async () => {
    const account = await api.call('mail.accounts.create', {
      name: 'alice push',
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: alice.password },
    });
    const rule = await api.call('mail.rules.create', {
      name: 'pushed logs',
      accountId: account.id,
      folder: 'INBOX',
      senders: [],
      subjects: [],
      attachmentPatterns: ['*.csv'],
      since: null,
      dataset: 'pushed',
      markSeen: false,
      moveTo: null,
      maxAttachmentMb: 50,
    });
    const seen: MailListener['state'][] = [];
    core.events.on('mail.listeners.changed', ({ listeners }) => {
      const state = listeners.find((l) => l.ruleId === rule.id)?.state;
      if (state && seen.at(-1) !== state) seen.push(state);
    });
    await core.mailListeners.start();
    await until('the listener to go live', async () => (await listenerOf(rule.id))?.state === 'live');

    await dovecot.appendMessage(alice.user, logMessage('during-idle.csv', 1));
    expect(await until('the idle import', async () => ((await collectedFiles('pushed')).length >= 1 ? collectedFiles('pushed') : null))).toEqual(['during-idle.csv']);

    seen.length = 0;
    await dovecot.kick(alice.user);
    await until('the listener to notice the drop', async () => seen.includes('reconnecting'));
    await dovecot.appendMessage(alice.user, logMessage('while-away.csv', 2));
    await until('the listener to be back', async () => (await listenerOf(rule.id))?.state === 'live');
    expect(await until('the catch-up import', async () => ((await collectedFiles('pushed')).length >= 2 ? collectedFiles('pushed') : null))).toEqual([
      'during-idle.csv',
      'while-away.csv',
    ]);
    expect(seen).toEqual(['reconnecting', 'connecting', 'live']);

    // The listener's fetches and a scheduled one share the UID store: nothing is left to import.
    await core.mailIn.fetchFinished(rule.id);
    const again = await api.call('mail.fetch', { jobId: 'manual-after-push', ruleId: rule.id });
    expect(again.imported).toBe(0);
    const rows = await api.call('query.run', { sql: 'SELECT count(*) FROM pushed' });
    expect(Number(rows.rows[0]?.[0])).toBe(20);

    await api.call('mail.rules.remove', { id: rule.id });
    await until('the listener to stop', async () => (await listenerOf(rule.id)) === undefined);
    await until('the idling connection to be logged out', async () => (await dovecot.connections(alice.user)) === 0);
  });

  it('When the server does not announce IDLE, Then the rule says polling only and keeps no connection open', async () => {
    const account = await api.call('mail.accounts.create', {
      name: 'alice no idle',
      host: '127.0.0.1',
      port: noIdle.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: alice.password },
    });
    const rule = await api.call('mail.rules.create', { name: 'polled logs', accountId: account.id, dataset: 'polled', attachmentPatterns: ['*.csv'] });
    await core.mailListeners.start();
    const listener = await until('the listener to give up on push', async () => {
      const found = await listenerOf(rule.id);
      return found?.state === 'polling_only' ? found : null;
    });
    expect(listener).toMatchObject({ rule: 'polled logs', retryAt: null, error: null });
    await until('the probing connection to be logged out', async () => (await noIdle.connections(alice.user)) === 0);
  });
});

describe('two fetches of one rule at once (a push and a scheduled one)', () => {
  it('When a fetch is running, Then a plain second fetch is refused, and fetchRuleWhenFree waits and finds nothing left', async () => {
    // On the server without IDLE, so no listener fetches beside the test's own.
    const account = await api.call('mail.accounts.create', {
      name: 'alice concurrent',
      host: '127.0.0.1',
      port: noIdle.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: alice.password },
    });
    const rule = await api.call('mail.rules.create', { name: 'concurrent logs', accountId: account.id, dataset: 'concurrent', attachmentPatterns: ['concurrent-*.csv'] });
    await noIdle.appendMessage(alice.user, logMessage('concurrent-1.csv', 4));
    const first = api.call('mail.fetch', { jobId: 'concurrent-1', ruleId: rule.id });
    const refused = api.call('mail.fetch', { jobId: 'concurrent-2', ruleId: rule.id }).then(
      () => null,
      (error: unknown) => (error instanceof AppError ? error.code : String(error)),
    );
    const waited = core.mailIn.fetchRuleWhenFree(rule.id);
    expect(await refused).toBe('mail_fetch_running');
    expect((await first).imported).toBe(1);
    const second = await waited;
    expect([second.outcome, second.imported]).toEqual(['ok', 0]);
  });
});

describe('push collection in logscope serve', () => {
  it('When logscope serve runs, Then a message appended to a rule folder lands in its dataset with no job scheduled', async () => {
    // The built command (npx electron-vite build) with a rule and no fetch job: only a listener can fetch.
    const serveDir = tempDataDir('logscope-mailpush-serve-');
    const setup = await openOwnedCore(serveDir, { ownerKind: 'cli' });
    const setupApi = createLocalApi(setup.rpc, setup.events);
    const account = await setupApi.call('mail.accounts.create', {
      name: 'served push',
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: alice.password },
    });
    await setupApi.call('mail.rules.create', { name: 'served rule', accountId: account.id, dataset: 'served_push', attachmentPatterns: ['served-*.csv'] });
    expect(await setupApi.call('jobs.list', {})).toEqual([]);
    await setup.dispose();

    const serve = spawnServe(serveDir);
    try {
      await serve.started;
      await dovecot.appendMessage(alice.user, logMessage('served-1.csv', 3));
      const rows = await until('serve to import the pushed message', async () => {
        const listed = await runCli(['--data-dir', serveDir, '--json', 'datasets']);
        const dataset = (jsonLines(listed.stdout) as { name: string; rows: number }[]).find((d) => d.name === 'served_push');
        return dataset?.rows;
      });
      expect(rows).toBe(10);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 120_000);
});
