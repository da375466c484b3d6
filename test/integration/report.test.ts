import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { ReportSpecInput } from '../../src/shared/api/contract/report';
import { formatMs } from '../../src/shared/charts/describe';
import { formatCount, formatRate } from '../../src/shared/report/compose';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startSmtpServer, type TestSmtpServer } from '../servers/smtp';
import { tempDataDir } from './support/dataDir';
import { decodePng, hostileImage, hostileMessage, writeReportFixture } from './support/reportFixtures';

/**
 * The e-mailed report against a real SMTP server on loopback (smtp-server with AUTH and
 * STARTTLS under a test CA): what arrives, read back with mailparser, and every way sending
 * can go wrong.
 */

const dir = tempDataDir('logscope-report-');
const alice = { user: 'alice', password: 'wonder-land' };
const now = new Date('2024-03-08T03:00:00Z');
let cert: TestCertificate;
let server: TestSmtpServer;
let core: AppCore;
let api: Api;
let datasetId: number;
let accountId: number;

function passwordFile(name: string, password: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

const smtpAccount = (over: { name: string; port?: number; password?: string; security?: 'tls' | 'starttls'; trust?: unknown }) =>
  api.call('smtp.accounts.create', {
    name: over.name,
    host: '127.0.0.1',
    port: over.port ?? server.port,
    security: over.security ?? 'starttls',
    user: alice.user,
    from: 'logscope@example.test',
    fromName: 'Logscope',
    trust: (over.trust as never) ?? { kind: 'ca_file', path: cert.caPath },
    secret: { store: 'file', path: passwordFile(`${over.name}.pw`, over.password ?? alice.password) },
  });

/** The report of the fixture's last whole day (Seoul has whole-hour offsets: it is the UTC day). */
const spec = (over: Partial<ReportSpecInput> = {}): ReportSpecInput => ({
  datasetId,
  period: { kind: '24h' },
  zone: 'Asia/Seoul',
  language: 'en',
  recipients: ['ops@example.test'],
  smtpAccountId: accountId,
  attachments: { html: true, csv: true, png: true },
  ...over,
});

async function received(index: number): Promise<ParsedMail> {
  const messages = await server.waitForMessages(index + 1);
  // cid: links kept as sent: mailparser would otherwise inline them as data.
  return simpleParser(messages[index]!.raw, { keepCidLinks: true });
}

const figureCell = (html: string, id: string) => {
  const match = new RegExp(`data-figure="${id}">([\\s\\S]*?)</td>`).exec(html);
  return (match?.[1] ?? '').replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');
};

beforeAll(async () => {
  cert = await createTestCertificate(fs.mkdtempSync(path.join(dir, 'cert-')));
  server = await startSmtpServer({ users: [alice], cert });
  const opened = await openAppCore({ dataDir: path.join(dir, 'data'), ownerKind: 'serve', memoryLimit: '1GB', clock: { now: () => now }, smtpRetryDelaysMs: [0, 0] });
  if ('served' in opened) throw new Error('expected to own the data folder');
  core = opened;
  api = createLocalApi(core.rpc, core.events);
  const file = writeReportFixture(path.join(dir, 'files'));
  const [item] = await api.call('import.run', { jobId: 'report', files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'svc' } } }], origin: 'command' });
  if (!item?.ok) throw new Error('fixture import failed');
  datasetId = item.result.datasetId!;
  accountId = (await smtpAccount({ name: 'loopback' })).id;
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

describe('a report sent over SMTP', () => {
  let mail: ParsedMail;
  let html: string;

  beforeAll(async () => {
    const sent = await api.call('reports.send', { spec: spec() });
    expect(sent).toMatchObject({ outcome: 'sent', attempts: 1, accepted: ['ops@example.test'], response: '250 OK: message queued' });
    mail = await received(0);
    html = String(mail.html);
  });

  it('When it arrives, Then every chart is a decodable PNG at twice the size the HTML shows, referenced by cid', () => {
    const images = [...html.matchAll(/<img src="([^"]+)" width="(\d+)" height="(\d+)"/g)].map((m) => ({ src: m[1]!, width: Number(m[2]), height: Number(m[3]) }));
    // The dataset's roles allow all nine standard charts.
    expect(images).toHaveLength(9);
    for (const image of images) {
      expect(image.src).toMatch(/^cid:chart-[a-z-]+@logscope$/);
      const part = mail.attachments.find((a) => a.cid === image.src.slice(4));
      expect(part, image.src).toBeDefined();
      expect(part!.contentType).toBe('image/png');
      expect(decodePng(part!.content)).toEqual({ width: image.width * 2, height: image.height * 2 });
    }
    // Each image's alt is the chart's generated description (what a screen reader says on the dashboard), escaped.
    const alts = [...html.matchAll(/<img src="cid:chart-([a-z-]+)@logscope"[^>]* alt="([^"]*)"/g)].map((m) => ({ chart: m[1]!, alt: m[2]! }));
    expect(alts.map((a) => a.chart)).toEqual(images.map((i) => i.src.slice('cid:chart-'.length, -'@logscope'.length)));
    expect(alts.find((a) => a.chart === 'events')?.alt).toBe('Events over time, 03-06 09:00 – 03-07 08:45 Asia/Seoul (UTC+09:00), peak 123 at 03-06 13:00. Series: 2xx, 3xx, 4xx, 5xx.');
    expect(alts.find((a) => a.chart === 'top-endpoints')?.alt).toBe('Busiest endpoints: 20 entries, the largest /api/v1/products/{id} (1,001).');
    for (const { alt } of alts) expect(alt).not.toMatch(/[<>]/);
    // Nothing remote and nothing that runs.
    expect(html).not.toMatch(/<script|src="https?:|href=|<link|@import|url\(/i);
    // Short lines on the wire: every part is encoded (quoted-printable or base64) to 76 characters.
    const raw = server.messages[0]!.raw.toString('latin1');
    expect(Math.max(...raw.split('\r\n').map((line) => line.length))).toBeLessThanOrEqual(78);
    expect(mail.subject).toBe('svc · Last 24 hours');
    expect(mail.from?.text).toBe('"Logscope" <logscope@example.test>');
  });

  it('When read, Then the key figures in the HTML and the text part equal DuckDB computing them from the rows', async () => {
    const figures = async (from: string, to: string) => {
      const { rows } = await api.call('query.run', {
        sql: `SELECT count(*), count(*) FILTER (WHERE status >= 500), count(status), quantile_cont(latency_ms, 0.5), quantile_cont(latency_ms, 0.95),
                quantile_cont(latency_ms, 0.99), count(DISTINCT client_ip)
              FROM svc WHERE time >= TIMESTAMP '${from}' AND time < TIMESTAMP '${to}'`,
      });
      const [events, errors, base, p50, p95, p99, clients] = rows[0]!.map(Number) as number[];
      return { events: events!, rate: errors! / base!, p50: p50!, p95: p95!, p99: p99!, clients: clients! };
    };
    const day = await figures('2024-03-06 00:00:00', '2024-03-07 00:00:00');
    const before = await figures('2024-03-05 00:00:00', '2024-03-06 00:00:00');
    const expected = {
      events: [formatCount(day.events, 'en'), formatCount(before.events, 'en')],
      errorRate: [formatRate(day.rate, 'en'), formatRate(before.rate, 'en')],
      p50: [formatMs(day.p50, 'en'), formatMs(before.p50, 'en')],
      p95: [formatMs(day.p95, 'en'), formatMs(before.p95, 'en')],
      p99: [formatMs(day.p99, 'en'), formatMs(before.p99, 'en')],
      clients: [formatCount(day.clients, 'en'), formatCount(before.clients, 'en')],
    };
    const labels = { events: 'Events', errorRate: 'Error rate', p50: 'Latency p50', p95: 'Latency p95', p99: 'Latency p99', clients: 'Distinct clients' };
    for (const [id, [value, previous]] of Object.entries(expected)) {
      expect(figureCell(html, id), id).toContain(`|${value}|`);
      expect(figureCell(html, id), id).toContain(`before: ${previous}`);
      expect(mail.text, id).toContain(`${labels[id as keyof typeof labels]}: ${value} (`);
      expect(mail.text, id).toContain(`before: ${previous})`);
    }
    expect(mail.text).toContain('Last 24 hours: 2024-03-06 09:00 – 2024-03-07 08:59 Asia/Seoul (UTC+09:00)');
    expect(mail.text).toContain('The newest row is from 2024-03-07 08:5');
  });

  it('When a log line holds a <script> or an <img onerror>, Then it arrives as text', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;');
    expect(html).toContain('&lt;img src=x onerror=alert(');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<img src=x/);
    // The plain text part has the same words, as they are.
    expect(mail.text).toContain(hostileMessage.replace('pwned', '<*>'));
    expect(mail.text).toContain(hostileImage.replace('1', '<*>'));
  });

  it('When the tables are attached as CSV, Then a cell a spreadsheet would run as a formula is neutralised', () => {
    const csv = mail.attachments.find((a) => a.filename === 'svc-top-endpoints-2024-03-08.csv');
    expect(csv?.contentType).toBe('text/csv');
    const text = csv!.content.toString('utf8');
    expect(text).toContain("'={id}+{id},");
    expect(text.split('\r\n').some((line) => /^[=+\-@]/.test(line))).toBe(false);
    const patterns = mail.attachments.find((a) => a.filename === 'svc-top-error-patterns-2024-03-08.csv')!.content.toString('utf8');
    expect(patterns).toContain('"<script>alert(""<*>"")</script> export failed",400,0');
  });

  it('When the report is attached as a file, Then it holds every chart as embedded PNG data and nothing remote or runnable', () => {
    const file = mail.attachments.find((a) => a.filename === 'svc-report-2024-03-08.html')!.content.toString('utf8');
    expect(file.match(/<img src="data:image\/png;base64,/g)).toHaveLength(9);
    expect(file).not.toContain('cid:');
    expect(file).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'">`);
    expect(file).not.toMatch(/<script|src="https?:|href=/i);
    expect(mail.attachments.filter((a) => a.contentDisposition === 'attachment' && a.contentType === 'image/png')).toHaveLength(9);
  });

  it('When it is asked in Korean, Then the labels are Korean in both parts', async () => {
    await api.call('reports.send', { spec: spec({ language: 'ko', attachments: { html: false, csv: false, png: false } }) });
    const korean = await received(1);
    expect(String(korean.html)).toContain('<html lang="ko">');
    for (const label of ['주요 지표', '이벤트 수', '오류율', '상위 엔드포인트', '상위 오류 패턴']) expect(String(korean.html), label).toContain(label);
    expect(korean.text).toContain('최근 24시간: 2024-03-06 09:00 – 2024-03-07 08:59 Asia/Seoul (UTC+09:00)');
    expect(korean.text).toMatch(/이벤트 수: [\d,]+ \(/);
    expect(korean.subject).toBe('svc · 최근 24시간');
  });

  it('When it was sent, Then the history says to whom, when, and how it went', async () => {
    const history = await api.call('reports.history', {});
    expect(history[history.length - 1]).toMatchObject({ kind: 'report', dataset: 'svc', recipients: ['ops@example.test'], outcome: 'sent', startedAt: now.toISOString(), attempts: 1 });
    expect(history[history.length - 1]!.messageId).toBe(mail.messageId);
  });
});

describe('sending that goes wrong', () => {
  const countBefore = () => ({ messages: server.messages.length, ...server.stats });

  it('When the password is wrong, Then it fails at once with the server’s words and nothing is sent', async () => {
    const wrong = await smtpAccount({ name: 'wrong-password', password: 'nope' });
    const before = countBefore();
    const sent = await api.call('reports.send', { spec: spec({ smtpAccountId: wrong.id, attachments: { html: false, csv: false, png: false } }) });
    expect(sent).toMatchObject({ outcome: 'failed', attempts: 1, error: { code: 'smtp_auth_failed', params: { host: '127.0.0.1', user: 'alice' } } });
    expect(String(sent.error!.params.response)).toContain('535');
    expect(server.stats.authFailures).toBe(before.authFailures + 1);
    expect(server.messages.length).toBe(before.messages);
  });

  it('When a recipient is refused, Then the others get it and the refusal is said in the server’s words; with nobody left, nothing is sent', async () => {
    server.setBehaviours({ rejectRecipients: ['nobody@example.test'] });
    try {
      const before = countBefore();
      const partly = await api.call('reports.send', { spec: spec({ attachments: { html: false, csv: false, png: false } }), to: ['ops@example.test', 'nobody@example.test'] });
      expect(partly).toMatchObject({ outcome: 'partial', accepted: ['ops@example.test'], rejected: [{ address: 'nobody@example.test' }], error: { code: 'report_partly_sent' } });
      expect(partly.rejected[0]!.response).toContain('550');
      expect(partly.rejected[0]!.response).toContain('Recipient address rejected');
      expect((await server.waitForMessages(before.messages + 1))[before.messages]!.envelope.rcptTo).toEqual(['ops@example.test']);

      const refused = await api.call('reports.send', { spec: spec({ attachments: { html: false, csv: false, png: false } }), to: ['nobody@example.test'] });
      expect(refused).toMatchObject({ outcome: 'failed', attempts: 1, error: { code: 'smtp_recipients_refused' } });
      expect(String(refused.error!.params.response)).toContain('Recipient address rejected');
      expect(server.stats.dataAttempts).toBe(before.dataAttempts + 1);
    } finally {
      server.setBehaviours({});
    }
  });

  it('When an address is not an address, Then nothing is even connected', async () => {
    const before = countBefore();
    const error = await api.call('reports.send', { spec: spec(), to: ['not-an-address'] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'invalid_input' });
    const saved = await api.call('reports.send', { spec: spec({ recipients: [] }) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(saved).toMatchObject({ code: 'report_no_recipients' });
    expect(server.stats.connections).toBe(before.connections);
  });

  it('When the connection drops in the middle of the message data, Then it is tried again and delivered once', async () => {
    server.setBehaviours({ dropDuringData: { attempts: 1, afterBytes: 4096 } });
    try {
      const before = countBefore();
      const sent = await api.call('reports.send', { spec: spec() });
      expect(sent).toMatchObject({ outcome: 'sent', attempts: 2 });
      // The report with its attachments is megabytes: far more than was sent when the line dropped.
      expect(sent.bytes).toBeGreaterThan(2_000_000);
      expect(server.stats).toMatchObject({ dataAttempts: before.dataAttempts + 2, droppedDuringData: before.droppedDuringData + 1, accepted: before.accepted + 1 });
      expect(server.messages.length).toBe(before.messages + 1);
      const delivered = await received(before.messages);
      expect(delivered.messageId).toBe(sent.messageId);
      expect(server.messages[before.messages]!.acknowledged).toBe(true);
    } finally {
      server.setBehaviours({});
    }
  });

  it('When the connection drops after the end of the data, before the reply, Then it is reported as possibly delivered and not sent again', async () => {
    server.setBehaviours({ dropAfterData: { attempts: 1 } });
    try {
      const before = countBefore();
      const sent = await api.call('reports.send', { spec: spec({ attachments: { html: false, csv: false, png: false } }) });
      expect(sent).toMatchObject({ outcome: 'possibly_delivered', attempts: 1, serverMessageId: null, error: { code: 'smtp_possibly_delivered', params: { host: '127.0.0.1' } } });
      // The server holds it (unanswered); there was no second attempt.
      expect(server.stats.dataAttempts).toBe(before.dataAttempts + 1);
      expect(server.stats.droppedAfterData).toBe(before.droppedAfterData + 1);
      expect(server.messages.length).toBe(before.messages + 1);
      expect(server.messages[before.messages]!.acknowledged).toBe(false);
      const history = await api.call('reports.history', { limit: 1 });
      expect(history[0]).toMatchObject({ outcome: 'possibly_delivered', messageId: sent.messageId });
    } finally {
      server.setBehaviours({});
    }
  });

  it('When the server is down, Then it says the connection was refused, without retrying', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await smtpAccount({ name: 'down', port });
    const sent = await api.call('reports.send', { spec: spec({ smtpAccountId: down.id, attachments: { html: false, csv: false, png: false } }) });
    expect(sent).toMatchObject({ outcome: 'failed', attempts: 1, error: { code: 'smtp_connection_refused', params: { host: '127.0.0.1', port } } });
  });
});

/** A server that answers the message data with the given replies in turn (then 250), for the 4xx/5xx cases. */
async function replyingServer(replies: { code: number; text: string }[]) {
  let data = 0;
  const server = new SMTPServer({
    key: fs.readFileSync(cert.keyPath),
    cert: fs.readFileSync(cert.certPath),
    authMethods: ['PLAIN'],
    logger: false,
    disableReverseLookup: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        const reply = replies[data++];
        callback(reply ? Object.assign(new Error(reply.text), { responseCode: reply.code }) : null);
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.server.once('listening', resolve));
  return { port: (server.server.address() as net.AddressInfo).port, attempts: () => data, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('replies that put the message off or refuse it', () => {
  const small = { html: false, csv: false, png: false };

  it('When the server answers 4xx, Then the message is tried again (bounded) and delivered; put off every time, it fails with the server’s words', async () => {
    const busy = await replyingServer([{ code: 451, text: 'Try again later, greylisted' }]);
    try {
      const account = await smtpAccount({ name: 'greylisting', port: busy.port });
      expect(await api.call('reports.send', { spec: spec({ smtpAccountId: account.id, attachments: small }) })).toMatchObject({ outcome: 'sent', attempts: 2 });
      expect(busy.attempts()).toBe(2);
    } finally {
      await busy.stop();
    }
    const full = await replyingServer(Array(5).fill({ code: 452, text: 'Mailbox full' }));
    try {
      const account = await smtpAccount({ name: 'always-busy', port: full.port });
      const sent = await api.call('reports.send', { spec: spec({ smtpAccountId: account.id, attachments: small }) });
      expect(sent).toMatchObject({ outcome: 'failed', attempts: 3, error: { code: 'smtp_temporary_failure', params: { attempts: 3 } } });
      expect(String(sent.error!.params.response)).toBe('452 Mailbox full');
      expect(full.attempts()).toBe(3);
    } finally {
      await full.stop();
    }
  });

  it('When the server answers 5xx, Then it is reported at once with the server’s words, not tried again', async () => {
    const refusing = await replyingServer([{ code: 554, text: 'Message looks like spam' }]);
    try {
      const account = await smtpAccount({ name: 'refusing', port: refusing.port });
      const sent = await api.call('reports.send', { spec: spec({ smtpAccountId: account.id, attachments: small }) });
      expect(sent).toMatchObject({ outcome: 'failed', attempts: 1, error: { code: 'smtp_message_refused', params: { response: '554 Message looks like spam' } } });
      expect(refusing.attempts()).toBe(1);
    } finally {
      await refusing.stop();
    }
  });
});

describe('SMTP accounts', () => {
  it('When the server speaks implicit TLS, Then a test message goes through it', async () => {
    const secure = await startSmtpServer({ users: [alice], cert, secure: true });
    try {
      const account = await smtpAccount({ name: 'implicit', port: secure.port, security: 'tls' });
      const result = await api.call('smtp.accounts.test', { id: account.id, to: 'ops@example.test' });
      expect(result).toMatchObject({ ok: true, secure: true, sent: { to: 'ops@example.test' }, store: { store: 'file' } });
      const [message] = await secure.waitForMessages(1);
      expect((await simpleParser(message!.raw)).subject).toBe('Logscope test message');
    } finally {
      await secure.stop();
    }
  });

  it('When the certificate is not trusted, Then it is refused with its fingerprint; pinned, it is accepted (also over STARTTLS)', async () => {
    const untrusted = await smtpAccount({ name: 'system-trust', trust: { kind: 'system' } });
    const refused = await api.call('smtp.accounts.test', { id: untrusted.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'smtp_tls_failed', params: { fingerprint: cert.fingerprint256 } }, certificate: { fingerprint256: cert.fingerprint256 } });
    const pinned = await smtpAccount({ name: 'pinned', trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 } });
    expect(await api.call('smtp.accounts.test', { id: pinned.id })).toMatchObject({ ok: true, secure: true, error: null });
  });

  it('When an account is used by a report, Then it cannot be removed', async () => {
    await api.call('reports.create', { ...spec(), name: 'daily' });
    const error = await api.call('smtp.accounts.remove', { id: accountId }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'smtp_account_in_use', params: { users: 'report daily' } });
  });
});

describe('the charts of the saved dashboard', () => {
  it('When the dashboard hides a chart, reorders them and has a builder chart, Then the report shows the same, in that order', async () => {
    await api.call('dashboards.save', {
      datasetId,
      layout: { items: [{ kind: 'standard', chart: 'errors' }, { kind: 'standard', chart: 'events' }, { kind: 'standard', chart: 'heatmap', hidden: true }] },
    });
    const saved = await api.call('dashboards.addChart', {
      datasetId,
      title: 'p95 latency by level',
      spec: { kind: 'builder', type: 'line', x: { kind: 'time', bucket: 'auto' }, y: ['latency_ms'], aggregate: 'p95', groupBy: ['level'], filters: [], limit: 20 },
    });
    const custom = saved.layout.items.find((item) => item.kind === 'custom')!;
    const preview = await api.call('reports.preview', { spec: spec({ attachments: { html: false, csv: false, png: false } }) });
    const charts = preview.attachments.filter((a) => a.inline).map((a) => a.fileName);
    // The dashboard's own order: its items, then the standard charts it does not mention.
    expect(charts).toEqual([
      'errors.png',
      'events.png',
      `custom-${custom.chart.id}.png`,
      'latency.png',
      'status.png',
      'top-endpoints.png',
      'slow-endpoints.png',
      'histogram.png',
      'patterns.png',
    ]);
    expect(preview.html).toContain('>p95 latency by level</div>');
    // A report that names its charts takes those, whatever the dashboard shows.
    const named = await api.call('reports.preview', { spec: spec({ charts: ['heatmap', `custom:${custom.chart.id}`, 'no-such-chart'] }) });
    expect(named.attachments.filter((a) => a.inline).map((a) => a.fileName)).toEqual(['heatmap.png', `custom-${custom.chart.id}.png`]);
    expect(named.notes).toContain('The chart “no-such-chart” cannot be drawn by this version and is left out.');
    await api.call('dashboards.reset', { datasetId });
  });
});

describe('saved reports', () => {
  it('When a saved report is changed, Then only the fields given change', async () => {
    const created = await api.call('reports.create', { ...spec({ period: { kind: '7d' }, language: 'ko', subject: '{report}: {date}' }), name: 'weekly' });
    const updated = await api.call('reports.update', { id: created.id, recipients: ['lead@example.test'] });
    expect(updated).toMatchObject({ name: 'weekly', period: { kind: '7d' }, language: 'ko', subject: '{report}: {date}', recipients: ['lead@example.test'], smtpAccountId: accountId });
    const renamed = api.call('reports.update', { id: created.id, name: 'DAILY' });
    await expect(renamed).rejects.toMatchObject({ code: 'report_name_taken' });
  });

  it('When a saved report is sent, Then the subject template is filled and the history knows the report', async () => {
    const weekly = (await api.call('reports.list', {})).find((r) => r.name === 'weekly')!;
    const before = server.messages.length;
    const sent = await api.call('reports.send', { reportId: weekly.id });
    expect(sent).toMatchObject({ outcome: 'sent', reportId: weekly.id, name: 'weekly', subject: 'weekly: 2024-03-08', recipients: ['lead@example.test'] });
    expect((await received(before)).subject).toBe('weekly: 2024-03-08');
    expect((await api.call('reports.list', {})).find((r) => r.name === 'weekly')!.lastSend).toMatchObject({ outcome: 'sent' });
    expect(await api.call('reports.history', { reportId: weekly.id })).toHaveLength(1);
  });

  it('When a job sends a saved report, Then the run says to whom; a report that cannot be sent fails the run with the reason', async () => {
    const weekly = (await api.call('reports.list', {})).find((r) => r.name === 'weekly')!;
    const job = await api.call('jobs.create', { name: 'weekly mail', target: { kind: 'report', reportId: weekly.id }, schedule: { kind: 'cron', expression: '0 9 * * 1', timeZone: 'Asia/Seoul' } });
    expect(await api.call('jobs.runNow', { id: job.id })).toMatchObject({ outcome: 'succeeded', message: 'weekly sent to lead@example.test' });
    expect((await api.call('reports.history', { reportId: weekly.id, limit: 1 }))[0]).toMatchObject({ trigger: 'schedule', outcome: 'sent' });

    server.setBehaviours({ rejectRecipients: ['lead@example.test'] });
    try {
      const failed = await api.call('jobs.runNow', { id: job.id });
      expect(failed.outcome).toBe('failed');
      expect(failed.error?.code).toBe('smtp_recipients_refused');
      expect(failed.message).toMatch(/^The SMTP server refused every recipient: .*Recipient address rejected/);
    } finally {
      server.setBehaviours({});
    }
    await expect(api.call('reports.remove', { id: weekly.id })).rejects.toMatchObject({ code: 'report_in_use', params: { jobs: 'weekly mail' } });
  });
});
