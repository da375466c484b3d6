import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { JobRun } from '../../src/shared/api/contract/jobs';
import { createTestCertificate } from '../servers/certs';
import { startSmtpServer, type TestSmtpServer } from '../servers/smtp';
import { tempDataDir } from './support/dataDir';
import { decodePng } from './support/reportFixtures';

/**
 * The alert job (issue 11, mailed through issue 10's sender): the dashboard's "unusual
 * bucket" rule over the latest buckets, a message once per incident, cleared when the rule
 * no longer fires. The scheduler runs on a clock the test moves; nothing sleeps.
 */

const dir = tempDataDir('logscope-alerts-');
const alice = { user: 'alice', password: 'wonder-land' };
const bucketMs = 5 * 60_000;
const dataStart = Date.parse('2024-05-01T00:00:00Z');
let clockNow = new Date('2024-06-01T00:00:00Z');
let server: TestSmtpServer;
let core: AppCore;
let api: Api;
let datasetId = 0;
let files = 0;

/** 100 requests in each 5-minute bucket; `errors` of them answered 500. */
function bucketLines(bucket: number, errors: number): string[] {
  return Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({
      time: new Date(dataStart + bucket * bucketMs + i * 2_900).toISOString(),
      level: i < errors ? 'ERROR' : 'INFO',
      path: i % 3 ? '/api/orders' : '/api/cart',
      status: i < errors ? 500 : 200,
      latency_ms: 20 + (i % 13),
      message: i < errors ? `upstream failed for request ${bucket}-${i}` : `served request ${bucket}-${i}`,
    }),
  );
}

/** Imports buckets into the dataset (a new file each time, as mail would bring them). */
async function arrive(buckets: { bucket: number; errors: number }[]) {
  const file = path.join(dir, `part-${++files}.jsonl`);
  fs.writeFileSync(file, buckets.flatMap((b) => bucketLines(b.bucket, b.errors)).join('\n') + '\n');
  const dataset = datasetId ? { kind: 'existing', datasetId } : { kind: 'new', name: 'orders' };
  const [item] = await api.call('import.run', { jobId: `alerts-${files}`, files: [{ file: { path: file }, options: { dataset } as never }], origin: 'command' });
  if (!item?.ok) throw new Error(`import failed: ${JSON.stringify(item)}`);
  datasetId = item.result.datasetId!;
}

/** Five minutes later, the due jobs run. */
async function nextRun(): Promise<Record<string, JobRun>> {
  clockNow = new Date(clockNow.getTime() + bucketMs);
  const runs = await api.call('jobs.runDue', { trigger: 'schedule' });
  return Object.fromEntries(runs.map((run) => [run.jobName, run]));
}

const firingState = async (jobName: string) => {
  const catalog = await core.db.connection('catalog');
  const { rows } = await catalog.all(`SELECT s.firing FROM logscope.alert_state s JOIN logscope.jobs j ON j.id = s.job_id WHERE j.name = $name`, { name: jobName });
  return rows[0] ? Boolean(rows[0][0]) : null;
};

beforeAll(async () => {
  const cert = await createTestCertificate(fs.mkdtempSync(path.join(dir, 'cert-')));
  server = await startSmtpServer({ users: [alice], cert });
  const opened = await openAppCore({ dataDir: path.join(dir, 'data'), ownerKind: 'serve', memoryLimit: '1GB', clock: { now: () => clockNow }, smtpRetryDelaysMs: [0, 0] });
  if ('served' in opened) throw new Error('expected to own the data folder');
  core = opened;
  api = createLocalApi(core.rpc, core.events);
  await api.call('settings.update', { timeZone: 'Asia/Seoul', language: 'en' });
  fs.writeFileSync(path.join(dir, 'smtp.pw'), `${alice.password}\n`, { mode: 0o600 });
  const account = await api.call('smtp.accounts.create', {
    host: '127.0.0.1',
    port: server.port,
    security: 'starttls',
    user: alice.user,
    from: 'alerts@example.test',
    trust: { kind: 'ca_file', path: cert.caPath },
    secret: { store: 'file', path: path.join(dir, 'smtp.pw') },
  });
  // A day of quiet: one error in a hundred requests, every bucket.
  await arrive(Array.from({ length: 30 }, (_, bucket) => ({ bucket, errors: 1 })));
  const alert = { datasetId, bucketMinutes: 5, recipients: ['oncall@example.test'], smtpAccountId: account.id };
  await api.call('jobs.create', { name: 'unusual errors', target: { kind: 'alert', alert: { ...alert, rule: 'unusual' } }, schedule: { kind: 'interval', minutes: 5 } });
  await api.call('jobs.create', { name: 'over 20%', target: { kind: 'alert', alert: { ...alert, rule: 'threshold', threshold: 0.2, smtpAccountId: null } }, schedule: { kind: 'interval', minutes: 5 } });
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

describe('an alert job', () => {
  it('fires once per incident across several runs, clears when the rule no longer fires, and fires again at the next incident', async () => {
    let runs = await nextRun();
    expect(runs['unusual errors']).toMatchObject({ outcome: 'succeeded' });
    expect(runs['unusual errors']!.message).toMatch(/^quiet: error rate 1\.00% \(1 of 100\)/);
    expect(runs['over 20%']!.message).toMatch(/^quiet: /);
    expect(server.messages).toHaveLength(0);

    // An incident: 40 errors in the next bucket.
    await arrive([{ bucket: 30, errors: 40 }]);
    runs = await nextRun();
    expect(runs['unusual errors']).toMatchObject({ outcome: 'succeeded' });
    expect(runs['unusual errors']!.message).toMatch(/^fired: error rate 40\.00% \(40 of 100\) in 2024-05-01 11:30–11:35 \(Asia\/Seoul\); alert sent to oncall@example.test$/);
    expect(runs['over 20%']!.message).toMatch(/^fired: /);
    const messages = await server.waitForMessages(2);
    const unusual = await simpleParser(messages.find((m) => m.raw.includes('unusual'))!.raw, { keepCidLinks: true });
    expect(unusual.subject).toBe('[Logscope] orders: error rate unusual (40.00%)');
    expect(unusual.text).toContain('From 2024-05-01 11:30 to 11:35 (Asia/Seoul), 40 of 100 requests were errors: an error rate of 40.00%.');
    expect(String(unusual.html)).toContain('<img src="cid:chart-errors@logscope" width="600" height="260"');
    expect(decodePng(unusual.attachments.find((a) => a.cid === 'chart-errors@logscope')!.content)).toEqual({ width: 1200, height: 520 });
    const threshold = await simpleParser(messages.find((m) => !m.raw.includes('unusual ('))!.raw);
    expect(threshold.subject).toBe('[Logscope] orders: error rate above 20.00% (40.00%)');
    expect(await firingState('unusual errors')).toBe(true);

    // The next runs still see it: nothing more is sent.
    runs = await nextRun();
    expect(runs['unusual errors']!.message).toMatch(/^still firing since 2024-05-01 11:30: error rate 40\.00%.*; not mailed again$/);
    await arrive([{ bucket: 31, errors: 35 }]);
    runs = await nextRun();
    expect(runs['unusual errors']!.message).toMatch(/^still firing since 2024-05-01 11:30: error rate 35\.00% \(35 of 100\) in 2024-05-01 11:35–11:40/);
    expect(server.messages).toHaveLength(2);

    // Back to normal: it clears, without a message.
    await arrive([{ bucket: 32, errors: 1 }]);
    runs = await nextRun();
    expect(runs['unusual errors']!.message).toMatch(/^cleared: error rate 1\.00% \(1 of 100\) in 2024-05-01 11:40–11:45 \(Asia\/Seoul\), not above /);
    expect(runs['over 20%']!.message).toMatch(/^cleared: /);
    expect(await firingState('unusual errors')).toBe(false);
    expect(server.messages).toHaveLength(2);

    // The next incident fires again.
    await arrive([{ bucket: 33, errors: 30 }]);
    runs = await nextRun();
    expect(runs['unusual errors']!.message).toMatch(/^fired: error rate 30\.00%/);
    expect(runs['over 20%']!.message).toMatch(/^fired: /);
    expect(server.messages).toHaveLength(4);
    expect(server.messages.map((m) => m.envelope.rcptTo)).toEqual(Array(4).fill(['oncall@example.test']));

    const history = await api.call('reports.history', {});
    expect(history.filter((h) => h.kind === 'alert').map((h) => h.outcome)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('fails, and stays unfired, when its mail cannot be sent: the next run tries again', async () => {
    await arrive([{ bucket: 34, errors: 1 }]);
    await nextRun();
    expect(await firingState('unusual errors')).toBe(false);
    server.setBehaviours({ rejectRecipients: ['oncall@example.test'] });
    try {
      await arrive([{ bucket: 35, errors: 45 }]);
      const runs = await nextRun();
      expect(runs['unusual errors']).toMatchObject({ outcome: 'failed' });
      expect(runs['unusual errors']!.error?.code).toBe('smtp_recipients_refused');
      expect(runs['unusual errors']!.message).toMatch(/^The SMTP server refused every recipient: 550 /);
      expect(await firingState('unusual errors')).toBe(false);
    } finally {
      server.setBehaviours({});
    }
    const runs = await nextRun();
    expect(runs['unusual errors']!.message).toMatch(/^fired: error rate 45\.00%/);
  });
});
