import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { startDropProxy, type DropProxy } from '../servers/proxy';
import { startSmtpServer, type SmtpBehaviours, type TestSmtpServer } from '../servers/smtp';

const alice = { user: 'alice', password: 'wonder-land' };
const bob = { user: 'bob', password: 'builder' };

let certDir: string;
let cert: TestCertificate;
let dovecot: DovecotServer;
const smtpServers: TestSmtpServer[] = [];
const proxies: DropProxy[] = [];

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-cert-'));
  cert = await createTestCertificate(certDir);
  dovecot = await startDovecot({ users: [alice, bob], cert });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all(smtpServers.map((s) => s.stop()));
  await dovecot?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

function rawMessage(subject: string, body = 'Hello from the test.\r\n'): string {
  return [
    'From: Alice <alice@example.test>',
    'To: Bob <bob@example.test>',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replaceAll(' ', '-')}@example.test>`,
    'Date: Tue, 25 Nov 2025 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
  ].join('\r\n');
}

const login = (u: { user: string; password: string }) => ({ user: u.user, pass: u.password });

function imapClient(options: Partial<ImapFlowOptions>): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.imapsPort,
    secure: true,
    tls: { ca: cert.caPem },
    auth: { user: alice.user, pass: alice.password },
    logger: false,
    ...options,
  } as ImapFlowOptions);
}

async function subjectsInInbox(client: ImapFlow): Promise<string[]> {
  const lock = await client.getMailboxLock('INBOX');
  try {
    const subjects: string[] = [];
    for await (const message of client.fetch('1:*', { envelope: true })) {
      subjects.push(message.envelope?.subject ?? '');
    }
    return subjects;
  } finally {
    lock.release();
  }
}

describe('createTestCertificate', () => {
  it('When a client trusts the test CA, Then the server certificate verifies for 127.0.0.1 and its fingerprint matches', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: dovecot.imapsPort, ca: cert.caPem });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().fingerprint256).toBe(cert.fingerprint256);
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    socket.destroy();
  });

  it('When a client does not trust the test CA, Then the TLS handshake fails', async () => {
    const client = imapClient({ tls: {} });
    await expect(client.connect()).rejects.toThrow(/certificate/i);
  });
});

describe('startDovecot', () => {
  it('When a client uses STARTTLS on the plain port, Then it logs in over TLS, appends and lists the message, and sees BINARY', async () => {
    const client = imapClient({ port: dovecot.imapPort, secure: false, doSTARTTLS: true });
    await client.connect();
    try {
      expect(client.secureConnection).toBe(true);
      expect(client.capabilities.has('BINARY')).toBe(true);
      const appended = await client.append('INBOX', rawMessage('starttls append'));
      expect(appended && appended.uid).toBeGreaterThan(0);
      expect(await subjectsInInbox(client)).toContain('starttls append');
    } finally {
      await client.logout();
    }
  });

  it('When a client uses implicit TLS, Then it logs in, appends and lists the message, and sees BINARY', async () => {
    const client = imapClient({});
    await client.connect();
    try {
      expect(client.secureConnection).toBe(true);
      expect(client.capabilities.has('BINARY')).toBe(true);
      await client.append('INBOX', rawMessage('implicit append'));
      expect(await subjectsInInbox(client)).toContain('implicit append');
    } finally {
      await client.logout();
    }
  });

  it('When a client refuses STARTTLS, Then plain LOGIN still works on the plain port', async () => {
    const client = imapClient({ port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: login(bob) });
    await client.connect();
    try {
      expect(client.secureConnection).toBe(false);
      expect(client.capabilities.has('BINARY')).toBe(true);
    } finally {
      await client.logout();
    }
  });

  it('When the password is wrong, Then login fails as an authentication failure', async () => {
    const client = imapClient({ auth: { user: alice.user, pass: 'not-it' } });
    await expect(client.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });

  it('When appendMessage is used, Then the message is in the user\'s mailbox under the returned UID', async () => {
    const uid = await dovecot.appendMessage(bob.user, rawMessage('helper append'));
    const client = imapClient({ auth: login(bob) });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const message = await client.fetchOne(String(uid), { envelope: true }, { uid: true });
        expect(message && message.envelope?.subject).toBe('helper append');
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });
});

describe('startDropProxy', () => {
  it('When armed, Then a fetch through the proxy fails mid-way, and once it has dropped a reconnect downloads the whole message', async () => {
    const body = 'x'.repeat(76) + '\r\n';
    const raw = rawMessage('big one', body.repeat(4000)); // ~300 KiB
    const uid = await dovecot.appendMessage(alice.user, raw);
    const proxy = await startDropProxy(dovecot.imapsPort);
    proxies.push(proxy);

    const first = imapClient({ port: proxy.port });
    first.on('error', () => {}); // the drop is the point of this test; the fetch below asserts it
    await first.connect();
    await first.mailboxOpen('INBOX');
    proxy.arm(20_000);
    await expect(first.fetchOne(String(uid), { source: true }, { uid: true })).rejects.toThrow();
    expect(proxy.drops).toBe(1);
    first.close();

    const second = imapClient({ port: proxy.port });
    await second.connect();
    try {
      await second.mailboxOpen('INBOX');
      const message = await second.fetchOne(String(uid), { source: true }, { uid: true });
      expect(message && message.source?.length).toBe(Buffer.byteLength(raw));
    } finally {
      await second.logout();
    }
    expect(proxy.drops).toBe(1);
    expect(proxy.connections).toBe(2);
  });
});

describe('startSmtpServer', () => {
  async function smtp(options: { secure?: boolean; behaviours?: SmtpBehaviours } = {}) {
    const server = await startSmtpServer({ users: [alice], cert, ...options });
    smtpServers.push(server);
    return server;
  }

  function transport(server: TestSmtpServer, auth = alice) {
    return nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: server.secure,
      requireTLS: !server.secure,
      auth: { user: auth.user, pass: auth.password },
      tls: { ca: cert.caPem },
    });
  }

  const mail = (subject: string, to: string[] = ['bob@example.test']) => ({
    from: 'alice@example.test',
    to,
    subject,
    text: `Body of ${subject}\n`,
  });

  it('When nodemailer sends over STARTTLS with AUTH, Then the message arrives intact with its envelope', async () => {
    const server = await smtp();
    const info = await transport(server).sendMail(mail('starttls mail'));
    expect(info.accepted).toEqual(['bob@example.test']);
    const [received] = await server.waitForMessages(1);
    const parsed = await simpleParser(received!.raw);
    expect(parsed.subject).toBe('starttls mail');
    expect(parsed.text).toBe('Body of starttls mail\n');
    expect(received!.envelope).toEqual({ mailFrom: 'alice@example.test', rcptTo: ['bob@example.test'] });
    expect(received!.user).toBe('alice');
    expect(received!.acknowledged).toBe(true);
  });

  it('When the server uses implicit TLS, Then nodemailer with secure: true delivers', async () => {
    const server = await smtp({ secure: true });
    await transport(server).sendMail(mail('implicit mail'));
    const [received] = await server.waitForMessages(1);
    expect((await simpleParser(received!.raw)).subject).toBe('implicit mail');
  });

  it('When the password is wrong, Then sending fails with EAUTH and nothing arrives', async () => {
    const server = await smtp();
    await expect(transport(server, { user: 'alice', password: 'nope' }).sendMail(mail('x'))).rejects.toMatchObject({
      code: 'EAUTH',
    });
    expect(server.stats.authFailures).toBe(1);
    expect(server.messages).toHaveLength(0);
  });

  it('When a recipient is on the reject list, Then it gets 550 and the other recipient still receives', async () => {
    const server = await smtp({ behaviours: { rejectRecipients: ['Nobody@example.test'] } });
    const info = await transport(server).sendMail(mail('partly rejected', ['bob@example.test', 'nobody@example.test']));
    expect(info.rejected).toEqual(['nobody@example.test']);
    expect(info.rejectedErrors?.[0]?.responseCode).toBe(550);
    const [received] = await server.waitForMessages(1);
    expect(received!.envelope.rcptTo).toEqual(['bob@example.test']);

    await expect(transport(server).sendMail(mail('all rejected', ['nobody@example.test']))).rejects.toMatchObject({
      code: 'EENVELOPE',
    });
    expect(server.stats.rejectedRecipients).toBe(2);
  });

  it('When the connection drops during DATA, Then that attempt fails with nothing stored and the next one is delivered', async () => {
    const server = await smtp({ behaviours: { dropDuringData: { attempts: 1, afterBytes: 10 } } });
    await expect(transport(server).sendMail(mail('dropped in data'))).rejects.toThrow();
    expect(server.stats).toMatchObject({ dataAttempts: 1, droppedDuringData: 1, accepted: 0 });
    expect(server.messages).toHaveLength(0);

    await transport(server).sendMail(mail('second try'));
    const messages = await server.waitForMessages(1);
    expect(messages).toHaveLength(1);
    expect(server.stats).toMatchObject({ dataAttempts: 2, droppedDuringData: 1, accepted: 1 });
  });

  it('When the connection drops after end-of-data, Then the client sees a failure although the server holds the message once', async () => {
    const server = await smtp({ behaviours: { dropAfterData: { attempts: 1 } } });
    await expect(transport(server).sendMail(mail('kept but unanswered'))).rejects.toThrow();
    const [held] = await server.waitForMessages(1);
    expect(held!.acknowledged).toBe(false);
    expect((await simpleParser(held!.raw)).subject).toBe('kept but unanswered');
    expect(server.stats).toMatchObject({ dataAttempts: 1, droppedAfterData: 1, accepted: 0 });

    // Switch at runtime: from now on, one more drop, then normal delivery.
    server.setBehaviours({ dropAfterData: { attempts: 1 } });
    await expect(transport(server).sendMail(mail('again unanswered'))).rejects.toThrow();
    server.setBehaviours({});
    await transport(server).sendMail(mail('answered'));
    const messages = await server.waitForMessages(3);
    expect(messages.map((m) => m.acknowledged)).toEqual([false, false, true]);
    expect(server.stats).toMatchObject({ dataAttempts: 3, droppedAfterData: 2, accepted: 1 });
  });
});
