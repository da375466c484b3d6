import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import { SMTPServer, type SMTPServerError, type SMTPServerSession } from 'smtp-server';
import type { TestCertificate } from './certs';
import type { TestUser } from './dovecot';

export interface SmtpBehaviours {
  /** Recipients (case-insensitive) refused at RCPT TO with 550. */
  rejectRecipients?: string[];
  /**
   * The first `attempts` DATA transfers lose the connection after `afterBytes` bytes of the
   * message stream (default 1): the message is never complete, nothing is stored.
   */
  dropDuringData?: { attempts: number; afterBytes?: number };
  /**
   * The first `attempts` DATA transfers are read to the final "." and then the connection is
   * destroyed instead of replying: the server has the message, the client never hears 250 —
   * the RFC 5321 §4.1.1.4 duplicate risk. The message IS stored (acknowledged: false).
   */
  dropAfterData?: { attempts: number };
}

export interface ReceivedMessage {
  raw: Buffer;
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The AUTH user of the session. */
  user: string | undefined;
  /** Whether the client was sent 250 for this message. */
  acknowledged: boolean;
  /** 1-based count of DATA transfers when this one started. */
  attempt: number;
}

export interface SmtpStats {
  connections: number;
  authFailures: number;
  rejectedRecipients: number;
  /** DATA transfers started (one per onData). */
  dataAttempts: number;
  droppedDuringData: number;
  droppedAfterData: number;
  /** Messages answered with 250. */
  accepted: number;
  /** Sign-ins with XOAUTH2 that the token check accepted. */
  xoauth2Logins: number;
}

export interface TestSmtpServer {
  host: '127.0.0.1';
  port: number;
  secure: boolean;
  /** Every complete message the server holds, acknowledged or not, in arrival order. */
  readonly messages: readonly ReceivedMessage[];
  readonly stats: Readonly<SmtpStats>;
  /** Errors the server emitted (socket resets from the drop behaviours land here). */
  readonly errors: readonly Error[];
  /** Replaces the behaviours; the attempt counters of drop behaviours start again. */
  setBehaviours(behaviours: SmtpBehaviours): void;
  /** Resolves with the messages once at least `n` are held. */
  waitForMessages(n: number): Promise<readonly ReceivedMessage[]>;
  stop(): Promise<void>;
}

function smtpError(message: string, responseCode: number): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * An in-memory SMTP server on 127.0.0.1 (smtp-server): AUTH PLAIN/LOGIN against `users`,
 * STARTTLS (or implicit TLS with `secure`) with the test certificate, and switchable faults.
 */
export async function startSmtpServer({
  users,
  cert,
  secure = false,
  behaviours: initialBehaviours = {},
  oauth2,
}: {
  users: TestUser[];
  cert: TestCertificate;
  secure?: boolean;
  behaviours?: SmtpBehaviours;
  /** Also offer AUTH XOAUTH2; `userOf` says whose an access token is (null: not valid). */
  oauth2?: { userOf(accessToken: string): Promise<string | null> | string | null };
}): Promise<TestSmtpServer> {
  const [key, certPem] = await Promise.all([readFile(cert.keyPath), readFile(cert.certPath)]);
  const messages: ReceivedMessage[] = [];
  const stats: SmtpStats = {
    connections: 0,
    authFailures: 0,
    rejectedRecipients: 0,
    dataAttempts: 0,
    droppedDuringData: 0,
    droppedAfterData: 0,
    accepted: 0,
    xoauth2Logins: 0,
  };
  let behaviours: SmtpBehaviours = {};
  let dropDuringDataLeft = 0;
  let dropAfterDataLeft = 0;
  const setBehaviours = (next: SmtpBehaviours) => {
    behaviours = { ...next };
    dropDuringDataLeft = next.dropDuringData?.attempts ?? 0;
    dropAfterDataLeft = next.dropAfterData?.attempts ?? 0;
  };
  setBehaviours(initialBehaviours);

  const waiters: Array<{ n: number; resolve: (m: readonly ReceivedMessage[]) => void }> = [];
  const store = (message: ReceivedMessage) => {
    messages.push(message);
    for (const waiter of waiters.filter((w) => messages.length >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(messages);
    }
  };

  // smtp-server does not hand the socket to onData; the raw TCP socket, found by the client's
  // port, is what we destroy to cut a session (destroying it also ends a TLS layer above it).
  const rawSockets = new Map<number, net.Socket>();
  const socketOf = (session: SMTPServerSession) => rawSockets.get(session.remotePort);

  const envelopeOf = (session: SMTPServerSession): ReceivedMessage['envelope'] => ({
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
  });

  const server = new SMTPServer({
    secure,
    key,
    cert: certPem,
    authMethods: oauth2 ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    logger: false,
    // Reverse DNS of 127.0.0.1 would ask a resolver; there is none to ask here.
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (auth.method === 'XOAUTH2' && oauth2) {
        void Promise.resolve(oauth2.userOf(auth.accessToken ?? '')).then((owner) => {
          if (owner === null || owner !== auth.username) {
            stats.authFailures++;
            // smtp-server's XOAUTH2 failure: a JSON status the client acknowledges, then 535.
            callback(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
            return;
          }
          stats.xoauth2Logins++;
          callback(null, { user: auth.username });
        }, callback);
        return;
      }
      const ok = users.some((u) => u.user === auth.username && u.password === auth.password);
      if (!ok) {
        stats.authFailures++;
        callback(smtpError('Invalid username or password', 535));
        return;
      }
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const rejected = (behaviours.rejectRecipients ?? []).map((r) => r.toLowerCase());
      if (rejected.includes(address.address.toLowerCase())) {
        stats.rejectedRecipients++;
        callback(smtpError(`<${address.address}>: Recipient address rejected`, 550));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      stats.dataAttempts++;
      const attempt = stats.dataAttempts;
      const chunks: Buffer[] = [];
      let received = 0;
      let mode: 'during' | 'after' | 'accept' = 'accept';
      if (dropDuringDataLeft > 0) {
        dropDuringDataLeft--;
        mode = 'during';
      } else if (dropAfterDataLeft > 0) {
        dropAfterDataLeft--;
        mode = 'after';
      }
      const afterBytes = Math.max(1, behaviours.dropDuringData?.afterBytes ?? 1);
      let isDropped = false;
      stream.on('data', (chunk: Buffer) => {
        if (isDropped) return;
        chunks.push(chunk);
        received += chunk.length;
        if (mode === 'during' && received >= afterBytes) {
          isDropped = true;
          stats.droppedDuringData++;
          socketOf(session)?.destroy();
        }
      });
      stream.on('end', () => {
        if (isDropped) return;
        const message: ReceivedMessage = {
          raw: Buffer.concat(chunks),
          envelope: envelopeOf(session),
          user: typeof session.user === 'string' ? session.user : undefined,
          acknowledged: mode === 'accept',
          attempt,
        };
        if (mode === 'after') {
          stats.droppedAfterData++;
          store(message);
          // No callback: the client never gets the 250 for a message the server kept.
          socketOf(session)?.destroy();
          return;
        }
        stats.accepted++;
        store(message);
        callback();
      });
    },
  });

  server.server.on('connection', (socket: net.Socket) => {
    stats.connections++;
    const port = socket.remotePort;
    if (port === undefined) return;
    rawSockets.set(port, socket);
    socket.once('close', () => {
      if (rawSockets.get(port) === socket) rawSockets.delete(port);
    });
  });
  // Kept for the test to inspect: a client vanishing mid-session is what the drop behaviours
  // cause, so errors are not failures by themselves.
  const errors: Error[] = [];
  server.on('error', (error: Error) => errors.push(error));

  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as net.AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    secure,
    get messages() {
      return messages;
    },
    get stats() {
      return stats;
    },
    get errors() {
      return errors;
    },
    setBehaviours,
    waitForMessages(n) {
      if (messages.length >= n) return Promise.resolve(messages);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async stop() {
      for (const socket of rawSockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
