import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startSmtpServer, type TestSmtpServer } from '../servers/smtp';
import { jsonLines, runCli } from './support/cli';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { createLocalApi } from '../../src/main/transport/local';
import { writeReportFixture } from './support/reportFixtures';

// `logscope smtp|report|reports` as a user runs them: the built command in a child process,
// a real SMTP server on loopback, the real keychain (run under scripts/with-keyring.sh).

const alice = { user: 'alice', password: 'wonder-land' };
const dir = tempDataDir('logscope-reportcli-');
let cert: TestCertificate;
let server: TestSmtpServer;

const lines = (stdout: string) => jsonLines(stdout) as Record<string, unknown>[];

/** A data folder holding the fixture dataset `svc`, imported in this process before the commands run. */
async function folderWithDataset(name: string): Promise<string> {
  const dataDir = path.join(dir, name);
  const core = await openOwnedCore(dataDir);
  try {
    const api = createLocalApi(core.rpc, core.events);
    const file = writeReportFixture(path.join(dir, `${name}-files`));
    const [item] = await api.call('import.run', { jobId: 'cli', files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'svc' } } }], origin: 'command' });
    if (!item?.ok) throw new Error('fixture import failed');
  } finally {
    await core.dispose();
  }
  return dataDir;
}

beforeAll(async () => {
  cert = await createTestCertificate(fs.mkdtempSync(path.join(dir, 'cert-')));
  server = await startSmtpServer({ users: [alice], cert });
});

afterAll(async () => {
  await server?.stop();
});

describe('logscope smtp, report and reports', () => {
  let dataDir: string;
  const cli = (args: string[], input?: string) => runCli(['--data-dir', dataDir, ...args], { input });
  const smtpArgs = () => ['smtp', 'add', '--name', 'loopback', '--host', '127.0.0.1', '--port', String(server.port), '--user', 'alice', '--from', 'reports@example.test', '--ca-file', cert.caPath];

  beforeAll(async () => {
    dataDir = await folderWithDataset('main');
  });

  it('When an SMTP account is added with the password on stdin, Then it is in the keychain and `smtp test --to` sends a message', async () => {
    const added = await cli(['--json', ...smtpArgs()], `${alice.password}\n`);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(lines(added.stdout)[0]).toMatchObject({ name: 'loopback', store: 'keychain', keychain_account: `smtp:alice@127.0.0.1:${server.port}`, security: 'starttls' });
    expect(added.stdout).not.toContain(alice.password);

    const tested = await cli(['smtp', 'test', 'loopback', '--to', 'me@example.test']);
    expect(tested.status).toBe(0);
    expect(tested.stdout).toContain(`Password from the keychain (service Logscope, account smtp:alice@127.0.0.1:${server.port})`);
    expect(tested.stdout).toMatch(/OK\. Connected to 127\.0\.0\.1:\d+ over TLSv1\.[23] and signed in as alice/);
    expect(tested.stdout).toContain('Test message to me@example.test accepted: 250 OK: message queued');
    expect((await simpleParser(server.messages[server.messages.length - 1]!.raw)).subject).toBe('Logscope test message');
  });

  it('When `report --out` is run, Then it writes the report as one self-contained HTML file', async () => {
    const out = path.join(dir, 'report.html');
    const made = await cli(['report', '--dataset', 'svc', '--period', '2024-03-06..2024-03-06', '--tz', 'UTC', '--lang', 'ko', '--out', out]);
    expect(made.status).toBe(0);
    expect(made.stderr).toContain(`Wrote ${out}`);
    const html = fs.readFileSync(out, 'utf8');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(9);
    expect(html).toContain('직접 지정한 기간: 2024-03-06 00:00 – 2024-03-06 23:59 UTC');
    expect(html).not.toMatch(/<script|cid:|src="https?:|href=/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('When `report` is run without --out or --send, Then it prints the key figures (as JSON with --json)', async () => {
    const printed = await cli(['--json', 'report', '--dataset', 'svc', '--period', '24h', '--tz', 'UTC']);
    expect(printed.status).toBe(0);
    const [report] = lines(printed.stdout);
    expect(report).toMatchObject({ type: 'report', range: { from: '2024-03-06T00:00:00.000Z', to: '2024-03-07T00:00:00.000Z' }, figures: { busiest_endpoint: '/api/v1/products/{id}' } });
    expect((report!.figures as { events: number }).events).toBeGreaterThan(6000);
    const text = await cli(['report', '--dataset', 'svc', '--period', '24h', '--tz', 'UTC']);
    expect(text.stdout).toMatch(/^Log report: svc\n/);
    expect(text.stdout).toMatch(/\nEvents: [\d,]+ \(/);
  });

  it('When `report --send` is accepted, Then it says so with the server’s reply; lost after the end of the data, it exits 1 as possibly delivered, sent once', async () => {
    const sent = await cli(['--json', 'report', '--dataset', 'svc', '--period', 'all', '--send', '--to', 'ops@example.test']);
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    expect(lines(sent.stdout)[0]).toMatchObject({ type: 'sent', outcome: 'sent', to: ['ops@example.test'], accepted: ['ops@example.test'], response: '250 OK: message queued', attempts: 1 });

    server.setBehaviours({ dropAfterData: { attempts: 1 } });
    try {
      const before = { ...server.stats, messages: server.messages.length };
      const lost = await cli(['report', '--dataset', 'svc', '--period', '24h', '--send', '--to', 'ops@example.test']);
      expect(lost.status).toBe(1);
      expect(lost.stderr).toMatch(/^logscope: Possibly delivered: the connection to 127\.0\.0\.1 was lost after the whole message was sent but before the server answered/);
      expect(lost.stdout).toContain('Not (fully) sent: possibly_delivered.');
      expect(server.stats.dataAttempts).toBe(before.dataAttempts + 1);
      expect(server.messages.length).toBe(before.messages + 1);
      expect(server.messages[server.messages.length - 1]!.acknowledged).toBe(false);
    } finally {
      server.setBehaviours({});
    }
    const history = lines((await cli(['--json', 'reports', 'history', '--limit', '3'])).stdout);
    expect(history.map((h) => [h.kind, h.outcome, h.trigger])).toEqual([
      ['report', 'possibly_delivered', 'command'],
      ['report', 'sent', 'command'],
      ['test', 'sent', 'manual'],
    ]);
  });

  it('When a report is saved by name, Then a job sends it by name and `report --report` sends it as itself', async () => {
    const saved = await cli(['--json', 'reports', 'add', 'daily', '--dataset', 'svc', '--period', '24h', '--to', 'ops@example.test', 'lead@example.test', '--smtp', 'loopback', '--attach', 'csv']);
    expect(saved.status).toBe(0);
    expect(lines(saved.stdout)[0]).toMatchObject({ name: 'daily', dataset: 'svc', recipients: ['ops@example.test', 'lead@example.test'], attachments: { html: false, csv: true, png: false } });
    const job = await cli(['--json', 'jobs', 'add', '--name', 'daily-report', '--report', 'daily', '--cron', '0 9 * * 1-5', '--tz', 'Asia/Seoul']);
    expect(job.status).toBe(0);
    expect(lines(job.stdout)[0]).toMatchObject({ name: 'daily-report', kind: 'report' });
    const missing = await cli(['jobs', 'add', '--name', 'nope', '--report', 'weekly', '--every', '60']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('There is no report “weekly”.');

    const sent = await cli(['--json', 'report', '--report', 'daily', '--send']);
    expect(sent.status).toBe(0);
    expect(lines(sent.stdout)[0]).toMatchObject({ outcome: 'sent', report: 'daily', accepted: ['ops@example.test', 'lead@example.test'] });
    const mail = await simpleParser(server.messages[server.messages.length - 1]!.raw);
    const csvNames = mail.attachments.filter((a) => a.contentType === 'text/csv').map((a) => a.filename?.replace(/\d{4}-\d{2}-\d{2}/, 'DAY'));
    expect(csvNames).toEqual(['svc-key-figures-DAY.csv', 'svc-top-endpoints-DAY.csv', 'svc-top-error-patterns-DAY.csv']);
  });

  it('When the configuration moves to another machine, Then SMTP accounts (without password), reports and report jobs go by name', async () => {
    const file = path.join(dir, 'config.json');
    expect((await cli(['config', 'export', file])).status).toBe(0);
    const document = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown[]>;
    expect(document.smtpAccounts).toEqual([expect.objectContaining({ name: 'loopback', secret: { store: 'keychain' } })]);
    expect(JSON.stringify(document)).not.toContain(alice.password);
    expect(document.reports).toEqual([expect.objectContaining({ name: 'daily', dataset: 'svc', smtpAccount: 'loopback' })]);
    expect(document.jobs).toEqual([expect.objectContaining({ name: 'daily-report', target: { kind: 'report', report: 'daily' } })]);

    const other = await folderWithDataset('other');
    const imported = await runCli(['--data-dir', other, '--json', 'config', 'import', file]);
    expect(imported.status).toBe(0);
    expect(lines(imported.stdout).map((item) => [item.kind, item.name, item.outcome])).toEqual([
      ['smtp_account', 'loopback', 'created'],
      ['report', 'daily', 'created'],
      ['job', 'daily-report', 'created'],
    ]);
    const jobs = lines((await runCli(['--data-dir', other, '--json', 'jobs', 'list'])).stdout);
    const reports = lines((await runCli(['--data-dir', other, '--json', 'reports', 'list'])).stdout);
    expect(reports[0]).toMatchObject({ name: 'daily', dataset: 'svc' });
    expect(jobs[0]).toMatchObject({ name: 'daily-report', target: { kind: 'report', reportId: 1 } });
  });

  it('When the period or the options do not make sense, Then it is a usage error (exit 2)', async () => {
    for (const args of [
      ['report', '--dataset', 'svc', '--period', 'yesterday'],
      ['report', '--period', '24h'],
      ['report', '--dataset', 'svc', '--to', 'not-an-address', '--send'],
      ['report', '--dataset', 'svc', '--attach', 'pdf'],
    ]) {
      const result = await cli(args);
      expect(result.status, args.join(' ')).toBe(2);
    }
  });
});
