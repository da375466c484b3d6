import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { jsonLines, repoRoot, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';
import { buildMessage, csvLog } from './support/mailFixtures';

// The `logscope account|rule|fetch` commands as a user runs them: the built command in a
// child process, the real keychain (run under scripts/with-keyring.sh), real Dovecot.

const frank = { user: 'frank', password: 'frank-secret-1' };
const gina = { user: 'gina', password: 'gina-secret-2' };
const henry = { user: 'henry', password: 'henry-secret-3' };

let certDir: string;
let cert: TestCertificate;
let dovecot: DovecotServer;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-mailcli-cert-'));
  cert = await createTestCertificate(certDir);
  dovecot = await startDovecot({ users: [frank, gina, henry], cert });
});

afterAll(async () => {
  await dovecot?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

/** The environment of a machine without a session bus: keytar cannot reach a keychain. */
const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/logscope-test-bus', DISPLAY: '', XDG_RUNTIME_DIR: '/nonexistent' };

const lines = (stdout: string) => jsonLines(stdout) as Record<string, unknown>[];

describe('logscope account, rule and fetch', () => {
  const dataDir = tempDataDir('logscope-mailcli-');
  const cli = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) => runCli(['--data-dir', dataDir, ...args], options);

  it('When an account is added with the password on stdin, Then it is in the keychain, `account test` says so, and fetch lists each attachment', async () => {
    await dovecot.appendMessage(frank.user, buildMessage({ subject: 'cli one', messageId: '<cli-1@server01>', attachments: [{ name: 'one.csv', content: csvLog(11, 41) }] }));
    await dovecot.appendMessage(frank.user, buildMessage({ subject: 'cli two', messageId: '<cli-2@server01>', attachments: [{ name: 'two.csv', content: csvLog(12, 42) }, { name: 'two-copy.csv', content: csvLog(11, 41) }] }));

    const added = await cli(
      ['--json', 'account', 'add', '--name', 'frank', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', 'frank', '--pin-fingerprint', cert.fingerprint256],
      { input: `${frank.password}\n` },
    );
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(lines(added.stdout)[0]).toMatchObject({ name: 'frank', store: 'keychain', keychain_account: `imap:frank@127.0.0.1:${dovecot.imapsPort}` });
    expect(added.stdout).not.toContain(frank.password);

    const store = await cli(['--json', 'account', 'store']);
    expect(lines(store.stdout)).toEqual([{ secure_store: 'os_keychain', available: true, reason: null, service: 'Logscope' }]);
    expect((await cli(['account', 'list'])).stdout).toMatch(/^Secure password store: the OS keychain \(service Logscope\)\.\n/);

    const tested = await cli(['account', 'test', 'frank']);
    expect(tested.status).toBe(0);
    expect(tested.stdout).toContain(`Password from the keychain (service Logscope, account imap:frank@127.0.0.1:${dovecot.imapsPort})`);
    expect(tested.stdout).toMatch(/OK\. Connected to 127\.0\.0\.1:\d+ over TLSv1\.[23] and signed in as frank/);
    expect(tested.stdout).toContain('IMAP BINARY');

    const listed = await cli(['--json', 'account', 'list']);
    expect(listed.stdout).not.toContain(frank.password);
    expect(lines(listed.stdout)).toMatchObject([{ name: 'frank', last_test: { ok: true } }]);

    const ruled = await cli(['rule', 'add', 'frank-logs', '--account', 'frank', '--attachment', '*.csv', '--dataset', 'cli_logs']);
    expect(ruled.status).toBe(0);
    expect(ruled.stdout).toContain('Added rule frank-logs: *.csv from INBOX of frank, into cli_logs');

    const fetched = await cli(['--json', 'fetch', '--rule', 'frank-logs']);
    expect(fetched.status).toBe(0);
    const out = lines(fetched.stdout);
    const attachments = out.filter((l) => l.type === 'attachment');
    expect(attachments.map((l) => [l.file, l.outcome, l.rows, l.reason])).toEqual([
      ['one.csv', 'imported', 11, null],
      ['two.csv', 'imported', 12, null],
      ['two-copy.csv', 'skipped', 0, 'duplicate_content'],
    ]);
    expect(attachments[0]).toMatchObject({ rule: 'frank-logs', message_id: '<cli-1@server01>', dataset: 'cli_logs', subject: 'cli one', sender: 'Log Server <logs@server01.example.test>' });
    expect(out.at(-1)).toMatchObject({ type: 'run', rule: 'frank-logs', outcome: 'ok', imported: 2, skipped: 1, rows: 23 });

    const text = await cli(['fetch']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('frank-logs: done; 0 imported (0 rows), 0 skipped, 0 failed; 0 new messages, 0 B of attachments downloaded.');

    const rules = lines((await cli(['--json', 'rule', 'list'])).stdout);
    expect(rules[0]).toMatchObject({ name: 'frank-logs', dataset: 'cli_logs', last_run: { outcome: 'ok', imported: 0 } });
    expect(typeof rules[0]!.uid_validity).toBe('string');
  });

  it('When the password is wrong, Then `account test` exits 1 saying so, with the app-password hint', async () => {
    await cli(['account', 'add', '--name', 'frank-wrong', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', 'frank', '--pin-fingerprint', cert.fingerprint256], {
      input: 'not-the-password',
    });
    const tested = await cli(['account', 'test', 'frank-wrong']);
    expect(tested.status).toBe(1);
    expect(tested.stderr).toContain('The server refused the sign-in of “frank” at 127.0.0.1');
    expect(tested.stderr).toContain('app password');
  });

  it('When the certificate is not trusted, Then `account test` shows its fingerprint and how to pin it', async () => {
    await cli(['account', 'add', '--name', 'frank-untrusted', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', 'frank'], { input: frank.password });
    const tested = await cli(['account', 'test', 'frank-untrusted']);
    expect(tested.status).toBe(1);
    expect(tested.stdout).toContain(`SHA-256 fingerprint: ${cert.fingerprint256}`);
    expect(tested.stdout).toContain('--pin-fingerprint');
    expect(tested.stderr).toContain(cert.fingerprint256);
  });

  it('When the command line is wrong, Then it is a usage error (exit 2)', async () => {
    expect((await cli(['fetch', '--bogus'])).status).toBe(2);
    expect((await cli(['rule', 'add', 'x', '--account', 'frank'])).status).toBe(2);
    const both = await cli(['account', 'add', '--host', 'h', '--user', 'u', '--ca-file', '/x.pem', '--pin-fingerprint', cert.fingerprint256]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
  });
});

describe('logscope account without a keychain', () => {
  const dataDir = tempDataDir('logscope-mailcli-nokc-');
  const cli = (args: string[], options: { input?: string } = {}) => runCli(['--data-dir', dataDir, ...args], { ...options, env: noKeychain });

  it('When no keychain is reachable, Then adding says so and offers --credentials-file, which writes a 0600 file that `account test` names', async () => {
    const refused = await cli(['account', 'add', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', 'gina'], { input: gina.password });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/keychain/i);
    expect(refused.stderr).toMatch(/credentials file/i);
    const store = await cli(['--json', 'account', 'store']);
    expect(lines(store.stdout)).toEqual([{ secure_store: null, available: false, reason: expect.stringContaining('safeStorage exists only in the Logscope app') }]);
    expect((await cli(['account', 'store'])).stdout).toMatch(/^Secure password store: none here \(.+\); passwords go to a credentials file \(--credentials-file\)\.\n$/);

    const file = join(dataDir, 'gina.pw');
    const added = await cli(
      ['account', 'add', '--name', 'gina', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', 'gina', '--ca-file', cert.caPath, '--credentials-file', file],
      { input: `${gina.password}\n` },
    );
    expect(added.status).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(`${gina.password}\n`);
    const tested = await cli(['--json', 'account', 'test', 'gina']);
    expect(tested.status).toBe(0);
    expect(lines(tested.stdout)[0]).toMatchObject({ ok: true, store: 'file', credentials_file: file, secure: true, binary: true });
    expect((await cli(['account', 'test', 'gina'])).stdout).toContain(`Password from the credentials file ${file}.`);
  });
});

describe('a fetch killed mid-way', () => {
  const dataDir = tempDataDir('logscope-mailcli-kill-');
  const cli = (args: string[], options: { input?: string } = {}) => runCli(['--data-dir', dataDir, ...args], options);

  it('When the process is killed during a fetch and the fetch is run again, Then every attachment is imported exactly once', async () => {
    const count = 24;
    for (let i = 0; i < count; i++) {
      await dovecot.appendMessage(henry.user, buildMessage({ subject: `kill ${i}`, messageId: `<kill-${i}@server01>`, attachments: [{ name: `kill-${i}.csv`, content: csvLog(50, 200 + i) }] }));
    }
    expect(
      (await cli(['account', 'add', '--name', 'henry', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', 'henry', '--pin-fingerprint', cert.fingerprint256], { input: henry.password }))
        .status,
    ).toBe(0);
    expect((await cli(['rule', 'add', 'henry-logs', '--account', 'henry', '--dataset', 'kill_logs'])).status).toBe(0);

    // Killed with SIGKILL once the first attachment is reported imported: no clean-up runs.
    const child = spawn(process.execPath, [join(repoRoot, 'bin/logscope.js'), '--data-dir', dataDir, '--json', 'fetch'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes('"type":"attachment"')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`fetch ended before it was killed: ${stdout}`)));
    });
    expect(await exited).toBe('SIGKILL');
    const before = lines(stdout.split('\n').filter((l) => l.endsWith('}')).join('\n')).filter((l) => l.outcome === 'imported').length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(count);

    const again = await cli(['--json', 'fetch']);
    expect(again.status).toBe(0);
    const run = lines(again.stdout).find((l) => l.type === 'run');
    expect(Number(run?.imported)).toBeLessThanOrEqual(count - before);
    expect(Number(run?.imported) + Number(run?.skipped)).toBeGreaterThanOrEqual(count - before);

    const counted = await cli(['--json', 'query', `SELECT count(*) AS files, count(DISTINCT json_extract_string(origin_detail, '$.messageId')) AS messages, sum(rows)::INTEGER AS rows FROM logscope.sources WHERE dataset = 'kill_logs'`]);
    expect(lines(counted.stdout)[0]).toMatchObject({ files: count, messages: count, rows: count * 50 });
    const rows = await cli(['--json', 'query', 'SELECT count(*) AS n FROM kill_logs']);
    expect(lines(rows.stdout)[0]).toMatchObject({ n: count * 50 });
    const third = lines((await cli(['--json', 'fetch'])).stdout).find((l) => l.type === 'run');
    expect(third).toMatchObject({ imported: 0, bytes_downloaded: 0 });
  });
});
