import { Readable } from 'node:stream';
import type tls from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import { AppError } from '../../../shared/api/errors';
import type { CertificateInfo, TlsTrust } from '../../../shared/api/contract/mail';
import type { ReportSendOutcome, SmtpSecurity } from '../../../shared/api/contract/report';
import { certificateInfo, inspectCertificate, tlsOptionsFor, type PresentedCertificate } from '../tls/trust';
import { isCertificateError } from '../mailIn/errors';
import type { Logger } from '../logger';
import { asSmtpError, isConnectionLoss, isTransientReply, isWriteFailure, queueIdOf, serverWords, smtpError, type Where } from './errors';

/**
 * Sending one message over SMTP with nodemailer's SMTP client: implicit TLS (465) or
 * STARTTLS required (587), the certificate verified (a CA file or a pinned fingerprint for
 * a private server, never `rejectUnauthorized: false`), then AUTH, MAIL FROM, RCPT TO and
 * DATA. The message is built once, so every attempt sends the same bytes and Message-ID.
 *
 * Attempts: a 4yz reply, or a connection lost before the whole message was handed to the
 * connection, is tried again after a pause (bounded); a 5yz reply or a refused sign-in is
 * reported at once with the server's words. A connection lost after the whole message was
 * handed over, before the server's reply, may have delivered it: that is reported as
 * "possibly delivered" and never sent again behind the user's back.
 */

export interface SmtpServer {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  trust: TlsTrust;
}

/**
 * A password, or where OAuth2 access tokens come from (issue 22). `accessToken(renew)` is
 * nodemailer's provisionCallback: renew is true once, after the server refused the last
 * token. The app's token store answers, not nodemailer's own refresh, because its 'token'
 * event carries no rotated refresh token (Microsoft rotates them).
 */
export type SmtpCredential = { pass: string } | { accessToken: (renew: boolean) => Promise<string> };

export interface SmtpTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

export const defaultSmtpTimeouts: SmtpTimeouts = { connectionMs: 30_000, greetingMs: 30_000, socketMs: 120_000 };

/** Three attempts: at once, after 2 s, after 8 s more. */
export const defaultRetryDelaysMs: readonly number[] = [2_000, 8_000];

export interface OpenedSmtp {
  connection: SMTPConnection;
  secure: boolean;
  tlsProtocol: string | null;
  certificate: CertificateInfo | null;
}

const withoutPem = ({ pem: _pem, ...info }: PresentedCertificate): CertificateInfo => info;

/**
 * One step of the client (connect, login, send): its callback, or the 'error' the client
 * emits when the socket fails while nothing else is listening.
 */
function step<T>(connection: SMTPConnection, run: (done: (error: Error | null | undefined, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, result?: T) => {
      if (settled) return;
      settled = true;
      connection.off('error', onError);
      connection.off('end', onEnd);
      if (error) reject(error);
      else resolve(result as T);
    };
    const onError = (error: Error) => finish(error);
    const onEnd = () => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
    connection.on('error', onError);
    connection.once('end', onEnd);
    run((error, result) => finish(error, result));
  });
}

/** Connects, sets up TLS and signs in. Failures are AppErrors in the user's words. */
export async function openSmtp(
  server: SmtpServer,
  credential: SmtpCredential,
  options: { timeouts: SmtpTimeouts; from: string; signal?: AbortSignal; onCertificate?: (certificate: CertificateInfo) => void },
): Promise<OpenedSmtp> {
  const { host, port, security } = server;
  const where: Where = { host, port, user: server.user, from: options.from };
  let presented: PresentedCertificate | null = null;
  const inspect = async () =>
    (presented ??= await inspectCertificate({ host, port, starttls: security === 'starttls' ? 'smtp' : null, timeoutMs: options.timeouts.connectionMs }));

  let tlsOptions: tls.ConnectionOptions;
  try {
    tlsOptions = await tlsOptionsFor(server.trust, inspect, { host, port });
  } catch (error) {
    if (presented) options.onCertificate?.(withoutPem(presented));
    if (error instanceof AppError && error.code === 'mail_tls_pin_mismatch') throw new AppError('smtp_tls_pin_mismatch', error.params, { cause: error });
    if (error instanceof AppError) throw error;
    throw smtpError(error, where);
  }

  const connection = new SMTPConnection({
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    tls: tlsOptions,
    connectionTimeout: options.timeouts.connectionMs,
    greetingTimeout: options.timeouts.greetingMs,
    socketTimeout: options.timeouts.socketMs,
    logger: false,
  });
  // Errors after a step has settled (a late reset while quitting) have nobody to tell.
  connection.on('error', () => undefined);
  const onAbort = () => connection.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // nodemailer rewrites the code of an error from the token source to EAUTH: keep ours aside.
  let tokenFailure: unknown = null;
  const auth =
    'pass' in credential
      ? { user: server.user, pass: credential.pass }
      : {
          user: server.user,
          oauth2: new XOAuth2({
            user: server.user,
            provisionCallback: (_user, renew, callback) =>
              void credential.accessToken(renew).then(
                (token) => callback(null, token, 0),
                (error: unknown) => {
                  tokenFailure = error;
                  callback(new Error('no access token'), '', 0);
                },
              ),
          }),
        };
  try {
    await step<void>(connection, (done) => connection.connect((error) => done(error)));
    await step<boolean>(connection, (done) => connection.login(auth, done));
  } catch (error) {
    connection.close();
    if (options.signal?.aborted) throw new AppError('cancelled', {}, { cause: error });
    if (tokenFailure) throw tokenFailure;
    const e = asSmtpError(error);
    if (isCertificateError({ code: e.originalCode ?? e.code }) || isCertificateError(error)) {
      const certificate = await inspect().catch(() => null);
      if (certificate) options.onCertificate?.(withoutPem(certificate));
      const reason = serverWords(error);
      if (server.trust.kind === 'pinned' && certificate) {
        throw new AppError('smtp_tls_pin_mismatch', { host, port, expected: server.trust.fingerprint256, fingerprint: certificate.fingerprint256, subject: certificate.subject }, { cause: error });
      }
      if (certificate) {
        throw new AppError(
          'smtp_tls_failed',
          { host, port, reason, subject: certificate.subject, issuer: certificate.issuer, fingerprint: certificate.fingerprint256 },
          { cause: error },
        );
      }
      throw new AppError('smtp_tls_handshake_failed', { host, port, reason }, { cause: error });
    }
    throw smtpError(error, where);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const socket = connection._socket as tls.TLSSocket | false | null;
  const peer = socket && typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(true) : null;
  return {
    connection,
    secure: connection.secure,
    tlsProtocol: socket && typeof socket.getProtocol === 'function' ? socket.getProtocol() : null,
    certificate: peer?.raw ? withoutPem(certificateInfo(peer.raw)) : presented ? withoutPem(presented) : null,
  };
}

export interface Envelope {
  from: string;
  to: string[];
}

export interface Delivery {
  outcome: ReportSendOutcome;
  attempts: number;
  /** The server's last reply (or what went wrong, in its words). */
  response: string | null;
  serverMessageId: string | null;
  accepted: string[];
  rejected: { address: string; response: string }[];
  error: AppError | null;
}

export interface DeliverOptions {
  timeouts: SmtpTimeouts;
  retryDelaysMs: readonly number[];
  log: Logger;
  signal?: AbortSignal;
  /** Called before each attempt (1-based), for progress and tests. */
  onAttempt?: (attempt: number) => void;
}

/** Connection failures that another attempt in a few seconds will not cure. */
const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH']);

function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return false;
  const e = asSmtpError(error);
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'ETLS' || e.code === 'EDNS' || e.code === 'ETIMEDOUT') return false;
  if (unreachable.has(e.originalCode ?? '')) return false;
  return isTransientReply(error) || isConnectionLoss(error);
}

/** Sends `raw` (a whole RFC 5322 message) to `envelope.to`, with the attempts described above. */
export async function deliver(server: SmtpServer, credential: SmtpCredential, envelope: Envelope, raw: Buffer, options: DeliverOptions): Promise<Delivery> {
  const where: Where = { host: server.host, port: server.port, user: server.user, from: envelope.from };
  const maxAttempts = options.retryDelaysMs.length + 1;
  for (let attempt = 1; ; attempt++) {
    options.onAttempt?.(attempt);
    let handedOver = false;
    let opened: OpenedSmtp | null = null;
    try {
      opened = await openSmtp(server, credential, { timeouts: options.timeouts, from: envelope.from, signal: options.signal });
      const connection = opened.connection;
      const onAbort = () => connection.close();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let info;
      try {
        info = await step<SMTPConnection.SentMessageInfo>(connection, (done) =>
          connection.send({ from: envelope.from, to: envelope.to, size: raw.length }, messageSource(raw, () => (handedOver = true)), done),
        );
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
      connection.quit();
      const rejected = (info.rejectedErrors ?? []).map((e) => ({ address: e.recipient ?? '', response: serverWords(e) }));
      const accepted = info.accepted ?? [];
      return {
        outcome: rejected.length ? 'partial' : 'sent',
        attempts: attempt,
        response: info.response ?? null,
        serverMessageId: info.serverMessageId ?? queueIdOf(info.response),
        accepted,
        rejected,
        error: rejected.length
          ? new AppError('report_partly_sent', { accepted: accepted.join(', '), refused: rejected.map((r) => `${r.address} (${r.response})`).join('; ') })
          : null,
      };
    } catch (error) {
      opened?.connection.close();
      if (options.signal?.aborted) throw new AppError('cancelled', {}, { cause: error });
      const failure = { attempts: attempt, serverMessageId: null, accepted: [], rejected: rejectedOf(error) };
      if (handedOver && isConnectionLoss(error) && !isWriteFailure(error)) {
        options.log.warn('smtp: connection lost after the message was handed over', { host: server.host, attempt });
        return {
          ...failure,
          outcome: 'possibly_delivered',
          response: serverWords(error),
          error: new AppError('smtp_possibly_delivered', { host: server.host, detail: serverWords(error) }, { cause: error }),
        };
      }
      if (isRetryable(error) && attempt < maxAttempts) {
        const delay = options.retryDelaysMs[attempt - 1] ?? 0;
        options.log.info('smtp: transient failure, trying again', { host: server.host, attempt, delayMs: delay, reason: serverWords(error) });
        await sleep(delay, options.signal);
        continue;
      }
      return { ...failure, outcome: 'failed', response: error instanceof AppError ? null : serverWords(error), error: smtpError(error, where, attempt) };
    }
  }
}

function rejectedOf(error: unknown): { address: string; response: string }[] {
  const e = asSmtpError(error);
  return (e.rejectedErrors ?? []).map((r) => ({ address: r.recipient ?? '', response: serverWords(r) }));
}

/**
 * The message as a stream, so the sender knows when the client has taken the last byte:
 * from then on (the end-of-data mark follows at once) a lost connection may have
 * delivered it.
 */
function messageSource(raw: Buffer, onHandedOver: () => void): Readable {
  let offset = 0;
  const source = new Readable({
    read() {
      if (offset >= raw.length) {
        this.push(null);
        return;
      }
      const chunk = raw.subarray(offset, offset + 64 * 1024);
      offset += chunk.length;
      this.push(chunk);
    },
  });
  source.once('end', onHandedOver);
  return source;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AppError('cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AppError('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
