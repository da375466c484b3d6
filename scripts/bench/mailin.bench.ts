import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ImapFlow, type MessageStructureObject } from 'imapflow';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import { createSecretStore } from '../../src/main/services/secrets/secrets';
import type { MailFetchResult } from '../../src/shared/api/contract/mail';
import { createTestCertificate } from '../../test/servers/certs';
import { startDovecot } from '../../test/servers/dovecot';
import { buildMessage, csvLog } from '../../test/integration/support/mailFixtures';
import { median, printTable, saveResults } from './lib';

/**
 * Mail-in (issue 9): 500 messages with a 200 KB attachment each in a throw-away Dovecot.
 * The download phase of Logscope's first fetch against a bare imapflow script downloading
 * the same parts in the same run; the import phase on its own; bytes read from the server
 * per decoded attachment byte (with BINARY, and as base64 and whole messages for contrast);
 * and a repeated fetch. Figures come from imapflow's own byte count and from a counting TCP
 * proxy in front of the server (TLS records, so a little more). Push collection (issue 22):
 * the time from an APPEND to the attachment's rows in the dataset while a listener idles on
 * a second, empty mailbox, and the bytes a fetch reads after the pushes.
 */

const messages = Number(process.env.LOGSCOPE_BENCH_MAIL_MESSAGES ?? 500);
const attachmentBytes = Number(process.env.LOGSCOPE_BENCH_MAIL_ATTACHMENT_BYTES ?? 200 * 1024);
/** Logscope first fetches (each imports every attachment: minutes); the bare script runs 3 times as many. */
const rounds = Number(process.env.LOGSCOPE_BENCH_MAIL_ROUNDS ?? 1);
/** Messages appended one at a time while a listener idles: the IDLE latency samples. */
const idleSamples = Number(process.env.LOGSCOPE_BENCH_MAIL_IDLE_SAMPLES ?? 7);
const user = { user: 'bench', password: 'bench-password' };
/** The push listener's mailbox, empty at the start so its first fetch finds nothing. */
const pushUser = { user: 'push', password: 'push-password' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-mailin-bench-'));

/** A CSV attachment of about `attachmentBytes`, distinct per message. */
function attachment(seed: number): Buffer {
  const probe = csvLog(100, seed);
  const rows = Math.max(1, Math.round((attachmentBytes / probe.length) * 100));
  return csvLog(rows, seed).subarray(0, attachmentBytes);
}

/** Counts server→client bytes of every connection through it. */
async function countingProxy(target: number) {
  let received = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    upstream.on('data', (chunk: Buffer) => (received += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    take() {
      const value = received;
      received = 0;
      return value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attachmentParts(node: MessageStructureObject | undefined): string[] {
  if (!node) return [];
  if (node.childNodes?.length) return node.childNodes.flatMap(attachmentParts);
  return node.dispositionParameters?.filename || node.parameters?.name ? [node.part ?? '1'] : [];
}

/**
 * The bare script: what anyone would write with imapflow alone. List the structure, then
 * download each attachment part to a file (imapflow's default window of 64 KB).
 */
async function bareDownload(port: number, ca: string, mode: 'binary' | 'base64' | 'whole', chunkSize?: number) {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: true, tls: { ca }, auth: { user: user.user, pass: user.password }, logger: false, disableAutoIdle: true });
  await client.connect();
  const started = performance.now();
  let decoded = 0;
  const lock = await client.getMailboxLock('INBOX', { readOnly: true });
  try {
    const uids = (await client.search({ all: true }, { uid: true })) || [];
    const listed = await client.fetchAll(uids.join(','), { uid: true, bodyStructure: true }, { uid: true });
    for (const message of listed) {
      for (const part of mode === 'whole' ? [undefined] : attachmentParts(message.bodyStructure)) {
        const download = await client.download(String(message.uid), part, { uid: true, binary: mode === 'binary', ...(chunkSize ? { chunkSize } : {}) });
        // To a file, as Logscope does, so both sides pay for the disk.
        const target = path.join(work, `bare-${message.uid}`);
        await pipeline(download.content!, fs.createWriteStream(target));
        decoded += fs.statSync(target).size;
        fs.rmSync(target);
      }
    }
  } finally {
    lock.release();
  }
  const elapsedMs = performance.now() - started;
  const received = client.stats().received;
  await client.logout();
  return { elapsedMs, received, decoded };
}

async function openCore(dir: string, ownerKind: 'cli' | 'serve' = 'cli'): Promise<AppCore> {
  const core = await openAppCore({
    dataDir: dir,
    ownerKind,
    memoryLimit: '2GB',
    // The bench needs no keychain: the throw-away password goes to a 0600 file in the work folder.
    secretStore: createSecretStore({ loadKeytar: () => Promise.reject(new Error('not used by the bench')) }),
  });
  if ('served' in core) throw new Error('bench data folder is in use');
  return core;
}

async function logscopeFetch(dir: string, port: number, fingerprint256: string, repeat: boolean): Promise<MailFetchResult[]> {
  const core = await openCore(dir);
  try {
    const api = createLocalApi(core.rpc, core.events);
    const account = await api.call('mail.accounts.create', {
      host: '127.0.0.1',
      port,
      user: user.user,
      trust: { kind: 'pinned', fingerprint256 },
      secret: { store: 'file', path: path.join(dir, 'imap.pw'), password: user.password },
    });
    const rule = await api.call('mail.rules.create', { name: 'bench', accountId: account.id, attachmentPatterns: ['*.csv'], dataset: 'mail_bench' });
    const results = [await api.call('mail.fetch', { jobId: 'bench-1', ruleId: rule.id })];
    if (repeat) results.push(await api.call('mail.fetch', { jobId: 'bench-2', ruleId: rule.id }));
    return results;
  } finally {
    await core.dispose();
  }
}

/**
 * Push collection as `logscope serve` runs it: a listener idles on the push mailbox; each
 * sample APPENDs one message and waits for its row count in the dataset. Then one ordinary
 * fetch of the same rule, which should find nothing and read next to nothing.
 */
async function idleLatency(dir: string, port: number, ca: string, fingerprint256: string) {
  const core = await openCore(dir, 'serve');
  const appender = new ImapFlow({ host: '127.0.0.1', port, secure: true, tls: { ca }, auth: { user: pushUser.user, pass: pushUser.password }, logger: false, disableAutoIdle: true });
  try {
    const api = createLocalApi(core.rpc, core.events);
    const account = await api.call('mail.accounts.create', {
      host: '127.0.0.1',
      port,
      user: pushUser.user,
      trust: { kind: 'pinned', fingerprint256 },
      secret: { store: 'file', path: path.join(dir, 'push.pw'), password: pushUser.password },
    });
    const rule = await api.call('mail.rules.create', { name: 'push', accountId: account.id, attachmentPatterns: ['*.csv'], dataset: 'mail_push' });
    const live = new Promise<void>((resolve) =>
      core.events.on('mail.listeners.changed', ({ listeners }) => listeners.some((l) => l.ruleId === rule.id && l.state === 'live') && resolve()),
    );
    await core.mailListeners.start();
    await live;
    // The catch-up fetch that follows every connection, so the first sample does not wait for it.
    await core.mailIn.fetchFinished(rule.id);
    await appender.connect();
    const collected = async () => (await api.call('mail.collected', { limit: 1 })).total;
    const latenciesMs: number[] = [];
    for (let i = 0; i < idleSamples; i++) {
      const arrived = new Promise<number>((resolve) => {
        const off = core.events.on('datasets.changed', () => {
          void collected().then((total) => {
            if (total <= i) return;
            off();
            resolve(performance.now());
          });
        });
      });
      const started = performance.now();
      await appender.append('INBOX', buildMessage({ subject: `pushed ${i}`, messageId: `<push-${i}@server01>`, attachments: [{ name: `push-${i}.csv`, content: csvLog(200, 5000 + i), contentType: 'text/csv' }] }));
      latenciesMs.push((await arrived) - started);
    }
    await core.mailIn.fetchFinished(rule.id);
    const after = await api.call('mail.fetch', { jobId: 'bench-after-push', ruleId: rule.id });
    if (after.imported !== 0 || (await collected()) !== idleSamples) throw new Error(`push imported ${await collected()} of ${idleSamples}, the fetch after it ${after.imported}`);
    return { latenciesMs, fetchAfter: { received: after.bytesFromServer, ms: after.timings.connectMs + after.timings.listMs + after.timings.downloadMs + after.timings.importMs } };
  } finally {
    if (appender.usable) await appender.logout();
    await core.dispose();
  }
}

const certificate = await createTestCertificate(work);
const dovecot = await startDovecot({ users: [user, pushUser], cert: certificate });
const proxy = await countingProxy(dovecot.imapsPort);
try {
  process.stdout.write(`filling the mailbox: ${messages} messages with a ${Math.round(attachmentBytes / 1024)} KB attachment each…\n`);
  const filler = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.imapsPort,
    secure: true,
    tls: { ca: certificate.caPem },
    auth: { user: user.user, pass: user.password },
    logger: false,
    disableAutoIdle: true,
  });
  await filler.connect();
  let decodedTotal = 0;
  for (let i = 0; i < messages; i++) {
    const content = attachment(1000 + i);
    decodedTotal += content.length;
    await filler.append('INBOX', buildMessage({ subject: `nightly ${i}`, messageId: `<bench-${i}@server01>`, attachments: [{ name: `access-${i}.csv`, content, contentType: 'text/csv' }] }));
  }
  await filler.logout();

  // Warm the server's caches once, so neither side pays for a cold disk.
  await bareDownload(proxy.port, certificate.caPem, 'binary');
  proxy.take();

  const bare: { ms: number; received: number; wire: number }[] = [];
  /** The same script with Logscope's 2 MB window: the like-for-like overhead. */
  const bareWide: number[] = [];
  const first: { listMs: number; downloadMs: number; importMs: number; received: number; decoded: number; wire: number; connectMs: number }[] = [];
  let repeated: { ms: number; received: number; wire: number } | null = null;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 3; i++) {
      const b = await bareDownload(proxy.port, certificate.caPem, 'binary');
      bare.push({ ms: b.elapsedMs, received: b.received, wire: proxy.take() });
      if (b.decoded !== decodedTotal) throw new Error(`bare download got ${b.decoded} bytes, expected ${decodedTotal}`);
      bareWide.push((await bareDownload(proxy.port, certificate.caPem, 'binary', 2 * 1024 * 1024)).elapsedMs);
      proxy.take();
    }

    const dir = path.join(work, `logscope-${round}`);
    const [fetched, again] = await logscopeFetch(dir, proxy.port, certificate.fingerprint256, round === 0);
    const wire = proxy.take();
    if (!fetched || fetched.imported !== messages || fetched.bytesDownloaded !== decodedTotal) {
      throw new Error(`Logscope imported ${fetched?.imported} of ${messages} (${fetched?.bytesDownloaded} bytes): ${JSON.stringify(fetched?.failures.slice(0, 3))}`);
    }
    // The repeated fetch's bytes went through the proxy too: split them off by imapflow's count.
    const againWire = again ? Math.round((wire * again.bytesFromServer) / (fetched.bytesFromServer + again.bytesFromServer)) : 0;
    first.push({
      connectMs: fetched.timings.connectMs,
      listMs: fetched.timings.listMs,
      downloadMs: fetched.timings.downloadMs,
      importMs: fetched.timings.importMs,
      received: fetched.bytesFromServer,
      decoded: fetched.bytesDownloaded,
      wire: wire - againWire,
    });
    if (again) repeated = { ms: again.timings.connectMs + again.timings.listMs + again.timings.downloadMs + again.timings.importMs, received: again.bytesFromServer, wire: againWire };
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const push = await idleLatency(path.join(work, 'logscope-push'), dovecot.imapsPort, certificate.caPem, certificate.fingerprint256);

  const base64 = await bareDownload(proxy.port, certificate.caPem, 'base64');
  const base64Wire = proxy.take();
  const whole = await bareDownload(proxy.port, certificate.caPem, 'whole');
  const wholeWire = proxy.take();

  const bareMs = median(bare.map((b) => b.ms));
  const logscopeMs = median(first.map((f) => f.listMs + f.downloadMs));
  const bareWideMs = median(bareWide);
  const mb = decodedTotal / 1e6;
  printTable(`download phase: ${messages} attachments, ${mb.toFixed(1)} MB decoded (medians: bare ${bare.length} runs, Logscope ${rounds})`, [
    { side: 'bare imapflow (BINARY, 64 KB windows)', 'list + download s': bareMs / 1000, 'MB/s': mb / (bareMs / 1000) },
    { side: 'bare imapflow (BINARY, 2 MB windows as Logscope)', 'list + download s': bareWideMs / 1000, 'MB/s': mb / (bareWideMs / 1000) },
    { side: 'Logscope first fetch', 'list + download s': logscopeMs / 1000, 'MB/s': mb / (logscopeMs / 1000) },
    { side: 'ratio Logscope / bare (goal ≤ 1.3)', 'list + download s': logscopeMs / bareMs, 'MB/s': '' },
    { side: 'ratio Logscope / bare with the same window', 'list + download s': logscopeMs / bareWideMs, 'MB/s': '' },
  ]);
  const importMs = median(first.map((f) => f.importMs));
  printTable('import phase of the first fetch (the importer, one transaction per attachment)', [
    { 'attachments': messages, 'import s': importMs / 1000, 'ms per attachment': importMs / messages, 'MB/s': mb / (importMs / 1000) },
  ]);
  const f0 = first[0]!;
  printTable('bytes read from the server ÷ decoded attachment bytes (goal ≤ 1.1 with BINARY)', [
    { fetch: 'Logscope first fetch (BINARY)', 'imapflow count': f0.received / decodedTotal, 'TCP proxy (TLS)': f0.wire / decodedTotal },
    { fetch: 'bare, BINARY', 'imapflow count': bare[0]!.received / decodedTotal, 'TCP proxy (TLS)': bare[0]!.wire / decodedTotal },
    { fetch: 'bare, base64 (no BINARY)', 'imapflow count': base64.received / decodedTotal, 'TCP proxy (TLS)': base64Wire / decodedTotal },
    { fetch: 'whole messages every run (the seed)', 'imapflow count': whole.received / decodedTotal, 'TCP proxy (TLS)': wholeWire / decodedTotal },
  ]);
  if (repeated) {
    printTable('repeated fetch (nothing new)', [
      { 'bytes from server': repeated.received, 'TCP bytes': repeated.wire, 'seconds': repeated.ms / 1000, 'share of first fetch': repeated.received / f0.received },
    ]);
  }
  printTable(`push collection: APPEND → rows in the dataset while the rule idles (${idleSamples} messages, one at a time)`, [
    { 'median ms': median(push.latenciesMs), 'min ms': Math.min(...push.latenciesMs), 'max ms': Math.max(...push.latenciesMs), 'fetch after: bytes from server': push.fetchAfter.received },
  ]);
  saveResults('mailin', {
    messages,
    attachmentBytes,
    decodedTotal,
    rounds,
    bareDownloadMs: bare.map((b) => b.ms),
    logscopeListAndDownloadMs: first.map((f) => f.listMs + f.downloadMs),
    bareDownloadSameWindowMs: bareWide,
    downloadRatio: logscopeMs / bareMs,
    downloadRatioSameWindow: logscopeMs / bareWideMs,
    importMs: first.map((f) => f.importMs),
    bytesPerDecodedByte: {
      logscope: f0.received / decodedTotal,
      logscopeWire: f0.wire / decodedTotal,
      bareBinary: bare[0]!.received / decodedTotal,
      bareBase64: base64.received / decodedTotal,
      wholeMessages: whole.received / decodedTotal,
    },
    repeatedFetch: repeated,
    idleLatencyMs: push.latenciesMs,
    idleLatencyMedianMs: median(push.latenciesMs),
    fetchAfterPush: push.fetchAfter,
  });
} finally {
  await proxy.close();
  await dovecot.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
