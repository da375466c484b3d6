import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/api/errors';
import type { CertificateInfo, TlsTrust } from '../../../shared/api/contract/mail';

/**
 * Which server certificates a mail connection (IMAP here, SMTP for reports) accepts.
 * Verification is always on: a self-signed or privately signed server is accepted only
 * through a CA file the user names or a SHA-256 fingerprint the user pinned after seeing
 * it, never by `rejectUnauthorized: false`.
 */

export interface PresentedCertificate extends CertificateInfo {
  /** The leaf certificate, PEM: the only trust anchor of a pinned connection. */
  pem: string;
}

/** Node's TLS options for `trust`; a pinned fingerprint needs the certificate the server presents. */
export async function tlsOptionsFor(
  trust: TlsTrust,
  presented: () => Promise<PresentedCertificate>,
  context: { host: string; port: number },
): Promise<tls.ConnectionOptions> {
  const base: tls.ConnectionOptions = { minVersion: 'TLSv1.2' };
  if (trust.kind === 'system') return base;
  if (trust.kind === 'ca_file') {
    let pem: string;
    try {
      pem = await readFile(trust.path, 'utf8');
    } catch (error) {
      throw new AppError('mail_ca_file_unreadable', { path: trust.path, reason: (error as NodeJS.ErrnoException).code ?? String(error) }, { cause: error });
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
      throw new AppError('mail_ca_file_unreadable', { path: trust.path, reason: 'no PEM certificate in the file' });
    }
    return { ...base, ca: pem };
  }
  // Pinned: the presented leaf becomes the one trust anchor (partial chain: it need not be a
  // root), and the identity check is the fingerprint, not the host name. A different
  // certificate on the real connection fails both checks.
  const certificate = await presented();
  if (certificate.fingerprint256 !== trust.fingerprint256) {
    throw new AppError('mail_tls_pin_mismatch', {
      host: context.host,
      port: context.port,
      expected: trust.fingerprint256,
      fingerprint: certificate.fingerprint256,
      subject: certificate.subject,
    });
  }
  return {
    ...base,
    ca: certificate.pem,
    allowPartialTrustChain: true,
    checkServerIdentity: (_host, peer) => {
      if (peer.fingerprint256 === trust.fingerprint256) return undefined;
      const error = new Error(`certificate fingerprint ${peer.fingerprint256} is not the pinned ${trust.fingerprint256}`) as Error & { code: string };
      error.code = 'LOGSCOPE_PIN_MISMATCH';
      return error;
    },
  };
}

function describeName(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

export function certificateInfo(der: Buffer): PresentedCertificate {
  const x509 = new X509Certificate(der);
  return {
    subject: describeName(x509.subject),
    issuer: describeName(x509.issuer),
    fingerprint256: x509.fingerprint256,
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    selfSigned: x509.subject === x509.issuer && x509.checkIssued(x509),
    pem: x509.toString(),
  };
}

/**
 * The certificate a server presents, without trusting it and without sending anything
 * but a STARTTLS request. Node completes the handshake before it verifies, and emits
 * `OCSPResponse` (requested here) in between: the peer certificate is read there, and
 * verification then goes ahead as usual and closes the connection if it fails.
 */
export async function inspectCertificate({
  host,
  port,
  starttls,
  timeoutMs = 15_000,
}: {
  host: string;
  port: number;
  starttls: 'imap' | 'smtp' | null;
  timeoutMs?: number;
}): Promise<PresentedCertificate> {
  const plain = starttls === 'imap' ? await imapStartTls(host, port, timeoutMs) : starttls === 'smtp' ? await smtpStartTls(host, port, timeoutMs) : undefined;
  return new Promise<PresentedCertificate>((resolve, reject) => {
    let captured: PresentedCertificate | null = null;
    // `requestOCSP` is a TLSSocket option tls.connect passes on; @types/node leaves it out here.
    const connectOptions: tls.ConnectionOptions & { requestOCSP: boolean } = {
      host,
      port,
      ...(plain ? { socket: plain } : {}),
      ...(net.isIP(host) ? {} : { servername: host }),
      requestOCSP: true,
      minVersion: 'TLSv1.2',
    };
    const socket = tls.connect(connectOptions);
    const timer = setTimeout(() => finish(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    const capture = () => {
      if (captured) return;
      const peer = socket.getPeerCertificate(true);
      if (peer?.raw) captured = certificateInfo(peer.raw);
    };
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      plain?.destroy();
      if (captured) resolve(captured);
      else reject(error ?? new Error('the server presented no certificate'));
    };
    socket.once('OCSPResponse', capture);
    socket.once('secureConnect', () => {
      capture();
      finish();
    });
    socket.once('error', (error) => finish(error));
  });
}

/** What a STARTTLS conversation does with the server's next line. */
type DialogueStep = { send: string } | 'wait' | 'upgrade' | { fail: string } | { refused: string };

/**
 * Speaks a line protocol up to its STARTTLS answer and hands back the plain socket for the
 * handshake; `next` reads each CRLF-terminated line the server sends.
 */
function startTlsDialogue(host: string, port: number, timeoutMs: number, next: (line: string) => DialogueStep): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    const timer = setTimeout(() => fail(new Error(`no answer to STARTTLS within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const step = next(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (step === 'wait') continue;
        if (step === 'upgrade') {
          clearTimeout(timer);
          socket.off('data', onData);
          return resolve(socket);
        }
        if ('send' in step) {
          socket.write(step.send);
          continue;
        }
        if ('fail' in step) return fail(new Error(step.fail));
        const error = new Error(`STARTTLS refused: ${step.refused.slice(0, 200)}`) as Error & { starttlsRefused: boolean };
        error.starttlsRefused = true;
        return fail(error);
      }
    };
    socket.on('data', onData);
    socket.once('error', fail);
  });
}

/** SMTP up to `STARTTLS` → `220` (RFC 3207); multi-line replies (`250-…`) are read to their last line. */
function smtpStartTls(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  let stage: 'greeting' | 'ehlo' | 'starttls' = 'greeting';
  return startTlsDialogue(host, port, timeoutMs, (line) => {
    if (/^\d{3}-/.test(line)) return 'wait';
    if (stage === 'greeting') {
      if (!line.startsWith('220')) return { fail: `unexpected greeting: ${line.slice(0, 200)}` };
      stage = 'ehlo';
      return { send: 'EHLO logscope.invalid\r\n' };
    }
    if (stage === 'ehlo') {
      if (!line.startsWith('250')) return { fail: `EHLO refused: ${line.slice(0, 200)}` };
      stage = 'starttls';
      return { send: 'STARTTLS\r\n' };
    }
    return line.startsWith('220') ? 'upgrade' : { refused: line };
  });
}

/** IMAP up to `STARTTLS … OK` (RFC 9051); untagged lines before the answer are skipped. */
function imapStartTls(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  let stage: 'greeting' | 'starttls' = 'greeting';
  return startTlsDialogue(host, port, timeoutMs, (line) => {
    if (stage === 'greeting') {
      if (!/^\* (OK|PREAUTH)/i.test(line)) return { fail: `unexpected greeting: ${line.slice(0, 200)}` };
      stage = 'starttls';
      return { send: 'ls1 STARTTLS\r\n' };
    }
    if (!line.startsWith('ls1 ')) return 'wait';
    return /^ls1 OK/i.test(line) ? 'upgrade' : { refused: line.slice(4) };
  });
}
