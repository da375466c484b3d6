import fs from 'node:fs';
import path from 'node:path';
import { AppError, toWireError } from '../../../shared/api/errors';
import type { OwnerKind, ParsedInput } from '../../../shared/api/contract';
import {
  defaultImapPort,
  type CertificateInfo,
  type MailAccount,
  type MailCollectedFile,
  type MailFetchResult,
  type MailRule,
  type MailTestResult,
  type SecretInput,
  type SecretLocation,
  type SecureStoreInfo,
} from '../../../shared/api/contract/mail';
import { datasetNameProblem } from '../../../shared/datasetNames';
import type { Db } from '../db/database';
import { toCell } from '../db/cells';
import type { EventBus } from '../events';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ImportService } from '../importer/importer';
import { keychainAccount, type SecretRef, type SecretStore } from '../secrets/secrets';
import type { Handlers } from '../../transport/rpc';
import { grantRef, type OAuthTokens } from '../oauth/tokens';
import { closeImap, defaultImapTimeouts, openImap, type ImapTimeouts, type OpenedImap } from './connection';
import { runFetch, tempPrefix, type MailProgress } from './fetchRun';
import {
  deleteAccount,
  deleteRule,
  findAccountByName,
  findRuleByName,
  getAccount,
  getRule,
  insertAccount,
  insertRule,
  lastRuns,
  listAccounts,
  listRules,
  recordTest,
  rulesOfAccount,
  syncStates,
  updateAccount,
  type AccountFields,
  type AccountRecord,
} from './store';

const placeOf = (secret: SecretInput): AccountRecord['secret'] =>
  secret.store === 'file' ? { store: 'file', path: secret.path } : secret.store === 'oauth2' ? { store: 'oauth2', grant: secret.grant } : { store: 'keychain' };

const passwordOf = (secret: SecretInput): string | undefined => (secret.store === 'oauth2' ? undefined : secret.password);

/** What was added, changed or removed. */
export type MailChange = { accountId: number } | { ruleId: number };

export interface MailInDeps {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  imports: ImportService;
  secrets: SecretStore;
  /** Access tokens of OAuth2 accounts (shared with SMTP). */
  oauth: OAuthTokens;
  /** The data folder's tmp: attachments are streamed here, under names of Logscope's own. */
  tempDir: string;
  ownerKind: OwnerKind;
  appVersion: string;
  timeouts?: Partial<ImapTimeouts>;
}

/** How long a keychain probe answer is reused (the probe writes and deletes an entry). */
const keychainProbeTtlMs = 60_000;

/**
 * Mail collection over IMAP: accounts (password in the keychain or a credentials file,
 * never in the catalogue, the configuration, arguments or logs), rules, and one fetch per
 * rule at a time. `fetchRule` is what "Fetch now", `logscope fetch` and (later) the
 * scheduler call.
 */
export function createMailInService(deps: MailInDeps) {
  const { db, events, clock, log, secrets } = deps;
  const timeouts: ImapTimeouts = { ...defaultImapTimeouts, ...deps.timeouts };
  const running = new Map<number, { controller: AbortController; finished: Promise<void> }>();
  /** Told when an account or rule is added, changed or removed (push listeners follow). */
  const changeListeners = new Set<(change: MailChange) => void>();
  const changed = (change: MailChange) => {
    for (const listener of [...changeListeners]) listener(change);
  };
  let keychainProbe: { at: number; value: { available: boolean; reason: string | null; store: SecureStoreInfo | null } } | null = null;

  // A process killed mid-fetch leaves its temporary attachments behind; nobody else owns them.
  const cleaned = fs.promises
    .readdir(deps.tempDir)
    .then((names) => Promise.all(names.filter((n) => n.startsWith(tempPrefix)).map((n) => fs.promises.rm(path.join(deps.tempDir, n), { force: true }))))
    .catch((error: unknown) => log.warn('could not clear old mail attachments', { error }));

  const catalog = () => db.connection('catalog');

  const secretRefOf = (account: Pick<AccountRecord, 'user' | 'host' | 'port' | 'secret'>): SecretRef =>
    account.secret.store === 'file'
      ? { kind: 'file', path: account.secret.path }
      : account.secret.store === 'oauth2'
        ? grantRef(account.secret.grant)
        : { kind: 'keychain', account: keychainAccount('imap', { user: account.user, host: account.host, port: account.port }) };

  const locationOf = (account: Pick<AccountRecord, 'user' | 'host' | 'port' | 'secret'>): SecretLocation => {
    if (account.secret.store === 'oauth2') return { store: 'oauth2', grant: account.secret.grant };
    const described = secrets.describe(secretRefOf(account));
    return described.store === 'file' ? { store: 'file', path: described.path } : described;
  };

  const toContract = (account: AccountRecord): MailAccount => ({
    id: account.id,
    name: account.name,
    host: account.host,
    port: account.port,
    security: account.security,
    user: account.user,
    trust: account.trust,
    secret: locationOf(account),
    lastTest: account.lastTest,
    createdAt: account.createdAt,
  });

  /** Other accounts that use the same keychain entry (same user, host and port). */
  async function sharesKeychainEntry(account: AccountRecord, exceptId: number): Promise<boolean> {
    if (account.secret.store !== 'keychain') return false;
    const ref = secretRefOf(account);
    return (await listAccounts(await catalog())).some(
      (other) => other.id !== exceptId && other.secret.store === 'keychain' && JSON.stringify(secretRefOf(other)) === JSON.stringify(ref),
    );
  }

  async function storeSecret(fields: Pick<AccountRecord, 'user' | 'host' | 'port' | 'secret'>, password: string | undefined): Promise<void> {
    // An OAuth2 grant is stored by its sign-in; here it only has to exist.
    if (fields.secret.store === 'oauth2') return void (await deps.oauth.read(fields.secret.grant));
    const ref = secretRefOf(fields);
    if (password !== undefined) {
      await secrets.set(ref, password);
      return;
    }
    // A credentials file named without a password must exist and be private already.
    await secrets.get(ref);
  }

  /**
   * Signs in with the account's password or OAuth2 grant. A refused access token is replaced
   * once (it may have been revoked early or its expiry misreported); a refused refresh says
   * "sign in again".
   */
  async function signIn(account: AccountRecord, options: Omit<Parameters<typeof openImap>[2], 'timeouts' | 'clientVersion'> = {}): Promise<OpenedImap> {
    const open = (credential: Parameters<typeof openImap>[1]) => openImap(account, credential, { ...options, timeouts, clientVersion: deps.appVersion });
    if (account.secret.store !== 'oauth2') return open({ pass: await secrets.get(secretRefOf(account)) });
    const { grant } = account.secret;
    const accessToken = await deps.oauth.accessToken(grant);
    try {
      return await open({ accessToken });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'mail_auth_failed')) throw error;
      log.info('access token refused; refreshing once', { account: account.name });
      return open({ accessToken: await deps.oauth.accessToken(grant, { rejected: accessToken }) });
    }
  }

  async function checkNameFree(name: string, exceptId: number | null) {
    const existing = await findAccountByName(await catalog(), name);
    if (existing && existing.id !== exceptId) throw new AppError('mail_account_name_taken', { name });
  }

  async function createAccount(input: ParsedInput<'mail.accounts.create'>): Promise<MailAccount> {
    const fields: AccountFields = {
      name: input.name ?? `${input.user}@${input.host}`,
      host: input.host,
      port: input.port ?? defaultImapPort[input.security],
      security: input.security,
      user: input.user,
      trust: input.trust,
      secret: placeOf(input.secret),
    };
    await checkNameFree(fields.name, null);
    await storeSecret(fields, passwordOf(input.secret));
    const id = await insertAccount(await catalog(), fields, clock.now());
    log.info('mail account added', { account: fields.name, store: fields.secret.store });
    changed({ accountId: id });
    return toContract(await getAccount(await catalog(), id));
  }

  /**
   * An account moved from another machine (`logscope config import`): its settings and
   * where its password is kept, but not the password, which never leaves a machine. Until
   * `logscope account password` sets it, a test says the secret is missing.
   */
  async function importAccount(fields: AccountFields): Promise<MailAccount> {
    await checkNameFree(fields.name, null);
    const id = await insertAccount(await catalog(), fields, clock.now());
    log.info('mail account imported', { account: fields.name, store: fields.secret.store });
    changed({ accountId: id });
    return toContract(await getAccount(await catalog(), id));
  }

  async function updateAccountFields(input: ParsedInput<'mail.accounts.update'>): Promise<MailAccount> {
    const current = await getAccount(await catalog(), input.id);
    const fields: AccountFields = {
      name: input.name ?? current.name,
      host: input.host ?? current.host,
      port: input.port ?? (input.security && input.security !== current.security ? defaultImapPort[input.security] : current.port),
      security: input.security ?? current.security,
      user: input.user ?? current.user,
      trust: input.trust ?? current.trust,
      secret: input.secret ? placeOf(input.secret) : current.secret,
    };
    if (fields.name !== current.name) await checkNameFree(fields.name, current.id);
    const oldRef = secretRefOf(current);
    const newRef = secretRefOf(fields);
    const moved = JSON.stringify(oldRef) !== JSON.stringify(newRef);
    if (input.secret) await storeSecret(fields, passwordOf(input.secret));
    else if (moved) await secrets.set(newRef, await secrets.get(oldRef));
    // The old keychain entry goes when nothing else uses it; a credentials file is the user's.
    if (moved && current.secret.store === 'keychain' && !(await sharesKeychainEntry(current, current.id))) await secrets.delete(oldRef);
    await updateAccount(await catalog(), current.id, fields, clock.now());
    changed({ accountId: current.id });
    return toContract(await getAccount(await catalog(), current.id));
  }

  async function removeAccount(id: number): Promise<{ removed: boolean; secret: 'deleted' | 'shared' | 'file_kept' | 'none' | 'keychain_unavailable' }> {
    const account = await getAccount(await catalog(), id);
    const rules = await rulesOfAccount(await catalog(), id);
    if (rules.length) throw new AppError('mail_account_in_use', { name: account.name, rules: rules.join(', ') });
    let secret: 'deleted' | 'shared' | 'file_kept' | 'none' | 'keychain_unavailable' = 'file_kept';
    if (account.secret.store === 'keychain') {
      if (await sharesKeychainEntry(account, id)) secret = 'shared';
      else {
        try {
          secret = (await secrets.delete(secretRefOf(account))) ? 'deleted' : 'none';
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'keychain_unavailable')) throw error;
          // The account goes anyway: a keychain that is gone cannot keep it from being removed.
          secret = 'keychain_unavailable';
        }
      }
    }
    await deleteAccount(await catalog(), id);
    changed({ accountId: id });
    return { removed: true, secret };
  }

  async function testAccount(id: number): Promise<MailTestResult> {
    const account = await getAccount(await catalog(), id);
    let certificate: CertificateInfo | null = null;
    const result: MailTestResult = {
      ok: false,
      store: locationOf(account),
      secure: false,
      tlsProtocol: null,
      certificate: null,
      capabilities: null,
      folders: [],
      error: null,
    };
    try {
      const opened = await signIn(account, { onCertificate: (c) => (certificate = c) });
      try {
        const folders = await opened.client.list();
        result.folders = folders.map((f) => f.path).sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a.localeCompare(b)));
        result.capabilities = { binary: opened.client.capabilities.has('BINARY'), move: opened.client.capabilities.has('MOVE') };
        result.secure = opened.client.secureConnection;
        result.tlsProtocol = opened.tlsProtocol;
        certificate = opened.certificate;
        result.ok = true;
      } finally {
        await closeImap(opened.client);
      }
    } catch (error) {
      result.error = toWireError(error);
    }
    result.certificate = certificate;
    await recordTest(await catalog(), id, { ok: result.ok, errorCode: result.error?.code ?? null }, clock.now());
    log.info('mail account tested', { account: account.name, ok: result.ok, code: result.error?.code });
    return result;
  }

  async function listFolders(accountId: number): Promise<string[]> {
    const account = await getAccount(await catalog(), accountId);
    const opened = await signIn(account);
    try {
      return (await opened.client.list()).map((f) => f.path);
    } finally {
      await closeImap(opened.client);
    }
  }

  async function rules(): Promise<MailRule[]> {
    const connection = await catalog();
    const [records, accounts, runs, states] = [await listRules(connection), await listAccounts(connection), await lastRuns(connection), await syncStates(connection)];
    return records.map((rule) => ({
      id: rule.id,
      name: rule.name,
      accountId: rule.accountId,
      account: accounts.find((a) => a.id === rule.accountId)?.name ?? String(rule.accountId),
      folder: rule.folder,
      senders: rule.senders,
      subjects: rule.subjects,
      attachmentPatterns: rule.attachmentPatterns,
      since: rule.since,
      dataset: rule.dataset,
      markSeen: rule.markSeen,
      moveTo: rule.moveTo,
      maxAttachmentMb: rule.maxAttachmentBytes / (1024 * 1024),
      createdAt: rule.createdAt,
      sync: states.get(rule.id) ?? null,
      lastRun: runs.get(rule.id) ?? null,
    }));
  }

  async function createRule(input: ParsedInput<'mail.rules.create'>): Promise<MailRule> {
    const connection = await catalog();
    await getAccount(connection, input.accountId);
    if (await findRuleByName(connection, input.name)) throw new AppError('mail_rule_name_taken', { name: input.name });
    const problem = datasetNameProblem(input.dataset);
    if (problem) throw new AppError(problem, { name: input.dataset });
    const id = await insertRule(
      connection,
      {
        name: input.name,
        accountId: input.accountId,
        folder: input.folder,
        senders: input.senders,
        subjects: input.subjects,
        attachmentPatterns: input.attachmentPatterns,
        since: input.since,
        dataset: input.dataset,
        markSeen: input.markSeen,
        moveTo: input.moveTo,
        maxAttachmentBytes: Math.round(input.maxAttachmentMb * 1024 * 1024),
      },
      clock.now(),
    );
    changed({ ruleId: id });
    return (await rules()).find((r) => r.id === id)!;
  }

  async function removeRule(id: number): Promise<{ removed: boolean }> {
    const rule = await getRule(await catalog(), id);
    if (running.has(id)) throw new AppError('mail_fetch_running', { rule: rule.name });
    await (await catalog()).transaction((tx) => deleteRule(tx, id));
    changed({ ruleId: id });
    return { removed: true };
  }

  /**
   * Fetches one rule: every matching attachment not imported before, exactly once. For
   * "Fetch now", `logscope fetch` and the scheduler; never two at once for one rule.
   * Failures of single attachments are listed in the result; failures of the whole run
   * (connection, sign-in, folder) are its `error` and `outcome: 'failed'`.
   */
  async function fetchRule(ruleId: number, options: { signal?: AbortSignal; jobId?: string; onProgress?: (progress: MailProgress) => void } = {}): Promise<MailFetchResult> {
    await cleaned;
    const connection = await catalog();
    const rule = await getRule(connection, ruleId);
    if (running.has(ruleId)) throw new AppError('mail_fetch_running', { rule: rule.name });
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    let finish = () => undefined as void;
    running.set(ruleId, { controller, finished: new Promise<void>((resolve) => (finish = resolve)) });
    const jobId = options.jobId ?? `rule-${ruleId}`;
    try {
      const account = await getAccount(connection, rule.accountId);
      const result = await runFetch(
        {
          db,
          imports: deps.imports,
          clock,
          log,
          tempDir: deps.tempDir,
          signal: controller.signal,
          open: () => signIn(account),
          onProgress: (progress) => {
            events.emit('mail.progress', { jobId, ...progress });
            options.onProgress?.(progress);
          },
        },
        rule,
        account,
      );
      log.info('mail fetch finished', { rule: rule.name, outcome: result.outcome, imported: result.imported, failed: result.failed });
      // A revoked grant shows on the account ("sign in again"), not only on this rule's last run.
      if (result.error?.code === 'oauth_sign_in_again') await recordTest(connection, account.id, { ok: false, errorCode: result.error.code }, clock.now());
      return result;
    } finally {
      running.delete(ruleId);
      finish();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async function collected(input: ParsedInput<'mail.collected'>): Promise<{ files: MailCollectedFile[]; total: number }> {
    const connection = await catalog();
    const where = `s.origin = 'mail'${input.datasetId ? ' AND s.dataset_id = $datasetId' : ''}`;
    const params: Record<string, number> = input.datasetId ? { datasetId: input.datasetId } : {};
    const { rows } = await connection.all(
      `SELECT s.id, s.dataset_id, d.name, s.file_name, s.rows, s.imported_at, s.origin_detail
       FROM logscope.source_files s JOIN logscope.datasets d ON d.id = s.dataset_id
       WHERE ${where} ORDER BY s.id DESC LIMIT $limit OFFSET $offset`,
      { ...params, limit: input.limit, offset: input.offset },
    );
    const total = await connection.all(`SELECT count(*) FROM logscope.source_files s WHERE ${where}`, params);
    const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
    return {
      total: Number(total.rows[0]?.[0] ?? 0),
      files: rows.map((r) => {
        const detail = r[6] === null ? {} : (JSON.parse(String(r[6])) as Record<string, unknown>);
        return {
          sourceId: Number(r[0]),
          datasetId: Number(r[1]),
          dataset: String(r[2]),
          fileName: String(r[3]),
          rows: Number(r[4]),
          importedAt: toCell(r[5]) as string,
          account: text(detail.account),
          rule: text(detail.rule),
          folder: text(detail.folder),
          sender: text(detail.sender),
          subject: text(detail.subject),
          date: text(detail.date),
          messageId: text(detail.messageId),
          part: text(detail.part),
        };
      }),
    };
  }

  async function status() {
    const now = Date.now();
    if (!keychainProbe || now - keychainProbe.at > keychainProbeTtlMs) {
      const probe = await secrets.probe();
      keychainProbe = { at: now, value: { available: probe.available, reason: probe.reason ?? null, store: probe.store ?? null } };
    }
    return { keychain: keychainProbe.value, ownerKind: deps.ownerKind };
  }

  return {
    status,
    listAccounts: async () => (await listAccounts(await catalog())).map(toContract),
    createAccount,
    importAccount,
    updateAccount: updateAccountFields,
    removeAccount,
    testAccount,
    listFolders,
    listRules: rules,
    createRule,
    removeRule,
    fetchRule,
    /** Resolves when the rule's running fetch (if any) has finished. */
    fetchFinished: async (ruleId: number): Promise<void> => running.get(ruleId)?.finished,
    /**
     * A fetch that waits for the rule's running one instead of failing: that one may have
     * listed the folder before the newest mail came (push listeners and scheduled fetches,
     * which now meet on the same rule).
     */
    async fetchRuleWhenFree(ruleId: number, options: Parameters<typeof fetchRule>[1] = {}): Promise<MailFetchResult> {
      for (;;) {
        const busy = running.get(ruleId);
        if (busy) {
          await busy.finished;
          if (options.signal?.aborted) throw new AppError('cancelled', {});
          continue;
        }
        try {
          return await fetchRule(ruleId, options);
        } catch (error) {
          // Another caller started between the look and the fetch's own check: wait for it too.
          if (!(error instanceof AppError && error.code === 'mail_fetch_running')) throw error;
        }
      }
    },
    /**
     * Signs in to a rule's account on a connection that IDLEs by itself once a folder is
     * open (a push listener's); the caller opens the folder and closes the connection.
     */
    async openIdleConnection(ruleId: number, maxIdleMs: number): Promise<OpenedImap> {
      const rule = await getRule(await catalog(), ruleId);
      return signIn(await getAccount(await catalog(), rule.accountId), { idle: { maxIdleMs } });
    },
    onChange(listener: (change: MailChange) => void): () => void {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    collected,
    /** Stops running fetches; each records its run as cancelled. */
    dispose() {
      for (const { controller } of running.values()) controller.abort();
    },
  };
}

export type MailInService = ReturnType<typeof createMailInService>;

/** The contract's mail methods, bound to the service. */
export function createMailInHandlers(
  mail: MailInService,
): Pick<
  Handlers,
  | 'mail.status'
  | 'mail.accounts.list'
  | 'mail.accounts.create'
  | 'mail.accounts.update'
  | 'mail.accounts.remove'
  | 'mail.accounts.test'
  | 'mail.folders.list'
  | 'mail.rules.list'
  | 'mail.rules.create'
  | 'mail.rules.remove'
  | 'mail.fetch'
  | 'mail.collected'
> {
  return {
    'mail.status': () => mail.status(),
    'mail.accounts.list': () => mail.listAccounts(),
    'mail.accounts.create': (input) => mail.createAccount(input),
    'mail.accounts.update': (input) => mail.updateAccount(input),
    'mail.accounts.remove': (input) => mail.removeAccount(input.id),
    'mail.accounts.test': (input) => mail.testAccount(input.id),
    'mail.folders.list': (input) => mail.listFolders(input.accountId),
    'mail.rules.list': () => mail.listRules(),
    'mail.rules.create': (input) => mail.createRule(input),
    'mail.rules.remove': (input) => mail.removeRule(input.id),
    'mail.fetch': (input, { signal }) => mail.fetchRule(input.ruleId, { signal, jobId: input.jobId }),
    'mail.collected': (input) => mail.collected(input),
  };
}
