import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import { createSecretStore } from '../../src/main/services/secrets/secrets';
import type { Api } from '../../src/shared/api/client';
import type { MailFetchItem, MailFetchResult } from '../../src/shared/api/contract/mail';
import { AppError } from '../../src/shared/api/errors';
import { createTranslator, errorMessage } from '../../src/shared/i18n/format';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { startDropProxy, type DropProxy } from '../servers/proxy';
import { tempDataDir } from './support/dataDir';
import { buildMessage, csvLog, gzip, zip } from './support/mailFixtures';

// The keychain is the real one: run as
//   scripts/with-keyring.sh npx vitest run test/integration/mailIn.test.ts

const execFileAsync = promisify(execFile);
const alice = { user: 'alice', password: 'wonder-land-7' };
const bob = { user: 'bob', password: 'builder-9' };
const carol = { user: 'carol', password: 'carol-pw-3' };
const dave = { user: 'dave', password: 'dave-pw-4' };
const erin = { user: 'erin', password: 'erin-pw-5' };
const t = createTranslator('en');

let certDir: string;
let cert: TestCertificate;
let dovecot: DovecotServer;
let core: AppCore;
let api: Api;
const proxies: DropProxy[] = [];
const dataDir = tempDataDir('logscope-mailin-');

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-mailin-cert-'));
  cert = await createTestCertificate(certDir);
  dovecot = await startDovecot({ users: [alice, bob, carol, dave, erin], cert });
  const opened = await openAppCore({ dataDir, ownerKind: 'serve', memoryLimit: '1GB', imapTimeouts: { greetingMs: 1500, connectionMs: 5000 } });
  if ('served' in opened) throw new Error('expected to own the data folder');
  core = opened;
  api = createLocalApi(core.rpc, core.events);
  const probe = await createSecretStore().probe();
  if (!probe.available) throw new Error(`no OS keychain (${probe.reason}): run under scripts/with-keyring.sh`);
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await core?.dispose();
  await dovecot?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const pinned = () => ({ kind: 'pinned' as const, fingerprint256: cert.fingerprint256 });

async function addAccount(user: { user: string; password: string }, extra: Record<string, unknown> = {}) {
  return api.call('mail.accounts.create', {
    name: `${user.user}-${Math.random().toString(36).slice(2, 8)}`,
    host: '127.0.0.1',
    port: dovecot.imapsPort,
    security: 'tls',
    user: user.user,
    trust: pinned(),
    secret: { store: 'keychain', password: user.password },
    ...extra,
  } as never);
}

async function addRule(accountId: number, extra: Record<string, unknown> = {}) {
  return api.call('mail.rules.create', {
    name: `rule-${Math.random().toString(36).slice(2, 8)}`,
    accountId,
    dataset: 'mail_logs',
    ...extra,
  } as never);
}

const fetchRule = (ruleId: number) => api.call('mail.fetch', { jobId: `job-${ruleId}-${Date.now()}`, ruleId });

async function datasetRows(name: string): Promise<number> {
  const result = await api.call('query.run', { sql: `SELECT count(*) AS n FROM "${name}"` });
  return Number(result.rows[0]?.[0]);
}

/** What the Secret Service holds under (Logscope, account), asked over D-Bus without keytar. */
async function secretServiceItems(account: string): Promise<string> {
  const { stdout } = await execFileAsync('gdbus', [
    'call', '--session', '--dest', 'org.freedesktop.secrets', '--object-path', '/org/freedesktop/secrets',
    '--method', 'org.freedesktop.Secret.Service.SearchItems', `{'service': 'Logscope', 'account': '${account}'}`,
  ]);
  return stdout;
}

function adminClient(user: { user: string; password: string }): ImapFlow {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.imapsPort,
    secure: true,
    tls: { ca: cert.caPem },
    auth: { user: user.user, pass: user.password },
    logger: false,
  });
  client.on('error', () => undefined);
  return client;
}

const byFile = (items: MailFetchItem[], fileName: string) => items.filter((i) => i.fileName === fileName);

describe('mail accounts: the password in the keychain, and Test connection in plain words', () => {
  it('When an account is added, Then the password is in the Secret Service under Logscope / imap:USER@HOST:PORT and nowhere in the database', async () => {
    const account = await addAccount(alice, { name: 'alice main' });
    const keychainAccount = `imap:alice@127.0.0.1:${dovecot.imapsPort}`;
    expect(account.secret).toEqual({ store: 'keychain', service: 'Logscope', account: keychainAccount });
    expect(JSON.stringify(account)).not.toContain(alice.password);
    expect(await secretServiceItems(keychainAccount)).toMatch(/\[objectpath '\/org\/freedesktop\/secrets\/collection\/\w+\/\d+'\]/);

    const listed = await api.call('mail.accounts.list', {});
    expect(JSON.stringify(listed)).not.toContain(alice.password);
    await core.db.connection('catalog').then((c) => c.run('CHECKPOINT'));
    for (const file of [core.db.file, `${core.db.file}.wal`]) {
      const bytes = await readFile(file).catch(() => Buffer.alloc(0));
      expect(bytes.includes(Buffer.from(alice.password)), file).toBe(false);
    }

    const result = await api.call('mail.accounts.test', { id: account.id });
    expect(result).toMatchObject({
      ok: true,
      store: { store: 'keychain', account: keychainAccount },
      secure: true,
      capabilities: { binary: true },
      error: null,
    });
    expect(result.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    expect(result.folders).toContain('INBOX');
    expect(result.certificate?.fingerprint256).toBe(cert.fingerprint256);
    expect((await api.call('mail.accounts.list', {})).find((a) => a.id === account.id)?.lastTest).toMatchObject({ ok: true, errorCode: null });
  });

  it('When the certificate is signed by an unknown CA, Then the test names its subject and fingerprint, and pinning it (or its CA file) makes it pass', async () => {
    const account = await addAccount(alice, { trust: { kind: 'system' } });
    const untrusted = await api.call('mail.accounts.test', { id: account.id });
    expect(untrusted.ok).toBe(false);
    expect(untrusted.error).toMatchObject({
      code: 'mail_tls_failed',
      params: { host: '127.0.0.1', port: dovecot.imapsPort, subject: 'CN=localhost', issuer: 'CN=Logscope Test CA', fingerprint: cert.fingerprint256 },
    });
    expect(untrusted.certificate).toMatchObject({ fingerprint256: cert.fingerprint256, subject: 'CN=localhost', selfSigned: false });
    expect(errorMessage(t, untrusted.error as never)).toContain(cert.fingerprint256);

    await api.call('mail.accounts.update', { id: account.id, trust: { kind: 'pinned', fingerprint256: cert.fingerprint256.toLowerCase().replaceAll(':', '') } });
    expect((await api.call('mail.accounts.test', { id: account.id })).ok).toBe(true);

    await api.call('mail.accounts.update', { id: account.id, trust: { kind: 'ca_file', path: cert.caPath } });
    expect((await api.call('mail.accounts.test', { id: account.id })).ok).toBe(true);

    // Another first byte than the certificate's (a random one starts with 00 one time in 256).
    const wrongPin = (cert.fingerprint256.startsWith('00') ? 'FF:' : '00:') + cert.fingerprint256.slice(3);
    await api.call('mail.accounts.update', { id: account.id, trust: { kind: 'pinned', fingerprint256: wrongPin } });
    const mismatch = await api.call('mail.accounts.test', { id: account.id });
    expect(mismatch.error).toMatchObject({ code: 'mail_tls_pin_mismatch', params: { expected: wrongPin, fingerprint: cert.fingerprint256 } });

    const missingCa = join(certDir, 'no-such-ca.pem');
    await api.call('mail.accounts.update', { id: account.id, trust: { kind: 'ca_file', path: missingCa } });
    expect((await api.call('mail.accounts.test', { id: account.id })).error).toMatchObject({ code: 'mail_ca_file_unreadable', params: { path: missingCa } });
  });

  it('When the password is wrong, Then the test says authentication failed and mentions app passwords', async () => {
    const account = await addAccount({ user: 'alice', password: 'not-her-password' });
    const result = await api.call('mail.accounts.test', { id: account.id });
    expect(result.error).toMatchObject({ code: 'mail_auth_failed', params: { user: 'alice', host: '127.0.0.1' } });
    const text = errorMessage(t, result.error as never);
    expect(text).toContain('app password');
    expect(text).toMatch(/Gmail/);
    expect(text).toMatch(/Microsoft 365/);
  });

  it('When the host does not exist, the port is closed, or nothing answers, Then each says so', async () => {
    const nohost = await addAccount(alice, { host: 'no-such-host.invalid', trust: { kind: 'system' } });
    expect((await api.call('mail.accounts.test', { id: nohost.id })).error).toMatchObject({ code: 'mail_host_not_found', params: { host: 'no-such-host.invalid' } });

    const closed = net.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as net.AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const refused = await addAccount(alice, { port: closedPort, trust: { kind: 'system' } });
    expect((await api.call('mail.accounts.test', { id: refused.id })).error).toMatchObject({
      code: 'mail_connection_refused',
      params: { host: '127.0.0.1', port: closedPort },
    });

    // Accepts and never speaks: the greeting limit (1.5 s here) runs out.
    const silent = net.createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const quiet = await addAccount(alice, { port, security: 'plain', trust: { kind: 'system' } });
      expect((await api.call('mail.accounts.test', { id: quiet.id })).error).toMatchObject({ code: 'mail_timeout', params: { port } });
    } finally {
      silent.close();
    }

    // Implicit TLS spoken to the plain port: no certificate, so a handshake failure with the hint.
    const wrongPort = await addAccount(alice, { port: dovecot.imapPort, trust: { kind: 'system' } });
    const wrong = await api.call('mail.accounts.test', { id: wrongPort.id });
    expect(['mail_tls_handshake_failed', 'mail_timeout']).toContain(wrong.error?.code);
  });

  it('When STARTTLS is chosen, Then the plain port is upgraded (its certificate pinned through STARTTLS); plain IMAP is unencrypted and says so', async () => {
    const starttls = await addAccount(alice, { port: dovecot.imapPort, security: 'starttls' });
    const upgraded = await api.call('mail.accounts.test', { id: starttls.id });
    expect(upgraded).toMatchObject({ ok: true, secure: true });
    expect(upgraded.certificate?.fingerprint256).toBe(cert.fingerprint256);

    const untrusted = await addAccount(alice, { port: dovecot.imapPort, security: 'starttls', trust: { kind: 'system' } });
    expect((await api.call('mail.accounts.test', { id: untrusted.id })).error).toMatchObject({ code: 'mail_tls_failed', params: { fingerprint: cert.fingerprint256 } });

    const plain = await addAccount(alice, { port: dovecot.imapPort, security: 'plain', trust: { kind: 'system' } });
    expect(await api.call('mail.accounts.test', { id: plain.id })).toMatchObject({ ok: true, secure: false, tlsProtocol: null, certificate: null });
  });

  it('When a rule names a folder the mailbox does not have, Then the fetch fails with folder not found and records the run', async () => {
    const account = await addAccount(alice);
    const rule = await addRule(account.id, { folder: 'No/Such/Folder' });
    const result = await fetchRule(rule.id);
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatchObject({ code: 'mail_folder_not_found', params: { folder: 'No/Such/Folder', account: account.name } });
    const listed = (await api.call('mail.rules.list', {})).find((r) => r.id === rule.id);
    expect(listed?.lastRun).toMatchObject({ outcome: 'failed', error: { code: 'mail_folder_not_found' } });
  });

  it('When an account is still used by a rule, Then it cannot be removed; once free, removing deletes its keychain entry', async () => {
    const account = await addAccount(dave);
    const rule = await addRule(account.id);
    expect(await caught(api.call('mail.accounts.remove', { id: account.id }))).toMatchObject({ code: 'mail_account_in_use' });
    await api.call('mail.rules.remove', { id: rule.id });
    expect(await api.call('mail.accounts.remove', { id: account.id })).toEqual({ removed: true, secret: 'deleted' });
    expect(await secretServiceItems(`imap:dave@127.0.0.1:${dovecot.imapsPort}`)).toContain('@ao [], @ao []');
  });
});

describe('fetching a rule: matching attachments only, exactly once, with provenance', () => {
  const csvA = csvLog(40, 1);
  const csvB = csvLog(25, 2);
  const csvShared = csvLog(30, 3);
  const csvKorean2231 = csvLog(12, 4);
  const csvKorean2047 = csvLog(13, 5);
  const csvKoreanRaw = csvLog(14, 6);
  const csvLarge = csvLog(3000, 7);
  const csvLate = csvLog(9, 8);
  const gzContent = gzip(csvLog(20, 9));
  let zipContent: Buffer;
  let ruleId: number;
  let first: MailFetchResult;

  beforeAll(async () => {
    zipContent = await zip([{ name: 'inner.csv', content: csvLog(21, 10) }]);
    const messages = [
      buildMessage({ subject: 'nightly access log', messageId: '<a@server01>', attachments: [{ name: 'access-2025-11-24.csv', content: csvA, contentType: 'text/csv' }] }),
      buildMessage({
        subject: '일일 로그 보고',
        messageId: '<korean@server01>',
        attachments: [
          { name: '접속로그.csv', content: csvKorean2231, nameEncoding: 'rfc2231-euckr' },
          { name: '오류로그.csv', content: csvKorean2047, nameEncoding: 'rfc2047-euckr' },
          { name: '서버로그.csv', content: csvKoreanRaw, nameEncoding: 'raw-euckr' },
        ],
      }),
      buildMessage({ subject: 'no attachment here', messageId: '<none@server01>', text: 'nothing attached' }),
      buildMessage({
        subject: 'shared copy 1',
        messageId: '<shared1@server01>',
        attachments: [
          { name: 'shared.csv', content: csvShared },
          { name: 'notes.txt', content: Buffer.from('not a log the rule wants\n') },
        ],
      }),
      buildMessage({ subject: 'shared copy 2', messageId: '<shared2@server01>', attachments: [{ name: 'shared-again.csv', content: csvShared }] }),
      buildMessage({
        subject: 'compressed',
        messageId: '<compressed@server01>',
        attachments: [
          { name: 'app.log.gz', content: gzContent, contentType: 'application/gzip' },
          { name: 'bundle.zip', content: zipContent, contentType: 'application/zip' },
        ],
      }),
      buildMessage({
        subject: 'broken',
        messageId: '<malformed@server01>',
        attachments: [{ name: 'broken.csv', content: Buffer.alloc(0), rawBody: '!!!! this is not base64 #### ~~~~\r\n' }],
      }),
      buildMessage({ subject: 'too big', messageId: '<large@server01>', attachments: [{ name: 'huge.csv', content: csvLarge }] }),
      buildMessage({ from: 'Somebody Else <other@elsewhere.test>', subject: 'unrelated', messageId: '<other@elsewhere>', attachments: [{ name: 'x.csv', content: csvLog(5, 11) }] }),
      buildMessage({ subject: 'second nightly', messageId: '<b@server01>', date: 'Wed, 26 Nov 2025 09:00:00 +0900', attachments: [{ name: 'access-2025-11-25.csv', content: csvB }] }),
    ];
    for (const raw of messages) await dovecot.appendMessage(bob.user, raw);
    const account = await addAccount(bob);
    const rule = await addRule(account.id, {
      name: 'nightly',
      senders: ['server01.example.test'],
      attachmentPatterns: ['*.csv', '*.gz', '*.zip'],
      dataset: 'mail_logs',
      maxAttachmentMb: 0.05,
    });
    ruleId = rule.id;
    const progress: number[] = [];
    const stop = api.on('mail.progress', (p) => {
      if (p.ruleId === ruleId) progress.push(p.bytesDone);
    });
    try {
      first = await fetchRule(ruleId);
    } finally {
      stop();
    }
    expect(progress.length).toBeGreaterThan(3);
  });

  it('When the rule is fetched, Then each matching CSV is imported into the dataset with its rows', async () => {
    expect(first.error).toBeNull();
    expect(first.outcome).toBe('partial');
    const imported = first.items.filter((i) => i.outcome === 'imported' && i.fileName.endsWith('.csv'));
    expect(imported.map((i) => [i.fileName, i.rows]).sort()).toEqual(
      [
        ['access-2025-11-24.csv', 40],
        ['access-2025-11-25.csv', 25],
        ['shared.csv', 30],
        ['접속로그.csv', 12],
        ['오류로그.csv', 13],
        ['서버로그.csv', 14],
      ].sort(),
    );
    const csvRows = 40 + 25 + 30 + 12 + 13 + 14;
    const archiveRows = first.items.filter((i) => i.outcome === 'imported' && !i.fileName.endsWith('.csv')).reduce((s, i) => s + i.rows, 0);
    expect(await datasetRows('mail_logs')).toBe(csvRows + archiveRows);
    expect(first.messagesExamined).toBe(10);
    // Senders elsewhere, and messages without attachments, bring nothing.
    expect(first.items.some((i) => i.fileName === 'x.csv' || i.messageId === '<none@server01>')).toBe(false);
    expect(byFile(first.items, 'notes.txt')).toEqual([]);
  });

  it('When the same attachment is in two messages, Then it is imported once and the second is skipped as the same content', () => {
    expect(byFile(first.items, 'shared.csv')[0]).toMatchObject({ outcome: 'imported', messageId: '<shared1@server01>' });
    expect(byFile(first.items, 'shared-again.csv')[0]).toMatchObject({ outcome: 'skipped', reason: 'duplicate_content', rows: 0 });
  });

  it('When attachments are gzip and zip, Then they are downloaded and handed to the importer, imported or listed as failures', () => {
    for (const name of ['app.log.gz', 'bundle.zip']) {
      const [item] = byFile(first.items, name);
      expect(item, name).toBeDefined();
      // Downloaded whole: the importer saw the file (a format it does not read yet is its failure, not mail's).
      expect(item!.sizeBytes, name).toBe(name.endsWith('.gz') ? gzContent.length : zipContent.length);
      if (item!.outcome === 'failed') expect(item!.error?.code, name).not.toMatch(/^mail_/);
      else expect(item!.outcome, name).toBe('imported');
    }
  });

  it('When a part is malformed MIME or over the size limit, Then it is a listed failure and the rest still imports', () => {
    expect(byFile(first.items, 'broken.csv')[0]).toMatchObject({
      outcome: 'failed',
      messageId: '<malformed@server01>',
      error: { code: 'mail_mime_malformed', params: { file: 'broken.csv', messageId: '<malformed@server01>' } },
    });
    expect(byFile(first.items, 'huge.csv')[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'mail_attachment_too_large', params: { file: 'huge.csv', limitMb: 0.05 } },
    });
    // The oversized attachment was never downloaded.
    const downloaded = first.items.filter((i) => !i.error?.code.startsWith('mail_')).reduce((s, i) => s + i.sizeBytes, 0);
    expect(first.bytesDownloaded).toBe(downloaded);
    expect(first.bytesDownloaded).toBeLessThan(csvLarge.length);
    expect(first.failures.map((f) => f.fileName).sort()).toEqual(expect.arrayContaining(['broken.csv', 'huge.csv']));
  });

  it('When an imported file is looked up, Then it shows account, sender, subject, date and message id', async () => {
    const { files } = await api.call('mail.collected', {});
    const korean = files.find((f) => f.fileName === '접속로그.csv');
    expect(korean).toMatchObject({
      dataset: 'mail_logs',
      rows: 12,
      sender: 'Log Server <logs@server01.example.test>',
      subject: '일일 로그 보고',
      messageId: '<korean@server01>',
      date: '2025-11-25T00:00:00Z',
      rule: 'nightly',
    });
    expect(korean?.account).toMatch(/^bob-/);
    const dataset = (await api.call('datasets.list', {})).find((d) => d.name === 'mail_logs')!;
    const sources = await api.call('sources.list', { datasetId: dataset.id });
    const source = sources.find((s) => s.fileName === 'access-2025-11-25.csv');
    expect(source).toMatchObject({ origin: 'mail', originDetail: { messageId: '<b@server01>', subject: 'second nightly', date: '2025-11-26T00:00:00Z', part: '2' } });
  });

  it('When the rule is fetched again, Then no attachment byte is transferred and nothing is imported', async () => {
    const again = await fetchRule(ruleId);
    expect(again).toMatchObject({ outcome: 'ok', messagesExamined: 0, imported: 0, bytesDownloaded: 0, items: [] });
    // SELECT, SEARCH and LOGOUT: a few hundred bytes, not the mailbox.
    expect(again.bytesFromServer).toBeLessThan(4096);
    const rule = (await api.call('mail.rules.list', {})).find((r) => r.id === ruleId);
    expect(rule?.sync?.lastUid).toBeGreaterThanOrEqual(10);
    expect(rule?.lastRun).toMatchObject({ outcome: 'ok', runId: again.runId });
  });

  it('When a new message arrives, Then only it is fetched', async () => {
    await dovecot.appendMessage(bob.user, buildMessage({ subject: 'late', messageId: '<late@server01>', attachments: [{ name: 'late.csv', content: csvLate }] }));
    const before = await datasetRows('mail_logs');
    const third = await fetchRule(ruleId);
    expect(third.items.map((i) => [i.fileName, i.outcome, i.rows])).toEqual([['late.csv', 'imported', 9]]);
    expect(third.messagesExamined).toBe(1);
    expect(third.bytesDownloaded).toBe(csvLate.length);
    expect(await datasetRows('mail_logs')).toBe(before + 9);
  });

  it('When a rule looks only at messages since a day, Then older ones are not listed; and a second rule over the same mail imports nothing again', async () => {
    const account = (await api.call('mail.accounts.list', {})).find((a) => a.user === 'bob')!;
    const future = await addRule(account.id, { since: '2099-01-01', dataset: 'other_logs' });
    expect(await fetchRule(future.id)).toMatchObject({ messagesExamined: 0, items: [], bytesDownloaded: 0 });

    const past = await addRule(account.id, { since: '2020-01-01', senders: ['server01.example.test'], attachmentPatterns: ['*.csv'], dataset: 'other_logs' });
    const second = await fetchRule(past.id);
    expect(second.messagesExamined).toBe(11);
    // Imported (or found a duplicate) by the first rule: known by Message-ID and part, not even downloaded.
    const collected = second.items.filter((i) => i.reason === 'already_collected').map((i) => i.fileName);
    expect(collected.sort()).toEqual(['access-2025-11-24.csv', 'access-2025-11-25.csv', 'late.csv', 'shared-again.csv', 'shared.csv', '서버로그.csv', '오류로그.csv', '접속로그.csv'].sort());
    // What the first rule refused is this rule's to decide: its limit is 100 MB, so huge.csv comes in now.
    expect(second.items.filter((i) => i.outcome === 'imported').map((i) => [i.fileName, i.rows])).toEqual([['huge.csv', 3000]]);
    expect(byFile(second.items, 'broken.csv')[0]).toMatchObject({ outcome: 'failed', error: { code: 'mail_mime_malformed' } });
    expect(second.bytesDownloaded).toBe(csvLarge.length);
  });

  it('When the folder is recreated (UIDVALIDITY changes), Then it is rescanned and nothing is imported twice', async () => {
    const account = await addAccount(carol);
    const admin = adminClient(carol);
    await admin.connect();
    try {
      await admin.mailboxCreate('Logs');
      const messages = [
        buildMessage({ subject: 'r1', messageId: '<r1@server01>', attachments: [{ name: 'r1.csv', content: csvLog(7, 21) }] }),
        buildMessage({ subject: 'r2', messageId: '<r2@server01>', attachments: [{ name: 'r2.csv', content: csvLog(8, 22) }] }),
      ];
      for (const raw of messages) await admin.append('Logs', raw);
      const rule = await addRule(account.id, { folder: 'Logs', dataset: 'rescan_logs' });
      const firstRun = await fetchRule(rule.id);
      expect(firstRun.imported).toBe(2);
      const validity = (await api.call('mail.rules.list', {})).find((r) => r.id === rule.id)?.sync?.uidValidity;

      await admin.mailboxDelete('Logs');
      await admin.mailboxCreate('Logs');
      for (const raw of messages) await admin.append('Logs', raw);
      await admin.append('Logs', buildMessage({ subject: 'r3', messageId: '<r3@server01>', attachments: [{ name: 'r3.csv', content: csvLog(9, 23) }] }));

      const rescan = await fetchRule(rule.id);
      expect(rescan.uidValidityChanged).toBe(true);
      expect(rescan.items.map((i) => [i.fileName, i.outcome, i.reason]).sort()).toEqual([
        ['r1.csv', 'skipped', 'already_collected'],
        ['r2.csv', 'skipped', 'already_collected'],
        ['r3.csv', 'imported', null],
      ]);
      // Only r3 was downloaded.
      expect(rescan.bytesDownloaded).toBe(csvLog(9, 23).length);
      expect(await datasetRows('rescan_logs')).toBe(7 + 8 + 9);
      const after = (await api.call('mail.rules.list', {})).find((r) => r.id === rule.id)?.sync;
      expect(after?.uidValidity).not.toBe(validity);
      expect(typeof after?.uidValidity).toBe('string');
    } finally {
      await admin.logout();
    }
  });

  it('When after-import actions are on, Then the message is marked seen and moved, and nothing is deleted', async () => {
    const account = await addAccount(carol);
    const admin = adminClient(carol);
    await admin.connect();
    try {
      await admin.mailboxCreate('Reports');
      await admin.mailboxCreate('Processed');
      await admin.append('Reports', buildMessage({ subject: 'act', messageId: '<act@server01>', attachments: [{ name: 'act.csv', content: csvLog(6, 31) }] }));
      await admin.append('Reports', buildMessage({ subject: 'keep', messageId: '<keep@server01>', text: 'no attachment' }));
      const rule = await addRule(account.id, { folder: 'Reports', dataset: 'action_logs', markSeen: true, moveTo: 'Processed' });
      const result = await fetchRule(rule.id);
      expect(result).toMatchObject({ outcome: 'ok', imported: 1, actionFailures: [] });

      const processed = await admin.getMailboxLock('Processed');
      try {
        const moved = await admin.fetchAll('1:*', { envelope: true, flags: true });
        expect(moved.map((m) => m.envelope?.messageId)).toEqual(['<act@server01>']);
        expect(moved[0]?.flags?.has('\\Seen')).toBe(true);
      } finally {
        processed.release();
      }
      const reports = await admin.getMailboxLock('Reports');
      try {
        const left = await admin.fetchAll('1:*', { envelope: true, flags: true });
        // The message without attachments stays where it was, unread.
        expect(left.map((m) => [m.envelope?.messageId, m.flags?.has('\\Seen')])).toEqual([['<keep@server01>', false]]);
      } finally {
        reports.release();
      }

      await admin.append('Reports', buildMessage({ subject: 'act2', messageId: '<act2@server01>', attachments: [{ name: 'act2.csv', content: csvLog(6, 32) }] }));
      const badMove = await addRule(account.id, { folder: 'Reports', dataset: 'action_logs', moveTo: 'Nowhere' });
      const failedMove = await fetchRule(badMove.id);
      expect(failedMove.outcome).toBe('partial');
      expect(failedMove.actionFailures).toMatchObject([{ messageId: '<act2@server01>', action: 'move', error: { code: 'mail_action_failed' } }]);
      expect(failedMove.items.find((i) => i.fileName === 'act2.csv')).toMatchObject({ outcome: 'imported' });
    } finally {
      await admin.logout();
    }
  });
});

describe('a connection dropped mid-fetch', () => {
  it('When the server connection drops half-way, Then that fetch fails, and the next imports the rest: every attachment exactly once', async () => {
    // erin's mailbox is reached through a proxy that cuts the connection after a byte budget.
    const proxy = await startDropProxy(dovecot.imapsPort);
    proxies.push(proxy);
    const count = 40;
    const payloads = Array.from({ length: count }, (_, i) => csvLog(400, 100 + i));
    for (const [i, content] of payloads.entries()) {
      await dovecot.appendMessage(erin.user, buildMessage({ subject: `drop ${i}`, messageId: `<drop-${i}@server01>`, attachments: [{ name: `drop-${i}.csv`, content }] }));
    }
    const account = await addAccount(erin, { port: proxy.port });
    const rule = await addRule(account.id, { subjects: ['drop'], dataset: 'drop_logs' });
    const total = payloads.reduce((s, p) => s + p.length, 0);
    // Past the first batch of 32 attachments (imported), inside the second.
    proxy.arm(Math.floor(total * 0.9));
    const broken = await fetchRule(rule.id);
    expect(proxy.drops).toBe(1);
    expect(broken.outcome).toBe('failed');
    expect(broken.error).toMatchObject({ code: 'mail_connection_lost' });
    expect(broken.imported).toBeGreaterThan(0);
    expect(broken.imported).toBeLessThan(count);

    const resumed = await fetchRule(rule.id);
    expect(resumed.error).toBeNull();
    expect(resumed.imported).toBe(count - broken.imported);
    // What the first fetch imported is not downloaded again.
    expect(resumed.bytesDownloaded).toBeLessThan(total);
    expect(await datasetRows('drop_logs')).toBe(count * 400);
    const perMessage = await api.call('query.run', {
      sql: `SELECT json_extract_string(origin_detail, '$.messageId') AS m, count(*) AS n FROM logscope.sources WHERE dataset = 'drop_logs' GROUP BY 1 HAVING count(*) > 1`,
    });
    expect(perMessage.rows).toEqual([]);
    expect((await api.call('mail.fetch', { jobId: 'again', ruleId: rule.id })).bytesDownloaded).toBe(0);
  });
});

describe('without a keychain', () => {
  let bare: AppCore;
  let bareApi: Api;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logscope-nokeychain-'));
    const opened = await openAppCore({
      dataDir: join(dir, 'data'),
      ownerKind: 'serve',
      memoryLimit: '1GB',
      secretStore: createSecretStore({ loadKeytar: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')) }),
    });
    if ('served' in opened) throw new Error('expected to own the data folder');
    bare = opened;
    bareApi = createLocalApi(bare.rpc, bare.events);
  });

  afterAll(async () => {
    await bare?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('When no keychain is reachable, Then the status says so, a keychain account is refused, and a 0600 credentials file works', async () => {
    const status = await bareApi.call('mail.status', {});
    expect(status).toMatchObject({ keychain: { available: false }, ownerKind: 'serve' });
    expect(status.keychain.reason).toContain('D-Bus');

    const refused = await caught(
      bareApi.call('mail.accounts.create', { host: '127.0.0.1', port: dovecot.imapsPort, user: 'alice', trust: pinned(), secret: { store: 'keychain', password: alice.password } }),
    );
    expect(refused.code).toBe('keychain_unavailable');
    expect(await bareApi.call('mail.accounts.list', {})).toEqual([]);

    const file = join(dir, 'alice.pw');
    const account = await bareApi.call('mail.accounts.create', {
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      user: 'alice',
      trust: pinned(),
      secret: { store: 'file', path: file, password: alice.password },
    });
    expect(account.secret).toEqual({ store: 'file', path: file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(`${alice.password}\n`);
    expect(await bareApi.call('mail.accounts.test', { id: account.id })).toMatchObject({ ok: true, store: { store: 'file', path: file } });

    await chmod(file, 0o640);
    expect((await bareApi.call('mail.accounts.test', { id: account.id })).error).toMatchObject({ code: 'credentials_file_insecure', params: { path: file, mode: '0640' } });

    // A file written by hand (systemd LoadCredential=) is named without a password.
    const handWritten = join(dir, 'hand.pw');
    await writeFile(handWritten, `${alice.password}\n`, { mode: 0o600 });
    const second = await bareApi.call('mail.accounts.create', { name: 'by hand', host: '127.0.0.1', port: dovecot.imapsPort, user: 'alice', trust: pinned(), secret: { store: 'file', path: handWritten } });
    expect((await bareApi.call('mail.accounts.test', { id: second.id })).ok).toBe(true);
    expect(await bareApi.call('mail.accounts.remove', { id: second.id })).toEqual({ removed: true, secret: 'file_kept' });
    expect(await readdir(dir)).toContain('hand.pw');
  });
});
