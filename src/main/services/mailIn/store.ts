import type { DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import type { MailAccount, MailRule, MailRunSummary, MailSecurity, TlsTrust } from '../../../shared/api/contract/mail';
import { connectionFromRow, secretParams, trustParams, type SecretPlace } from '../catalog/connectionColumns';

/**
 * The catalogue side of mail collection (tables of migration 3). Plain functions over a
 * connection or a transaction; values are always bound.
 */

export interface AccountRecord {
  id: number;
  name: string;
  host: string;
  port: number;
  security: MailSecurity;
  user: string;
  trust: TlsTrust;
  /** Where the password lives; never the password. */
  secret: SecretPlace;
  lastTest: MailAccount['lastTest'];
  createdAt: string;
}

export interface RuleRecord {
  id: number;
  name: string;
  accountId: number;
  folder: string;
  senders: string[];
  subjects: string[];
  attachmentPatterns: string[];
  since: string | null;
  dataset: string;
  markSeen: boolean;
  moveTo: string | null;
  maxAttachmentBytes: number;
  createdAt: string;
}

export const nameKey = (name: string) => name.trim().toLowerCase();

const accountColumns = `id, name, host, port, security, user_name, trust_kind, trust_value, secret_store, credentials_path,
  last_test_at, last_test_ok, last_test_error, created_at`;

function toAccount(row: unknown[]): AccountRecord {
  return {
    id: Number(row[0]),
    name: String(row[1]),
    host: String(row[2]),
    port: Number(row[3]),
    security: String(row[4]) as MailSecurity,
    user: String(row[5]),
    ...connectionFromRow(row.slice(6, 13)),
    createdAt: toCell(row[13]) as string,
  };
}

export async function listAccounts(db: DbStatements): Promise<AccountRecord[]> {
  const { rows } = await db.all(`SELECT ${accountColumns} FROM logscope.mail_accounts ORDER BY name_key`);
  return rows.map(toAccount);
}

export async function getAccount(db: DbStatements, id: number): Promise<AccountRecord> {
  const { rows } = await db.all(`SELECT ${accountColumns} FROM logscope.mail_accounts WHERE id = $id`, { id });
  if (!rows[0]) throw new AppError('mail_account_not_found', { name: String(id) });
  return toAccount(rows[0]);
}

export async function findAccountByName(db: DbStatements, name: string): Promise<AccountRecord | null> {
  const { rows } = await db.all(`SELECT ${accountColumns} FROM logscope.mail_accounts WHERE name_key = $key`, { key: nameKey(name) });
  return rows[0] ? toAccount(rows[0]) : null;
}

export interface AccountFields {
  name: string;
  host: string;
  port: number;
  security: MailSecurity;
  user: string;
  trust: TlsTrust;
  secret: AccountRecord['secret'];
}

export async function insertAccount(db: DbStatements, fields: AccountFields, now: Date): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.mail_accounts (name, name_key, host, port, security, user_name, trust_kind, trust_value, secret_store, credentials_path, created_at, updated_at)
     VALUES ($name, $key, $host, $port, $security, $user, $trustKind, $trustValue, $store, $path, $now::TIMESTAMP, $now::TIMESTAMP) RETURNING id`,
    {
      name: fields.name,
      key: nameKey(fields.name),
      host: fields.host,
      port: fields.port,
      security: fields.security,
      user: fields.user,
      ...trustParams(fields.trust),
      ...secretParams(fields.secret),
      now: now.toISOString(),
    },
  );
  return Number(rows[0]?.[0]);
}

export async function updateAccount(db: DbStatements, id: number, fields: AccountFields, now: Date): Promise<void> {
  await db.run(
    `UPDATE logscope.mail_accounts SET name = $name, name_key = $key, host = $host, port = $port, security = $security, user_name = $user,
       trust_kind = $trustKind, trust_value = $trustValue, secret_store = $store, credentials_path = $path,
       last_test_at = NULL, last_test_ok = NULL, last_test_error = NULL, updated_at = $now::TIMESTAMP
     WHERE id = $id`,
    {
      id,
      name: fields.name,
      key: nameKey(fields.name),
      host: fields.host,
      port: fields.port,
      security: fields.security,
      user: fields.user,
      ...trustParams(fields.trust),
      ...secretParams(fields.secret),
      now: now.toISOString(),
    },
  );
}

export async function recordTest(db: DbStatements, id: number, result: { ok: boolean; errorCode: string | null }, now: Date): Promise<void> {
  await db.run(`UPDATE logscope.mail_accounts SET last_test_at = $now::TIMESTAMP, last_test_ok = $ok, last_test_error = $error WHERE id = $id`, {
    id,
    ok: result.ok,
    error: result.errorCode,
    now: now.toISOString(),
  });
}

export async function deleteAccount(db: DbStatements, id: number): Promise<void> {
  await db.run(`DELETE FROM logscope.mail_accounts WHERE id = $id`, { id });
}

const ruleColumns = `id, name, account_id, folder, senders, subjects, attachment_patterns, strftime(since, '%Y-%m-%d'), dataset, mark_seen, move_to,
  max_attachment_bytes, created_at`;

function toRule(row: unknown[]): RuleRecord {
  return {
    id: Number(row[0]),
    name: String(row[1]),
    accountId: Number(row[2]),
    folder: String(row[3]),
    senders: JSON.parse(String(row[4])) as string[],
    subjects: JSON.parse(String(row[5])) as string[],
    attachmentPatterns: JSON.parse(String(row[6])) as string[],
    since: row[7] === null ? null : String(row[7]),
    dataset: String(row[8]),
    markSeen: Boolean(row[9]),
    moveTo: row[10] === null ? null : String(row[10]),
    maxAttachmentBytes: Number(row[11]),
    createdAt: toCell(row[12]) as string,
  };
}

export async function listRules(db: DbStatements): Promise<RuleRecord[]> {
  const { rows } = await db.all(`SELECT ${ruleColumns} FROM logscope.mail_rules ORDER BY name_key`);
  return rows.map(toRule);
}

export async function getRule(db: DbStatements, id: number): Promise<RuleRecord> {
  const { rows } = await db.all(`SELECT ${ruleColumns} FROM logscope.mail_rules WHERE id = $id`, { id });
  if (!rows[0]) throw new AppError('mail_rule_not_found', { name: String(id) });
  return toRule(rows[0]);
}

export async function findRuleByName(db: DbStatements, name: string): Promise<RuleRecord | null> {
  const { rows } = await db.all(`SELECT ${ruleColumns} FROM logscope.mail_rules WHERE name_key = $key`, { key: nameKey(name) });
  return rows[0] ? toRule(rows[0]) : null;
}

export async function rulesOfAccount(db: DbStatements, accountId: number): Promise<string[]> {
  const { rows } = await db.all(`SELECT name FROM logscope.mail_rules WHERE account_id = $accountId ORDER BY name_key`, { accountId });
  return rows.map((r) => String(r[0]));
}

export async function insertRule(db: DbStatements, rule: Omit<RuleRecord, 'id' | 'createdAt'>, now: Date): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.mail_rules (name, name_key, account_id, folder, senders, subjects, attachment_patterns, since, dataset, mark_seen, move_to,
       max_attachment_bytes, created_at, updated_at)
     VALUES ($name, $key, $accountId, $folder, $senders, $subjects, $patterns, $since::DATE, $dataset, $markSeen, $moveTo, $maxBytes,
       $now::TIMESTAMP, $now::TIMESTAMP) RETURNING id`,
    {
      name: rule.name,
      key: nameKey(rule.name),
      accountId: rule.accountId,
      folder: rule.folder,
      senders: JSON.stringify(rule.senders),
      subjects: JSON.stringify(rule.subjects),
      patterns: JSON.stringify(rule.attachmentPatterns),
      since: rule.since,
      dataset: rule.dataset,
      markSeen: rule.markSeen,
      moveTo: rule.moveTo,
      maxBytes: rule.maxAttachmentBytes,
      now: now.toISOString(),
    },
  );
  return Number(rows[0]?.[0]);
}

/** A rule and everything kept for it; the data it imported stays in its dataset. */
export async function deleteRule(db: DbStatements, id: number): Promise<void> {
  for (const table of ['mail_sync_state', 'mail_items', 'mail_runs']) {
    await db.run(`DELETE FROM logscope.${table} WHERE rule_id = $id`, { id });
  }
  await db.run(`DELETE FROM logscope.mail_rules WHERE id = $id`, { id });
}

export interface SyncState {
  uidValidity: string;
  lastUid: number;
}

export async function getSyncState(db: DbStatements, ruleId: number, folder: string): Promise<SyncState | null> {
  const { rows } = await db.all(`SELECT uid_validity, last_uid FROM logscope.mail_sync_state WHERE rule_id = $ruleId AND folder = $folder`, {
    ruleId,
    folder,
  });
  return rows[0] ? { uidValidity: String(rows[0][0]), lastUid: Number(rows[0][1]) } : null;
}

export async function setSyncState(db: DbStatements, ruleId: number, folder: string, state: SyncState, now: Date): Promise<void> {
  await db.run(
    `INSERT INTO logscope.mail_sync_state (rule_id, folder, uid_validity, last_uid, updated_at) VALUES ($ruleId, $folder, $uidValidity, $lastUid, $now::TIMESTAMP)
     ON CONFLICT (rule_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
    { ruleId, folder, uidValidity: state.uidValidity, lastUid: state.lastUid, now: now.toISOString() },
  );
}

export const itemKey = (messageKey: string, part: string) => `${messageKey}\u0000${part}`;

/**
 * Which of `keys` (message key + part) need no download: imported by any rule (the
 * importer's own catalogue row, committed with the rows, so a crash between the import and
 * this rule's bookkeeping still counts), or settled by this rule before.
 */
export interface ItemRecord {
  outcome: 'imported' | 'duplicate' | 'failed' | 'retry';
  sourceId: number | null;
  attempts: number;
}

export async function settledKeys(db: DbStatements, ruleId: number, messageKeys: string[]): Promise<Map<string, ItemRecord>> {
  const settled = new Map<string, ItemRecord>();
  if (messageKeys.length === 0) return settled;
  const keys = JSON.stringify([...new Set(messageKeys)]);
  const imported = await db.all(
    `SELECT json_extract_string(origin_detail, '$.messageKey'), json_extract_string(origin_detail, '$.part'), id FROM logscope.source_files
     WHERE origin = 'mail' AND json_extract_string(origin_detail, '$.messageKey') IN (SELECT unnest(from_json($keys, '["VARCHAR"]')))`,
    { keys },
  );
  for (const row of imported.rows) settled.set(itemKey(String(row[0]), String(row[1])), { outcome: 'imported', sourceId: Number(row[2]), attempts: 1 });
  const items = await db.all(
    `SELECT message_key, part, outcome, source_id, attempts FROM logscope.mail_items
     WHERE message_key IN (SELECT unnest(from_json($keys, '["VARCHAR"]'))) AND (rule_id = $ruleId OR outcome IN ('imported', 'duplicate'))`,
    { keys, ruleId },
  );
  for (const row of items.rows) {
    const key = itemKey(String(row[0]), String(row[1]));
    if (!settled.has(key)) {
      settled.set(key, { outcome: String(row[2]) as ItemRecord['outcome'], sourceId: row[3] === null ? null : Number(row[3]), attempts: Number(row[4]) });
    }
  }
  return settled;
}

export async function insertItem(
  db: DbStatements,
  item: {
    ruleId: number;
    messageKey: string;
    part: string;
    folder: string;
    uidValidity: string;
    uid: number;
    fileName: string;
    outcome: ItemRecord['outcome'];
    sourceId: number | null;
    errorCode: string | null;
    attempts: number;
  },
  now: Date,
): Promise<void> {
  await db.run(
    `INSERT OR REPLACE INTO logscope.mail_items (rule_id, message_key, part, folder, uid_validity, uid, file_name, outcome, source_id, error_code, attempts, settled_at)
     VALUES ($ruleId, $messageKey, $part, $folder, $uidValidity, $uid, $fileName, $outcome, $sourceId, $errorCode, $attempts, $now::TIMESTAMP)`,
    { ...item, now: now.toISOString() },
  );
}

export async function insertRun(db: DbStatements, ruleId: number, startedAt: Date): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.mail_runs (rule_id, started_at, outcome) VALUES ($ruleId, $startedAt::TIMESTAMP, 'running') RETURNING id`,
    { ruleId, startedAt: startedAt.toISOString() },
  );
  return Number(rows[0]?.[0]);
}

/** Keeps this many runs per rule: a scheduled rule must not grow the catalogue without end. */
const runsKept = 200;

export async function finishRun(db: DbStatements, summary: MailRunSummary): Promise<void> {
  await db.run(`UPDATE logscope.mail_runs SET finished_at = $finishedAt::TIMESTAMP, outcome = $outcome, summary = $summary WHERE id = $id`, {
    id: summary.runId,
    finishedAt: summary.finishedAt,
    outcome: summary.outcome,
    summary: JSON.stringify(summary),
  });
  await db.run(
    `DELETE FROM logscope.mail_runs WHERE rule_id = $ruleId AND id NOT IN (SELECT id FROM logscope.mail_runs WHERE rule_id = $ruleId ORDER BY id DESC LIMIT ${runsKept})`,
    { ruleId: summary.ruleId },
  );
}

export async function lastRuns(db: DbStatements): Promise<Map<number, MailRunSummary>> {
  const { rows } = await db.all(
    `SELECT rule_id, summary FROM logscope.mail_runs WHERE summary IS NOT NULL QUALIFY row_number() OVER (PARTITION BY rule_id ORDER BY id DESC) = 1`,
  );
  return new Map(rows.map((r) => [Number(r[0]), JSON.parse(String(r[1])) as MailRunSummary]));
}

export async function syncStates(db: DbStatements): Promise<Map<number, NonNullable<MailRule['sync']>>> {
  const { rows } = await db.all(
    `SELECT s.rule_id, s.folder, s.uid_validity, s.last_uid FROM logscope.mail_sync_state s JOIN logscope.mail_rules r ON r.id = s.rule_id AND r.folder = s.folder`,
  );
  return new Map(rows.map((r) => [Number(r[0]), { folder: String(r[1]), uidValidity: String(r[2]), lastUid: Number(r[3]) }]));
}
