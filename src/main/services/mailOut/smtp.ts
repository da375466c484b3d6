import { AppError, isErrorCode, toWireError, type ErrorParams } from '../../../shared/api/errors';
import type { ParsedInput } from '../../../shared/api/contract';
import type { SecretInput, SecretLocation } from '../../../shared/api/contract/mail';
import { defaultSmtpPort, EmailAddress, type ReportSend, type SmtpAccount, type SmtpTestResult } from '../../../shared/api/contract/report';
import { createTranslator } from '../../../shared/i18n/format';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { keychainAccount, type SecretRef, type SecretStore } from '../secrets/secrets';
import type { Handlers } from '../../transport/rpc';
import { buildMessage, type OutgoingMessage } from './message';
import { grantRef, type OAuthTokens } from '../oauth/tokens';
import { defaultRetryDelaysMs, defaultSmtpTimeouts, deliver, openSmtp, type SmtpCredential, type SmtpTimeouts } from './sender';
import {
  deleteSmtpAccount,
  findSmtpAccountByName,
  getSmtpAccount,
  insertSend,
  insertSmtpAccount,
  listSends,
  listSmtpAccounts,
  recordSmtpTest,
  updateSmtpAccount,
  type SmtpAccountFields,
  type SmtpAccountRecord,
} from './store';

const placeOf = (secret: SecretInput): SmtpAccountRecord['secret'] =>
  secret.store === 'file' ? { store: 'file', path: secret.path } : secret.store === 'oauth2' ? { store: 'oauth2', grant: secret.grant } : { store: 'keychain' };

const passwordOf = (secret: SecretInput): string | undefined => (secret.store === 'oauth2' ? undefined : secret.password);

export interface SmtpServiceDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  secrets: SecretStore;
  /** Access tokens of OAuth2 accounts (shared with IMAP). */
  oauth: OAuthTokens;
  timeouts?: Partial<SmtpTimeouts>;
  /** Pauses between attempts after a transient failure (tests shorten them). */
  retryDelaysMs?: readonly number[];
}

export interface SendRequest {
  /** null: the only account there is. */
  accountId: number | null;
  message: Omit<OutgoingMessage, 'from' | 'date'>;
  kind: ReportSend['kind'];
  trigger: ReportSend['trigger'];
  reportId: number | null;
  name: string | null;
  dataset: string | null;
  signal?: AbortSignal;
}

/**
 * Sending mail: SMTP accounts (the password in the keychain under `Logscope` /
 * `smtp:USER@HOST:PORT` or in a credentials file; never in the catalogue, the
 * configuration, arguments or logs), a connection test, and `send`, which every report,
 * alert and test message goes through and which records each message in the history.
 */
export function createSmtpService(deps: SmtpServiceDeps) {
  const { db, clock, log, secrets } = deps;
  const timeouts: SmtpTimeouts = { ...defaultSmtpTimeouts, ...deps.timeouts };
  const retryDelaysMs = deps.retryDelaysMs ?? defaultRetryDelaysMs;
  const catalog = () => db.connection('catalog');

  const secretRefOf = (account: Pick<SmtpAccountRecord, 'user' | 'host' | 'port' | 'secret'>): SecretRef =>
    account.secret.store === 'file'
      ? { kind: 'file', path: account.secret.path }
      : account.secret.store === 'oauth2'
        ? grantRef(account.secret.grant)
        : { kind: 'keychain', account: keychainAccount('smtp', { user: account.user, host: account.host, port: account.port }) };

  const locationOf = (account: Pick<SmtpAccountRecord, 'user' | 'host' | 'port' | 'secret'>): SecretLocation => {
    if (account.secret.store === 'oauth2') return { store: 'oauth2', grant: account.secret.grant };
    const described = secrets.describe(secretRefOf(account));
    return described.store === 'file' ? { store: 'file', path: described.path } : described;
  };

  const toContract = (a: SmtpAccountRecord): SmtpAccount => ({
    id: a.id,
    name: a.name,
    host: a.host,
    port: a.port,
    security: a.security,
    user: a.user,
    from: a.from,
    fromName: a.fromName,
    trust: a.trust,
    secret: locationOf(a),
    lastTest: a.lastTest,
    createdAt: a.createdAt,
  });

  async function checkNameFree(name: string, exceptId: number | null) {
    const existing = await findSmtpAccountByName(await catalog(), name);
    if (existing && existing.id !== exceptId) throw new AppError('smtp_account_name_taken', { name });
  }

  /** The password, or access tokens from the shared store (refreshed once when the server refuses one). */
  async function credentialOf(account: SmtpAccountRecord): Promise<SmtpCredential> {
    if (account.secret.store !== 'oauth2') return { pass: await secrets.get(secretRefOf(account)) };
    const { grant } = account.secret;
    let last: string | undefined;
    return { accessToken: async (renew) => (last = await deps.oauth.accessToken(grant, renew ? { rejected: last } : {})) };
  }

  async function storeSecret(fields: Pick<SmtpAccountRecord, 'user' | 'host' | 'port' | 'secret'>, password: string | undefined) {
    // An OAuth2 grant is stored by its sign-in; here it only has to exist.
    if (fields.secret.store === 'oauth2') return void (await deps.oauth.read(fields.secret.grant));
    if (password !== undefined) return secrets.set(secretRefOf(fields), password);
    // A credentials file named without a password must already exist and be private.
    await secrets.get(secretRefOf(fields));
  }

  async function sharesKeychainEntry(account: SmtpAccountRecord): Promise<boolean> {
    if (account.secret.store !== 'keychain') return false;
    const ref = JSON.stringify(secretRefOf(account));
    return (await listSmtpAccounts(await catalog())).some((other) => other.id !== account.id && JSON.stringify(secretRefOf(other)) === ref);
  }

  async function listAccounts(): Promise<SmtpAccount[]> {
    return (await listSmtpAccounts(await catalog())).map(toContract);
  }

  async function createAccount(input: ParsedInput<'smtp.accounts.create'>): Promise<SmtpAccount> {
    const fields: SmtpAccountFields = {
      name: input.name ?? `${input.user}@${input.host}`,
      host: input.host,
      port: input.port ?? defaultSmtpPort[input.security],
      security: input.security,
      user: input.user,
      from: input.from,
      fromName: input.fromName || null,
      trust: input.trust,
      secret: placeOf(input.secret),
    };
    await checkNameFree(fields.name, null);
    await storeSecret(fields, passwordOf(input.secret));
    const id = await insertSmtpAccount(await catalog(), fields, clock.now());
    log.info('smtp account added', { account: fields.name, store: fields.secret.store });
    return toContract(await getSmtpAccount(await catalog(), id));
  }

  /** An account moved from another machine: its settings, not its password (set it with `logscope smtp password`). */
  async function importAccount(fields: SmtpAccountFields): Promise<SmtpAccount> {
    await checkNameFree(fields.name, null);
    const id = await insertSmtpAccount(await catalog(), fields, clock.now());
    return toContract(await getSmtpAccount(await catalog(), id));
  }

  async function updateAccount(input: ParsedInput<'smtp.accounts.update'>): Promise<SmtpAccount> {
    const current = await getSmtpAccount(await catalog(), input.id);
    const fields: SmtpAccountFields = {
      name: input.name ?? current.name,
      host: input.host ?? current.host,
      port: input.port ?? (input.security && input.security !== current.security ? defaultSmtpPort[input.security] : current.port),
      security: input.security ?? current.security,
      user: input.user ?? current.user,
      from: input.from ?? current.from,
      fromName: input.fromName === undefined ? current.fromName : input.fromName || null,
      trust: input.trust ?? current.trust,
      secret: input.secret ? placeOf(input.secret) : current.secret,
    };
    if (fields.name !== current.name) await checkNameFree(fields.name, current.id);
    const oldRef = secretRefOf(current);
    const newRef = secretRefOf(fields);
    const moved = JSON.stringify(oldRef) !== JSON.stringify(newRef);
    if (input.secret) await storeSecret(fields, passwordOf(input.secret));
    else if (moved) await secrets.set(newRef, await secrets.get(oldRef));
    if (moved && current.secret.store === 'keychain' && !(await sharesKeychainEntry(current))) await secrets.delete(oldRef);
    await updateSmtpAccount(await catalog(), current.id, fields, clock.now());
    return toContract(await getSmtpAccount(await catalog(), current.id));
  }

  /** Reports and alert jobs that send with an account. */
  async function usersOf(id: number): Promise<string[]> {
    const connection = await catalog();
    const reports = await connection.all(`SELECT name FROM logscope.reports WHERE json_extract(definition, '$.smtpAccountId')::INTEGER = $id ORDER BY name_key`, { id });
    const jobs = await connection.all(
      `SELECT name FROM logscope.jobs WHERE json_extract_string(target, '$.kind') = 'alert' AND json_extract(target, '$.alert.smtpAccountId')::INTEGER = $id ORDER BY name`,
      { id },
    );
    return [...reports.rows.map((r) => `report ${String(r[0])}`), ...jobs.rows.map((r) => `job ${String(r[0])}`)];
  }

  async function removeAccount(id: number): Promise<{ removed: boolean; secret: 'deleted' | 'shared' | 'file_kept' | 'none' | 'keychain_unavailable' }> {
    const account = await getSmtpAccount(await catalog(), id);
    const users = await usersOf(id);
    if (users.length) throw new AppError('smtp_account_in_use', { name: account.name, users: users.join(', ') });
    let secret: 'deleted' | 'shared' | 'file_kept' | 'none' | 'keychain_unavailable' = 'file_kept';
    if (account.secret.store === 'keychain') {
      if (await sharesKeychainEntry(account)) secret = 'shared';
      else {
        try {
          secret = (await secrets.delete(secretRefOf(account))) ? 'deleted' : 'none';
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'keychain_unavailable')) throw error;
          secret = 'keychain_unavailable';
        }
      }
    }
    await deleteSmtpAccount(await catalog(), id);
    return { removed: true, secret };
  }

  /** The account a report or alert sends with: the one named, or the only one there is. */
  async function resolveAccount(id: number | null): Promise<SmtpAccountRecord> {
    if (id !== null) return getSmtpAccount(await catalog(), id);
    const all = await listSmtpAccounts(await catalog());
    if (all.length === 1) return all[0]!;
    if (all.length === 0) throw new AppError('smtp_account_missing');
    throw new AppError('smtp_account_ambiguous', { names: all.map((a) => a.name).join(', ') });
  }

  function checkRecipients(to: readonly string[]): string[] {
    if (to.length === 0) throw new AppError('report_no_recipients');
    return to.map((address) => {
      const parsed = EmailAddress.safeParse(address);
      if (!parsed.success) throw new AppError('smtp_recipient_invalid', { address });
      return parsed.data;
    });
  }

  /**
   * Builds and sends one message and records it in the history, whatever happens once the
   * recipients are known to be addresses. The answer says how it went; it throws only for
   * what stops it before anything is sent (no account, a recipient that is not an address).
   */
  async function send(request: SendRequest): Promise<ReportSend> {
    const to = checkRecipients(request.message.to);
    const account = await resolveAccount(request.accountId);
    const startedAt = clock.now();
    const built = await buildMessage({ ...request.message, to, from: { address: account.from, name: account.fromName }, date: startedAt });
    const base = {
      kind: request.kind,
      reportId: request.reportId,
      name: request.name,
      dataset: request.dataset,
      trigger: request.trigger,
      startedAt: startedAt.toISOString(),
      account: account.name,
      recipients: to,
      subject: request.message.subject,
      messageId: built.messageId,
      bytes: built.raw.length,
    };
    let record: Omit<ReportSend, 'id'>;
    try {
      const delivery = await deliver(account, await credentialOf(account), { from: account.from, to }, built.raw, { timeouts, retryDelaysMs, log, signal: request.signal });
      record = {
        ...base,
        finishedAt: clock.now().toISOString(),
        outcome: delivery.outcome,
        serverMessageId: delivery.serverMessageId,
        response: delivery.response,
        accepted: delivery.accepted,
        rejected: delivery.rejected,
        attempts: delivery.attempts,
        error: delivery.error ? delivery.error.toWire() : null,
      };
    } catch (error) {
      if (error instanceof AppError && error.code === 'cancelled') throw error;
      record = {
        ...base,
        finishedAt: clock.now().toISOString(),
        outcome: 'failed',
        serverMessageId: null,
        response: null,
        accepted: [],
        rejected: [],
        attempts: 0,
        error: toWireError(error),
      };
    }
    const id = await insertSend(await catalog(), record);
    log.info('mail sent', { kind: record.kind, name: record.name, outcome: record.outcome, attempts: record.attempts, bytes: record.bytes });
    return { id, ...record };
  }

  async function testAccount(id: number, to?: string, signal?: AbortSignal): Promise<SmtpTestResult> {
    const account = await getSmtpAccount(await catalog(), id);
    let certificate: SmtpTestResult['certificate'] = null;
    const result: SmtpTestResult = { ok: false, store: locationOf(account), secure: false, tlsProtocol: null, certificate: null, sent: null, error: null };
    try {
      const opened = await openSmtp(account, await credentialOf(account), { timeouts, from: account.from, signal, onCertificate: (c) => (certificate = c) });
      opened.connection.quit();
      result.secure = opened.secure;
      result.tlsProtocol = opened.tlsProtocol;
      certificate = opened.certificate;
      if (to) {
        const t = createTranslator('en');
        const sent = await send({
          accountId: account.id,
          message: {
            to: [to],
            subject: t.t('report.test.subject'),
            text: `${t.t('report.test.body', { account: account.name, server: `${account.host}:${account.port}` })}\n`,
            html: null,
            attachments: [],
          },
          kind: 'test',
          trigger: 'manual',
          reportId: null,
          name: account.name,
          dataset: null,
          signal,
        });
        if (sent.error) throw sendFailure(sent);
        result.sent = { to, messageId: sent.messageId, serverMessageId: sent.serverMessageId, response: sent.response };
      }
      result.ok = true;
    } catch (error) {
      result.error = toWireError(error);
    }
    result.certificate = certificate;
    await recordSmtpTest(await catalog(), id, { ok: result.ok, errorCode: result.error?.code ?? null }, clock.now());
    return result;
  }

  async function history(reportId: number | null, limit: number): Promise<ReportSend[]> {
    return listSends(await catalog(), reportId, limit);
  }

  return { listAccounts, createAccount, importAccount, updateAccount, removeAccount, resolveAccount, testAccount, send, history };
}

export type SmtpService = ReturnType<typeof createSmtpService>;

/** The failure a sent (or tried) message recorded, as an error to throw. */
export function sendFailure(sent: Pick<ReportSend, 'error'>): AppError {
  const wire = sent.error;
  if (!wire) return new AppError('internal', { message: 'the message was not sent' });
  return isErrorCode(wire.code) ? new AppError(wire.code, wire.params as ErrorParams) : new AppError('internal', { message: wire.code });
}

export function createSmtpHandlers(
  smtp: SmtpService,
): Pick<Handlers, 'smtp.accounts.list' | 'smtp.accounts.create' | 'smtp.accounts.update' | 'smtp.accounts.remove' | 'smtp.accounts.test'> {
  return {
    'smtp.accounts.list': () => smtp.listAccounts(),
    'smtp.accounts.create': (input) => smtp.createAccount(input),
    'smtp.accounts.update': (input) => smtp.updateAccount(input),
    'smtp.accounts.remove': (input) => smtp.removeAccount(input.id),
    'smtp.accounts.test': (input, { signal }) => smtp.testAccount(input.id, input.to, signal),
  };
}
