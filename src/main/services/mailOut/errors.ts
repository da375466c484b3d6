import { AppError } from '../../../shared/api/errors';

/**
 * nodemailer's errors as the user's words, and which of them are worth another attempt.
 * RFC 5321 §4.2.1: a 4yz reply is transient (the same message may go through later), a
 * 5yz reply permanent. A connection that broke before the whole message was handed over
 * cannot have delivered it, so it is tried again; one that broke later may have (§4.1.1.4,
 * RFC 1047), which the sender reports as "possibly delivered" instead.
 */

export interface SmtpErrorLike {
  code?: string;
  originalCode?: string;
  syscall?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
  rejected?: string[];
  rejectedErrors?: SmtpErrorLike[];
  recipient?: string;
}

export const asSmtpError = (error: unknown): SmtpErrorLike => (typeof error === 'object' && error !== null ? (error as SmtpErrorLike) : { message: String(error) });

/** The server's own words, one line (a multi-line reply joined), without credentials. */
export function serverWords(error: unknown): string {
  const e = asSmtpError(error);
  const text = e.response ?? e.message ?? String(error);
  return text.replace(/\s*\r?\n\s*/g, ' ').slice(0, 400);
}

/** The socket broke or closed (not a reply from the server). */
export function isConnectionLoss(error: unknown): boolean {
  const e = asSmtpError(error);
  if (e.responseCode) return false;
  return e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ETIMEDOUT' || e.code === 'ECONNRESET' || e.code === 'EPIPE';
}

/** A failed write means the server never got what followed it: the end of the data at least. */
export function isWriteFailure(error: unknown): boolean {
  const e = asSmtpError(error);
  return e.syscall === 'write' || e.originalCode === 'EPIPE' || /^write /.test(e.message ?? '');
}

export const isTransientReply = (error: unknown): boolean => {
  const code = asSmtpError(error).responseCode;
  return code !== undefined && code >= 400 && code < 500;
};

export interface Where {
  host: string;
  port: number;
  user: string;
  from: string;
}

/**
 * Failures of connecting, TLS and signing in, and permanent refusals. Transient ones are
 * turned into an error by the caller once the attempts are used up.
 */
export function smtpError(error: unknown, where: Where, attempts = 1): AppError {
  if (error instanceof AppError) return error;
  const e = asSmtpError(error);
  const { host, port } = where;
  const original = e.originalCode ?? e.code ?? '';
  if (original === 'ENOTFOUND' || original === 'EAI_AGAIN' || original === 'EAI_NONAME' || e.code === 'EDNS') {
    return new AppError('smtp_host_not_found', { host }, { cause: error });
  }
  if (original === 'ECONNREFUSED') return new AppError('smtp_connection_refused', { host, port }, { cause: error });
  if (original === 'EHOSTUNREACH' || original === 'ENETUNREACH') return new AppError('smtp_timeout', { host, port, stage: original }, { cause: error });
  if (e.code === 'ETIMEDOUT' && !e.responseCode) {
    return new AppError('smtp_timeout', { host, port, stage: e.command === 'CONN' ? 'connecting' : (e.command ?? 'waiting') }, { cause: error });
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new AppError('smtp_auth_failed', { host, user: where.user, response: serverWords(error) }, { cause: error });
  }
  if (e.code === 'ETLS' && /STARTTLS/i.test(e.message ?? '')) return new AppError('smtp_starttls_unavailable', { host, port }, { cause: error });
  if (e.code === 'ETLS' || original.startsWith('ERR_SSL') || original.startsWith('ERR_TLS')) {
    return new AppError('smtp_tls_handshake_failed', { host, port, reason: serverWords(error) }, { cause: error });
  }
  if (e.code === 'EENVELOPE') {
    if (e.command === 'MAIL FROM') return new AppError('smtp_sender_refused', { from: where.from, response: serverWords(error) }, { cause: error });
    const words = e.rejectedErrors?.length ? e.rejectedErrors.map(serverWords).join('; ') : serverWords(error);
    return new AppError('smtp_recipients_refused', { response: words }, { cause: error });
  }
  if (e.responseCode && e.responseCode >= 400 && e.responseCode < 500) {
    return new AppError('smtp_temporary_failure', { attempts, response: serverWords(error) }, { cause: error });
  }
  if (e.code === 'EMESSAGE' || (e.responseCode && e.responseCode >= 500)) {
    return new AppError('smtp_message_refused', { response: serverWords(error) }, { cause: error });
  }
  if (isConnectionLoss(error)) return new AppError('smtp_connection_lost', { host, attempts, detail: serverWords(error) }, { cause: error });
  if (e.code === 'EPROTOCOL') return new AppError('smtp_protocol_error', { response: serverWords(error) }, { cause: error });
  return new AppError('smtp_protocol_error', { response: serverWords(error) }, { cause: error });
}

/**
 * The queue id in a server's "250" to the message data, in the forms common servers use:
 * Postfix `queued as 4XyZ`, Exim `id=1rAbCd-…`, Sendmail `x1ABCD Message accepted`, Gmail
 * `OK 1700000000 x1si… - gsmtp`; nodemailer reads Microsoft's and Amazon's Message-IDs.
 */
export function queueIdOf(response: string | null | undefined): string | null {
  if (!response) return null;
  const patterns = [
    /queued as ([A-Za-z0-9._:-]+)/i,
    /\bid=([A-Za-z0-9._-]+)/i,
    /^250[ -][\d.]+ ([A-Za-z0-9]{6,}) Message accepted/i,
    /OK\s+\d+\s+(\S+)\s+-\s+gsmtp/i,
    /^250[ -](?:[\d.]+ )?(?:OK|Ok)[: ]+(?:queued )?(<[^<>\s]+>)/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(response.trim());
    if (match?.[1]) return match[1];
  }
  return null;
}
