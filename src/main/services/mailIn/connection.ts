import type { TLSSocket } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { AppError } from '../../../shared/api/errors';
import type { CertificateInfo } from '../../../shared/api/contract/mail';
import { certificateInfo, inspectCertificate, tlsOptionsFor, type PresentedCertificate } from '../tls/trust';
import { connectError, firstLine, isCertificateError } from './errors';
import type { AccountRecord } from './store';

export interface ImapTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

export const defaultImapTimeouts: ImapTimeouts = { connectionMs: 30_000, greetingMs: 16_000, socketMs: 120_000 };

/** A password, or an OAuth2 access token (imapflow signs in with OAUTHBEARER or XOAUTH2). */
export type ImapCredential = { pass: string } | { accessToken: string };

export interface OpenedImap {
  client: ImapFlow;
  tlsProtocol: string | null;
  certificate: CertificateInfo | null;
}

const withoutPem = ({ pem: _pem, ...info }: PresentedCertificate): CertificateInfo => info;

/**
 * Signs in to an account's server. Implicit TLS or required STARTTLS unless the account
 * chose plain IMAP; the certificate checked as the account's trust says. On a certificate
 * failure the presented certificate is fetched (without trusting it) so the message can
 * name its subject and fingerprint, and `onCertificate` hands it to a connection test.
 */
export async function openImap(
  account: AccountRecord,
  credential: ImapCredential,
  options: {
    timeouts: ImapTimeouts;
    onCertificate?: (certificate: CertificateInfo) => void;
    clientVersion: string;
    /**
     * A push listener's connection: imapflow IDLEs on its own once a mailbox is open and
     * nothing else runs, and re-issues IDLE after `maxIdleMs` (RFC 2177: servers may drop an
     * IDLE after 30 minutes). Every other connection runs commands only.
     */
    idle?: { maxIdleMs: number };
  },
): Promise<OpenedImap> {
  const { host, port, security } = account;
  const starttls = security === 'starttls' ? 'imap' : null;
  let presented: PresentedCertificate | null = null;
  const inspect = async () => (presented ??= await inspectCertificate({ host, port, starttls, timeoutMs: options.timeouts.connectionMs }));

  let tlsOptions = {};
  if (security !== 'plain') {
    try {
      tlsOptions = await tlsOptionsFor(account.trust, inspect, { host, port });
    } catch (error) {
      if (presented) options.onCertificate?.(withoutPem(presented));
      if (error instanceof AppError) throw error;
      throw connectError(error, { host, port, user: account.user, stage: 'connect' });
    }
  }

  const client = new ImapFlow({
    host,
    port,
    secure: security === 'tls',
    ...(security === 'starttls' ? { doSTARTTLS: true } : security === 'plain' ? { doSTARTTLS: false } : {}),
    auth: { user: account.user, ...credential },
    tls: tlsOptions,
    logger: false,
    ...(options.idle ? { disableAutoIdle: false, autoIdleDelay: 0, maxIdleTime: options.idle.maxIdleMs } : { disableAutoIdle: true }),
    connectionTimeout: options.timeouts.connectionMs,
    greetingTimeout: options.timeouts.greetingMs,
    socketTimeout: options.timeouts.socketMs,
    clientInfo: { name: 'Logscope', version: options.clientVersion },
  });
  // imapflow also reports a dropped connection as an 'error' event; the command that was
  // running rejects with it, which is where it is handled.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.close();
    if (isCertificateError(error)) {
      const certificate = await inspect().catch(() => null);
      if (certificate) options.onCertificate?.(withoutPem(certificate));
      const reason = firstLine(error);
      if (account.trust.kind === 'pinned' && certificate) {
        throw new AppError(
          'mail_tls_pin_mismatch',
          { host, port, expected: account.trust.fingerprint256, fingerprint: certificate.fingerprint256, subject: certificate.subject },
          { cause: error },
        );
      }
      if (certificate) {
        throw new AppError(
          'mail_tls_failed',
          { host, port, reason, subject: certificate.subject, issuer: certificate.issuer, fingerprint: certificate.fingerprint256 },
          { cause: error },
        );
      }
      throw new AppError('mail_tls_handshake_failed', { host, port, reason }, { cause: error });
    }
    throw connectError(error, { host, port, user: account.user, stage: 'login' });
  }
  const socket = (client as unknown as { socket?: Partial<TLSSocket> }).socket;
  const peer = client.secureConnection ? socket?.getPeerCertificate?.(true) : undefined;
  return {
    client,
    tlsProtocol: client.tls ? (client.tls.version ?? null) : null,
    certificate: peer?.raw ? withoutPem(certificateInfo(peer.raw)) : presented ? withoutPem(presented) : null,
  };
}

/** Logs out, or drops the connection when the server no longer answers. */
export async function closeImap(client: ImapFlow): Promise<void> {
  if (!client.usable) {
    client.close();
    return;
  }
  try {
    await client.logout();
  } catch {
    client.close();
  }
}
