import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { startSmtpServer, type TestSmtpServer } from '../servers/smtp';
import { jsonLines, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';
import { buildMessage, csvLog } from './support/mailFixtures';

// The "done when": on a server with no keychain, a cron line of `logscope jobs run`
// collects new attachments from the mailbox and sends the report. Every command is the
// built command in a child process; the mailbox is Dovecot and the mail server is real SMTP.

const ivan = { user: 'ivan', password: 'ivan-imap-secret' };
const june = { user: 'june', password: 'june-smtp-secret' };
/** A server's environment: no session bus, so no keychain; passwords live in 0600 files. */
const headless = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/logscope-test-bus', DISPLAY: '', XDG_RUNTIME_DIR: '/nonexistent' };

const dir = tempDataDir('logscope-headless-');
const dataDir = path.join(dir, 'data');
let cert: TestCertificate;
let dovecot: DovecotServer;
let smtp: TestSmtpServer;

beforeAll(async () => {
  cert = await createTestCertificate(fs.mkdtempSync(path.join(dir, 'cert-')));
  dovecot = await startDovecot({ users: [ivan], cert });
  smtp = await startSmtpServer({ users: [june], cert });
});

afterAll(async () => {
  await dovecot?.stop();
  await smtp?.stop();
});

const seoulHour = () => (new Date().getUTCHours() + 9) % 24;
const cli = (args: string[], input?: string) => runCli(['--data-dir', dataDir, ...args], { env: headless, ...(input === undefined ? {} : { input }) });
const lines = (stdout: string) => jsonLines(stdout) as Record<string, unknown>[];

async function rowCount(): Promise<number> {
  const counted = await cli(['--json', 'query', 'SELECT count(*) AS n FROM server_logs']);
  expect(counted.status, counted.stderr).toBe(0);
  return Number(lines(counted.stdout)[0]!.n);
}

/** Jobs made a day ago (the command would make them now, and nothing would be due yet). */
async function addJobsADayAgo(jobs: (ids: { ruleId: number; reportId: number }) => Parameters<ReturnType<typeof createLocalApi>['call']>[1][]) {
  const core = await openAppCore({ dataDir, ownerKind: 'serve', clock: { now: () => new Date(Date.now() - 25 * 3600_000) }, memoryLimit: '1GB' });
  if ('served' in core) throw new Error('not the owner');
  try {
    const api = createLocalApi(core.rpc, core.events);
    const [rule] = await api.call('mail.rules.list', {});
    const [report] = await api.call('reports.list', {});
    for (const job of jobs({ ruleId: rule!.id, reportId: report!.id })) await api.call('jobs.create', job as never);
  } finally {
    await core.dispose();
  }
}

describe('the headless loop: cron runs `logscope jobs run`', () => {
  it('collects the new attachments and sends the report once per slot; a failing job makes it exit 1', async () => {
    await dovecot.appendMessage(ivan.user, buildMessage({ subject: 'logs 1', messageId: '<loop-1@web01>', attachments: [{ name: 'web01-1.csv', content: csvLog(40, 1) }] }));

    // Set up as the README says for a server: passwords on stdin, into credentials files.
    const imapPassword = path.join(dir, 'imap.pw');
    const account = await cli(
      ['account', 'add', '--name', 'ops-mail', '--host', '127.0.0.1', '--port', String(dovecot.imapsPort), '--user', ivan.user, '--ca-file', cert.caPath, '--credentials-file', imapPassword],
      `${ivan.password}\n`,
    );
    expect(account.status, account.stderr).toBe(0);
    expect((await cli(['rule', 'add', 'web-logs', '--account', 'ops-mail', '--attachment', '*.csv', '--dataset', 'server_logs'])).status).toBe(0);
    const smtpPassword = path.join(dir, 'smtp.pw');
    const smtpAdded = await cli(
      ['smtp', 'add', '--name', 'relay', '--host', '127.0.0.1', '--port', String(smtp.port), '--user', june.user, '--from', 'logscope@example.test', '--ca-file', cert.caPath, '--credentials-file', smtpPassword],
      `${june.password}\n`,
    );
    expect(smtpAdded.status, smtpAdded.stderr).toBe(0);
    for (const file of [imapPassword, smtpPassword]) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect((await cli(['fetch', '--rule', 'web-logs'])).status).toBe(0);
    expect(await rowCount()).toBe(40);
    const saved = await cli(['reports', 'add', 'daily', '--dataset', 'server_logs', '--period', 'all', '--to', 'oncall@example.test', '--smtp', 'relay']);
    expect(saved.status, saved.stderr).toBe(0);
    await addJobsADayAgo(({ ruleId, reportId }) => [
      { name: 'collect', target: { kind: 'fetch', ruleId }, schedule: { kind: 'interval', minutes: 15 } },
      // Daily, twelve hours away from now: its last slot has passed, its next is far off.
      { name: 'report', target: { kind: 'report', reportId }, schedule: { kind: 'cron', expression: `0 ${(seoulHour() + 12) % 24} * * *`, timeZone: 'Asia/Seoul' } },
    ]);

    // New mail arrives; cron fires.
    await dovecot.appendMessage(ivan.user, buildMessage({ subject: 'logs 2', messageId: '<loop-2@web01>', attachments: [{ name: 'web01-2.csv', content: csvLog(25, 2) }] }));
    const mailsBefore = smtp.messages.length;
    const first = await cli(['--json', 'jobs', 'run']);
    expect(first.status, first.stderr).toBe(0);
    expect(lines(first.stdout).map((r) => [r.job, r.outcome])).toEqual([
      ['collect', 'succeeded'],
      ['report', 'succeeded'],
    ]);
    expect(await rowCount()).toBe(65);
    expect(smtp.messages).toHaveLength(mailsBefore + 1);
    const report = await simpleParser(smtp.messages.at(-1)!.raw);
    expect(report.to).toMatchObject({ text: 'oncall@example.test' });
    expect(report.html).toContain('server_logs');

    // The next cron tick within the same slots: nothing is due, nothing fetched or sent twice.
    const second = await cli(['--json', 'jobs', 'run']);
    expect(second.status, second.stderr).toBe(0);
    expect(lines(second.stdout)).toEqual([]);
    expect(await rowCount()).toBe(65);
    expect(smtp.messages).toHaveLength(mailsBefore + 1);

    // A job that cannot work (its mail rule's password is gone): exit 1, the reason in the log.
    fs.rmSync(imapPassword);
    await addJobsADayAgo(({ ruleId }) => [{ name: 'collect-again', target: { kind: 'fetch', ruleId }, schedule: { kind: 'interval', minutes: 15 } }]);
    const failing = await cli(['--json', 'jobs', 'run']);
    expect(failing.status).toBe(1);
    const [failed] = lines(failing.stdout);
    expect(failed).toMatchObject({ job: 'collect-again', outcome: 'failed' });
    expect(String(failed!.message)).toMatch(/credentials file/i);
  });
});
