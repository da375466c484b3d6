import type { DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import type { TlsTrust } from '../../../shared/api/contract/mail';
import { connectionFromRow, secretParams, trustParams, type SecretPlace } from '../catalog/connectionColumns';
import type { ReportSend, SmtpAccount, SmtpSecurity } from '../../../shared/api/contract/report';

/**
 * The catalogue side of sending mail: SMTP accounts (never a password, only where it is
 * kept) and the history of every message sent. Values are always bound.
 */

export interface SmtpAccountRecord {
  id: number;
  name: string;
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  from: string;
  fromName: string | null;
  trust: TlsTrust;
  secret: SecretPlace;
  lastTest: SmtpAccount['lastTest'];
  createdAt: string;
}

export type SmtpAccountFields = Omit<SmtpAccountRecord, 'id' | 'lastTest' | 'createdAt'>;

export const nameKey = (name: string) => name.trim().toLowerCase();

const columns = `id, name, host, port, security, user_name, from_address, from_name, trust_kind, trust_value, secret_store, credentials_path,
  last_test_at, last_test_ok, last_test_error, created_at`;

function toRecord(row: unknown[]): SmtpAccountRecord {
  return {
    id: Number(row[0]),
    name: String(row[1]),
    host: String(row[2]),
    port: Number(row[3]),
    security: String(row[4]) as SmtpSecurity,
    user: String(row[5]),
    from: String(row[6]),
    fromName: row[7] === null ? null : String(row[7]),
    ...connectionFromRow(row.slice(8, 15)),
    createdAt: toCell(row[15]) as string,
  };
}

export async function listSmtpAccounts(db: DbStatements): Promise<SmtpAccountRecord[]> {
  const { rows } = await db.all(`SELECT ${columns} FROM logscope.smtp_accounts ORDER BY name_key`);
  return rows.map(toRecord);
}

export async function getSmtpAccount(db: DbStatements, id: number): Promise<SmtpAccountRecord> {
  const { rows } = await db.all(`SELECT ${columns} FROM logscope.smtp_accounts WHERE id = $id`, { id });
  if (!rows[0]) throw new AppError('smtp_account_not_found', { name: String(id) });
  return toRecord(rows[0]);
}

export async function findSmtpAccountByName(db: DbStatements, name: string): Promise<SmtpAccountRecord | null> {
  const { rows } = await db.all(`SELECT ${columns} FROM logscope.smtp_accounts WHERE name_key = $key`, { key: nameKey(name) });
  return rows[0] ? toRecord(rows[0]) : null;
}


function fieldParams(fields: SmtpAccountFields) {
  return {
    name: fields.name,
    key: nameKey(fields.name),
    host: fields.host,
    port: fields.port,
    security: fields.security,
    user: fields.user,
    from: fields.from,
    fromName: fields.fromName,
    ...trustParams(fields.trust),
    ...secretParams(fields.secret),
  };
}

export async function insertSmtpAccount(db: DbStatements, fields: SmtpAccountFields, now: Date): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.smtp_accounts (name, name_key, host, port, security, user_name, from_address, from_name, trust_kind, trust_value, secret_store,
       credentials_path, created_at, updated_at)
     VALUES ($name, $key, $host, $port, $security, $user, $from, $fromName, $trustKind, $trustValue, $store, $path, $now::TIMESTAMP, $now::TIMESTAMP)
     RETURNING id`,
    { ...fieldParams(fields), now: now.toISOString() },
  );
  return Number(rows[0]?.[0]);
}

export async function updateSmtpAccount(db: DbStatements, id: number, fields: SmtpAccountFields, now: Date): Promise<void> {
  await db.run(
    `UPDATE logscope.smtp_accounts SET name = $name, name_key = $key, host = $host, port = $port, security = $security, user_name = $user,
       from_address = $from, from_name = $fromName, trust_kind = $trustKind, trust_value = $trustValue, secret_store = $store, credentials_path = $path,
       last_test_at = NULL, last_test_ok = NULL, last_test_error = NULL, updated_at = $now::TIMESTAMP
     WHERE id = $id`,
    { ...fieldParams(fields), id, now: now.toISOString() },
  );
}

export async function recordSmtpTest(db: DbStatements, id: number, result: { ok: boolean; errorCode: string | null }, now: Date): Promise<void> {
  await db.run(`UPDATE logscope.smtp_accounts SET last_test_at = $now::TIMESTAMP, last_test_ok = $ok, last_test_error = $error WHERE id = $id`, {
    id,
    ok: result.ok,
    error: result.errorCode,
    now: now.toISOString(),
  });
}

export async function deleteSmtpAccount(db: DbStatements, id: number): Promise<void> {
  await db.run(`DELETE FROM logscope.smtp_accounts WHERE id = $id`, { id });
}

// ------------------------------------------------------------------------- history

export type SendRecord = Omit<ReportSend, 'id'>;

export async function insertSend(db: DbStatements, record: SendRecord): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.report_sends (kind, report_id, name, dataset, trigger, started_at, finished_at, account, recipients, subject, outcome, message_id,
       server_message_id, response, accepted, rejected, attempts, bytes, error)
     VALUES ($kind, $reportId, $name, $dataset, $trigger, $startedAt::TIMESTAMP, $finishedAt::TIMESTAMP, $account, $recipients, $subject, $outcome, $messageId,
       $serverMessageId, $response, $accepted, $rejected, $attempts, $bytes, $error)
     RETURNING id`,
    {
      kind: record.kind,
      reportId: record.reportId,
      name: record.name,
      dataset: record.dataset,
      trigger: record.trigger,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      account: record.account,
      recipients: JSON.stringify(record.recipients),
      subject: record.subject,
      outcome: record.outcome,
      messageId: record.messageId,
      serverMessageId: record.serverMessageId,
      response: record.response,
      accepted: JSON.stringify(record.accepted),
      rejected: JSON.stringify(record.rejected),
      attempts: record.attempts,
      bytes: record.bytes,
      error: record.error ? JSON.stringify(record.error) : null,
    },
  );
  return Number(rows[0]?.[0]);
}

const sendColumns = `id, kind, report_id, name, dataset, trigger, started_at, finished_at, account, recipients, subject, outcome, message_id, server_message_id,
  response, accepted, rejected, attempts, bytes, error`;

function toSend(row: unknown[]): ReportSend {
  return {
    id: Number(row[0]),
    kind: String(row[1]) as ReportSend['kind'],
    reportId: row[2] === null ? null : Number(row[2]),
    name: row[3] === null ? null : String(row[3]),
    dataset: row[4] === null ? null : String(row[4]),
    trigger: String(row[5]) as ReportSend['trigger'],
    startedAt: toCell(row[6]) as string,
    finishedAt: toCell(row[7]) as string,
    account: row[8] === null ? null : String(row[8]),
    recipients: JSON.parse(String(row[9])) as string[],
    subject: String(row[10]),
    outcome: String(row[11]) as ReportSend['outcome'],
    messageId: String(row[12]),
    serverMessageId: row[13] === null ? null : String(row[13]),
    response: row[14] === null ? null : String(row[14]),
    accepted: JSON.parse(String(row[15])) as string[],
    rejected: JSON.parse(String(row[16])) as ReportSend['rejected'],
    attempts: Number(row[17]),
    bytes: Number(row[18]),
    error: row[19] === null ? null : (JSON.parse(String(row[19])) as ReportSend['error']),
  };
}

export async function listSends(db: DbStatements, reportId: number | null, limit: number): Promise<ReportSend[]> {
  const { rows } = await db.all(
    `SELECT ${sendColumns} FROM logscope.report_sends ${reportId === null ? '' : 'WHERE report_id = $reportId'} ORDER BY id DESC LIMIT $limit`,
    reportId === null ? { limit } : { reportId, limit },
  );
  return rows.map(toSend);
}

export async function getSend(db: DbStatements, id: number): Promise<ReportSend> {
  const { rows } = await db.all(`SELECT ${sendColumns} FROM logscope.report_sends WHERE id = $id`, { id });
  if (!rows[0]) throw new AppError('not_found', { what: 'sent report', id });
  return toSend(rows[0]);
}

export async function lastSends(db: DbStatements): Promise<Map<number, ReportSend>> {
  const { rows } = await db.all(
    `SELECT ${sendColumns} FROM logscope.report_sends WHERE report_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY report_id ORDER BY id DESC) = 1`,
  );
  return new Map(rows.map((row) => [Number(row[2]), toSend(row)]));
}
