import { AppError } from '../../../shared/api/errors';

/**
 * imapflow, Node's net/tls and the server's answers, as the user's words. Each code names
 * what to check; the library error stays as `cause` for `--debug`.
 */

interface ErrorLike {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  mailboxMissing?: boolean;
  tlsFailed?: boolean;
  starttlsRefused?: boolean;
  responseText?: string;
  responseStatus?: string;
  serverResponseCode?: string;
}

const asErrorLike = (error: unknown): ErrorLike => (typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) });

/** OpenSSL's certificate verification results, as Node reports them in `error.code`. */
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'LOGSCOPE_PIN_MISMATCH',
]);

export function isCertificateError(error: unknown): boolean {
  const e = asErrorLike(error);
  return Boolean(e.code && certificateCodes.has(e.code));
}

export function isTlsError(error: unknown): boolean {
  const e = asErrorLike(error);
  return isCertificateError(error) || Boolean(e.code?.startsWith('ERR_SSL') || e.code?.startsWith('ERR_TLS')) || e.tlsFailed === true;
}

const timeoutCodes = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEDOUT', 'ETIMEOUT']);

/** Errors that mean the connection is gone (dropped, reset, closed by the server). */
export function isConnectionLost(error: unknown): boolean {
  const e = asErrorLike(error);
  return (
    ['NoConnection', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EConnectionClosed', 'ETIMEOUT', 'DownloadIncomplete', 'ERR_STREAM_PREMATURE_CLOSE'].includes(e.code ?? '') ||
    /connection (not available|closed|lost)|socket (hang up|closed)|premature close/i.test(e.message ?? '')
  );
}

export function firstLine(error: unknown): string {
  const e = asErrorLike(error);
  const text = e.responseText ?? e.message ?? String(error);
  return text.split('\n')[0]!.replace(/\s*\(\d+\.\d+ \+ \d+\.\d+ secs\)\.?$/, '').slice(0, 300);
}

export interface ConnectContext {
  host: string;
  port: number;
  user: string;
  stage: 'connect' | 'greeting' | 'login';
}

/**
 * Failures of connecting and signing in. TLS failures are mapped by the caller, which
 * can fetch the presented certificate for the message.
 */
export function connectError(error: unknown, context: ConnectContext): AppError {
  if (error instanceof AppError) return error;
  const e = asErrorLike(error);
  const { host, port } = context;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_NONAME') return new AppError('mail_host_not_found', { host }, { cause: error });
  if (e.code === 'ECONNREFUSED') return new AppError('mail_connection_refused', { host, port }, { cause: error });
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return new AppError('mail_timeout', { host, port, stage: e.code }, { cause: error });
  if (timeoutCodes.has(e.code ?? '')) {
    const stage = e.code === 'GREETING_TIMEOUT' ? 'no IMAP greeting' : e.code === 'UPGRADE_TIMEOUT' ? 'STARTTLS' : 'connecting';
    return new AppError('mail_timeout', { host, port, stage }, { cause: error });
  }
  if (e.starttlsRefused || /STARTTLS/i.test(e.message ?? '')) return new AppError('mail_starttls_unavailable', { host, port }, { cause: error });
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new AppError('mail_auth_failed', { user: context.user, host }, { cause: error });
  }
  if (isTlsError(error)) return new AppError('mail_tls_handshake_failed', { host, port, reason: firstLine(error) }, { cause: error });
  if (isConnectionLost(error)) return new AppError('mail_connection_lost', { host, detail: firstLine(error) }, { cause: error });
  return new AppError('mail_server_error', { detail: firstLine(error) }, { cause: error });
}

/** A server's NO/BAD to a command, or a lost connection, during the fetch. */
export function commandError(error: unknown, host: string): AppError {
  if (error instanceof AppError) return error;
  if (isConnectionLost(error)) return new AppError('mail_connection_lost', { host, detail: firstLine(error) }, { cause: error });
  return new AppError('mail_server_error', { detail: firstLine(error) }, { cause: error });
}

/** The server could not decode a part for BINARY (RFC 3516 `[UNKNOWN-CTE]`, Dovecot's "Invalid data in MIME part"). */
export function isUndecodablePart(error: unknown): boolean {
  const e = asErrorLike(error);
  return e.responseStatus === 'NO' && (e.serverResponseCode === 'UNKNOWN-CTE' || /invalid data|unknown-cte|mime part|decod/i.test(e.responseText ?? ''));
}
