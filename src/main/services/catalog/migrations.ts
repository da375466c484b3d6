import type { DbConnection } from '../db/database';

/**
 * The catalogue lives in the `logscope` schema, apart from datasets (tables in `main`
 * named after the dataset), so no dataset name can clash with it. Each migration runs
 * once, in order, inside a transaction; the applied version is recorded.
 */
export const catalogSchema = 'logscope';

export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'datasets and settings',
    statements: [
      `CREATE SEQUENCE logscope.dataset_ids START 1`,
      `CREATE TABLE logscope.datasets (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.dataset_ids'),
         name VARCHAR NOT NULL,
         name_key VARCHAR NOT NULL UNIQUE,
         time_column VARCHAR,
         row_count BIGINT NOT NULL DEFAULT 0,
         time_min TIMESTAMP,
         time_max TIMESTAMP,
         created_at TIMESTAMP NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      `CREATE TABLE logscope.settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
    ],
  },
  {
    version: 2,
    description: 'source files, rejected lines, and their read-only views',
    statements: [
      `CREATE SEQUENCE logscope.source_ids START 1`,
      // One row per imported file (or archive member). The content hash is unique: the
      // same content is never imported twice, into any dataset.
      `CREATE TABLE logscope.source_files (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.source_ids'),
         dataset_id INTEGER NOT NULL,
         file_name VARCHAR NOT NULL,
         path VARCHAR,
         size_bytes BIGINT NOT NULL,
         content_hash VARCHAR NOT NULL UNIQUE,
         format VARCHAR NOT NULL,
         encoding VARCHAR NOT NULL,
         time_zone VARCHAR,
         time_column VARCHAR,
         lines BIGINT NOT NULL,
         rows BIGINT NOT NULL,
         rejected BIGINT NOT NULL,
         skipped BIGINT NOT NULL,
         time_unparsed BIGINT NOT NULL,
         ends_with_newline BOOLEAN NOT NULL,
         grown_from INTEGER,
         read_from_byte BIGINT NOT NULL,
         first_line BIGINT NOT NULL,
         origin VARCHAR NOT NULL,
         origin_detail VARCHAR,
         imported_at TIMESTAMP NOT NULL
       )`,
      `CREATE TABLE logscope.rejected_lines (
         source_id INTEGER NOT NULL,
         dataset_id INTEGER NOT NULL,
         line BIGINT,
         reason VARCHAR NOT NULL,
         raw VARCHAR
       )`,
      `CREATE VIEW logscope.sources AS
         SELECT s.id AS source_id, d.name AS dataset, s.file_name, s.size_bytes, s.content_hash, s.format, s.encoding,
                s.time_zone, s.lines, s.rows, s.rejected, s.skipped, s.origin, s.origin_detail, s.imported_at
         FROM logscope.source_files s JOIN logscope.datasets d ON d.id = s.dataset_id`,
      `CREATE VIEW logscope.rejects AS
         SELECT r.source_id, d.name AS dataset, s.file_name, r.line, r.reason, r.raw
         FROM logscope.rejected_lines r
         JOIN logscope.source_files s ON s.id = r.source_id
         JOIN logscope.datasets d ON d.id = r.dataset_id`,
    ],
  },
  {
    version: 3,
    description: 'mail collection: IMAP accounts, rules, sync state, settled attachments, runs',
    statements: [
      `CREATE SEQUENCE logscope.mail_account_ids START 1`,
      // Never a password: only where it is kept (keychain entry or credentials-file path).
      `CREATE TABLE logscope.mail_accounts (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.mail_account_ids'),
         name VARCHAR NOT NULL,
         name_key VARCHAR NOT NULL UNIQUE,
         host VARCHAR NOT NULL,
         port INTEGER NOT NULL,
         security VARCHAR NOT NULL,
         user_name VARCHAR NOT NULL,
         trust_kind VARCHAR NOT NULL,
         trust_value VARCHAR,
         secret_store VARCHAR NOT NULL,
         credentials_path VARCHAR,
         last_test_at TIMESTAMP,
         last_test_ok BOOLEAN,
         last_test_error VARCHAR,
         created_at TIMESTAMP NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      `CREATE SEQUENCE logscope.mail_rule_ids START 1`,
      `CREATE TABLE logscope.mail_rules (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.mail_rule_ids'),
         name VARCHAR NOT NULL,
         name_key VARCHAR NOT NULL UNIQUE,
         account_id INTEGER NOT NULL,
         folder VARCHAR NOT NULL,
         senders VARCHAR NOT NULL,
         subjects VARCHAR NOT NULL,
         attachment_patterns VARCHAR NOT NULL,
         since DATE,
         dataset VARCHAR NOT NULL,
         mark_seen BOOLEAN NOT NULL,
         move_to VARCHAR,
         max_attachment_bytes BIGINT NOT NULL,
         created_at TIMESTAMP NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      // Per rule and folder: UIDVALIDITY (a string: imapflow gives a BigInt) and the highest
      // UID below which every message is settled. It only moves after the rows are committed.
      `CREATE TABLE logscope.mail_sync_state (
         rule_id INTEGER NOT NULL,
         folder VARCHAR NOT NULL,
         uid_validity VARCHAR NOT NULL,
         last_uid BIGINT NOT NULL,
         updated_at TIMESTAMP NOT NULL,
         PRIMARY KEY (rule_id, folder)
       )`,
      // One row per attachment a rule has settled (imported, same content already there, or a
      // permanent failure), by Message-ID and part: never downloaded again. `retry` rows count
      // the attempts of an attachment whose import failed for a reason that may pass.
      `CREATE TABLE logscope.mail_items (
         rule_id INTEGER NOT NULL,
         message_key VARCHAR NOT NULL,
         part VARCHAR NOT NULL,
         folder VARCHAR NOT NULL,
         uid_validity VARCHAR NOT NULL,
         uid BIGINT NOT NULL,
         file_name VARCHAR NOT NULL,
         outcome VARCHAR NOT NULL,
         source_id INTEGER,
         error_code VARCHAR,
         attempts INTEGER NOT NULL,
         settled_at TIMESTAMP NOT NULL,
         PRIMARY KEY (rule_id, message_key, part)
       )`,
      `CREATE SEQUENCE logscope.mail_run_ids START 1`,
      `CREATE TABLE logscope.mail_runs (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.mail_run_ids'),
         rule_id INTEGER NOT NULL,
         started_at TIMESTAMP NOT NULL,
         finished_at TIMESTAMP,
         outcome VARCHAR NOT NULL,
         summary VARCHAR
       )`,
    ],
  },
  {
    version: 4,
    description: 'dashboard: column roles chosen per dataset, endpoint indexes',
    statements: [
      // The user's choice of column roles (JSON of the contract's Roles); no row: detected roles.
      `CREATE TABLE logscope.dashboard_roles (
         dataset_id INTEGER PRIMARY KEY,
         roles VARCHAR NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      // A table of each row's folded endpoint, in row order, for POSITIONAL JOIN; valid while
      // the dataset has the same rows (row count) and the endpoint role the same column.
      `CREATE TABLE logscope.endpoint_indexes (
         dataset_id INTEGER PRIMARY KEY,
         table_name VARCHAR NOT NULL,
         endpoint_column VARCHAR NOT NULL,
         row_count BIGINT NOT NULL,
         built_at TIMESTAMP NOT NULL
       )`,
    ],
  },
  {
    version: 5,
    description: 'message patterns: templates per dataset, miner state, the patterns view',
    statements: [
      // One row per surviving template of a dataset's miner (merged ones are deleted; their
      // rows carry the survivor's id). Each dataset row holds its id in `_ls_pattern`.
      `CREATE TABLE logscope.pattern_templates (
         dataset_id INTEGER NOT NULL,
         pattern_id INTEGER NOT NULL,
         template VARCHAR NOT NULL,
         example VARCHAR,
         count BIGINT NOT NULL,
         first_seen TIMESTAMP,
         last_seen TIMESTAMP,
         created_at TIMESTAMP NOT NULL
       )`,
      // The miner's state (JSON), written in the same transaction as the rows it assigned, so
      // mining resumes after a restart and an appended file keeps the ids.
      `CREATE TABLE logscope.pattern_state (
         dataset_id INTEGER NOT NULL,
         message_column VARCHAR,
         miner_state VARCHAR,
         rows_mined BIGINT NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      // Documented for SQL: join a dataset's `_ls_pattern` with `pattern_id` of its `dataset`.
      `CREATE VIEW logscope.patterns AS
         SELECT d.name AS dataset, p.pattern_id, p.template, p.count, p.first_seen, p.last_seen, p.example,
                s.message_column
         FROM logscope.pattern_templates p
         JOIN logscope.datasets d ON d.id = p.dataset_id
         LEFT JOIN logscope.pattern_state s ON s.dataset_id = p.dataset_id
         WHERE p.count > 0`,
    ],
  },
  {
    version: 6,
    description: 'SQL console: the history of what ran',
    statements: [
      `CREATE SEQUENCE logscope.query_history_ids START 1`,
      `CREATE TABLE logscope.query_history (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.query_history_ids'),
         sql VARCHAR NOT NULL,
         ran_at TIMESTAMP NOT NULL,
         elapsed_ms INTEGER,
         row_count BIGINT,
         error_code VARCHAR
       )`,
    ],
  },
  {
    version: 7,
    description: 'log formats: saved line patterns, column units, joined continuation lines',
    statements: [
      // A user's own line format (a regex with named groups), saved by name and offered again.
      `CREATE TABLE logscope.line_patterns (
         name_key VARCHAR PRIMARY KEY,
         name VARCHAR NOT NULL,
         pattern VARCHAR NOT NULL,
         created_at TIMESTAMP NOT NULL,
         last_used_at TIMESTAMP
       )`,
      // The unit of a duration column where the format says it (nginx's request_time: seconds).
      `CREATE TABLE logscope.column_units (
         dataset_id INTEGER NOT NULL,
         column_name VARCHAR NOT NULL,
         unit VARCHAR NOT NULL,
         PRIMARY KEY (dataset_id, column_name)
       )`,
      // Lines joined to the entry before them (stack traces): lines = rows + joined + rejected +
      // skipped. A table of its own: DuckDB 1.5 cannot replay an ALTER of source_files (its id
      // defaults to nextval) from the WAL after a crash ("GetDefaultDatabase with no default
      // database set"), so catalogue tables are not altered.
      `CREATE TABLE logscope.source_joined_lines (
         source_id INTEGER PRIMARY KEY,
         joined BIGINT NOT NULL
       )`,
    ],
  },
  {
    version: 8,
    description: 'scheduled jobs, their run log, retention policies, alert state',
    statements: [
      `CREATE SEQUENCE logscope.job_ids START 1`,
      `CREATE TABLE logscope.jobs (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.job_ids'),
         name VARCHAR NOT NULL,
         target VARCHAR NOT NULL,
         schedule VARCHAR NOT NULL,
         enabled BOOLEAN NOT NULL,
         created_at TIMESTAMP NOT NULL,
         last_slot TIMESTAMP
       )`,
      `CREATE SEQUENCE logscope.job_run_ids START 1`,
      // The run log survives restarts; a run without finished_at was cut short by a crash.
      `CREATE TABLE logscope.job_runs (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.job_run_ids'),
         job_id INTEGER NOT NULL,
         slot TIMESTAMP,
         started_at TIMESTAMP NOT NULL,
         finished_at TIMESTAMP,
         outcome VARCHAR,
         message VARCHAR,
         -- A failure as {code, params}, so each reader words it in its own language.
         error JSON,
         trigger VARCHAR NOT NULL
       )`,
      `CREATE TABLE logscope.retention (dataset_id INTEGER PRIMARY KEY, keep_days INTEGER, keep_rows BIGINT)`,
      // An alert fires once per incident: it remembers whether it is firing.
      `CREATE TABLE logscope.alert_state (job_id INTEGER PRIMARY KEY, firing BOOLEAN NOT NULL, since TIMESTAMP, last_value DOUBLE)`,
    ],
  },
  {
    version: 9,
    description: 'saved dashboards: charts shown, custom charts, order, sizes, filter state',
    statements: [
      // One JSON document per dataset (the contract's DashboardLayout, with a version field):
      // its shape can grow without altering the table. No row: the default dashboard.
      `CREATE TABLE logscope.dashboard_layouts (
         dataset_id INTEGER PRIMARY KEY,
         layout VARCHAR NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
    ],
  },
  {
    version: 10,
    description: 'e-mailed reports: SMTP accounts, report definitions, the history of messages sent',
    statements: [
      `CREATE SEQUENCE logscope.smtp_account_ids START 1`,
      // Never a password: only where it is kept (keychain entry or credentials-file path).
      `CREATE TABLE logscope.smtp_accounts (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.smtp_account_ids'),
         name VARCHAR NOT NULL,
         name_key VARCHAR NOT NULL UNIQUE,
         host VARCHAR NOT NULL,
         port INTEGER NOT NULL,
         security VARCHAR NOT NULL,
         user_name VARCHAR NOT NULL,
         from_address VARCHAR NOT NULL,
         from_name VARCHAR,
         trust_kind VARCHAR NOT NULL,
         trust_value VARCHAR,
         secret_store VARCHAR NOT NULL,
         credentials_path VARCHAR,
         last_test_at TIMESTAMP,
         last_test_ok BOOLEAN,
         last_test_error VARCHAR,
         created_at TIMESTAMP NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      `CREATE SEQUENCE logscope.report_ids START 1`,
      // The definition is the contract's ReportSpec as JSON: it can grow without an ALTER.
      `CREATE TABLE logscope.reports (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.report_ids'),
         name VARCHAR NOT NULL,
         name_key VARCHAR NOT NULL UNIQUE,
         dataset_id INTEGER NOT NULL,
         definition VARCHAR NOT NULL,
         created_at TIMESTAMP NOT NULL,
         updated_at TIMESTAMP NOT NULL
       )`,
      `CREATE SEQUENCE logscope.report_send_ids START 1`,
      // Every message sent or tried (reports, alerts, test messages), with the server's answer.
      `CREATE TABLE logscope.report_sends (
         id INTEGER PRIMARY KEY DEFAULT nextval('logscope.report_send_ids'),
         kind VARCHAR NOT NULL,
         report_id INTEGER,
         name VARCHAR,
         dataset VARCHAR,
         trigger VARCHAR NOT NULL,
         started_at TIMESTAMP NOT NULL,
         finished_at TIMESTAMP NOT NULL,
         account VARCHAR,
         recipients VARCHAR NOT NULL,
         subject VARCHAR NOT NULL,
         outcome VARCHAR NOT NULL,
         message_id VARCHAR NOT NULL,
         server_message_id VARCHAR,
         response VARCHAR,
         accepted VARCHAR NOT NULL,
         rejected VARCHAR NOT NULL,
         attempts INTEGER NOT NULL,
         bytes BIGINT NOT NULL,
         error VARCHAR
       )`,
    ],
  },
  {
    version: 11,
    description: 'line numbers an import still has to write (see importer/lineNumbers)',
    statements: [
      // A row from the import's transaction until the rows are numbered right after it;
      // one left over means the process stopped in between, and the next start numbers them.
      `CREATE TABLE logscope.pending_line_numbers (
         source_id INTEGER PRIMARY KEY,
         -- rows the reader inserted in file order, which numbering checks are all still there
         rows BIGINT NOT NULL,
         first_record_line BIGINT NOT NULL,
         -- lineShifts' result as JSON: [{fromRecord, shift}, …]
         shifts VARCHAR NOT NULL
       )`,
    ],
  },
  // 12 belongs to the summary tables (issue 20), merged from its own branch.
  {
    version: 13,
    description: 'datasets whose rows live in a ClickHouse table (issue 21)',
    statements: [
      // The connection by name (connections are a settings entry, not a table), so no foreign key.
      `CREATE TABLE logscope.engine_datasets (
         dataset_id INTEGER PRIMARY KEY,
         connection VARCHAR NOT NULL,
         table_name VARCHAR NOT NULL,
         linked_at TIMESTAMP NOT NULL
       )`,
    ],
  },
  {
    version: 14,
    description: 'per-minute dashboard summaries of datasets (issue 19)',
    statements: [
      // Existing datasets get theirs when the dashboard first opens them (one pass over the
      // rows, about what one chart's scan costs), not here: a migration that read every
      // dataset would hold up the app's start by the size of the data folder.
      `CREATE TABLE logscope.dashboard_summaries (
         dataset_id INTEGER PRIMARY KEY,
         table_name VARCHAR NOT NULL,
         -- SummarySpec as JSON: the roles and column types the summary groups by
         spec VARCHAR NOT NULL,
         -- the dataset's row count it was last brought up to
         row_count BIGINT NOT NULL,
         -- rows of the summary table itself: the dashboard reads it only when it is much smaller
         summary_rows BIGINT NOT NULL,
         built_at TIMESTAMP NOT NULL
       )`,
    ],
  },
  {
    version: 15,
    description: 'ClickHouse tables attached read-only, in any database of the server (issue 21)',
    statements: [
      // NULL: the connection's own database, as for pushed datasets.
      `ALTER TABLE logscope.engine_datasets ADD COLUMN database_name VARCHAR`,
      // The table is the user's: Logscope only reads it (no imports, deletes or pattern ids).
      `ALTER TABLE logscope.engine_datasets ADD COLUMN read_only BOOLEAN DEFAULT false`,
    ],
  },
];

export async function migrate(connection: DbConnection, now: Date): Promise<{ from: number; to: number }> {
  await connection.run(`CREATE SCHEMA IF NOT EXISTS logscope`);
  await connection.run(
    `CREATE TABLE IF NOT EXISTS logscope.schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP NOT NULL)`,
  );
  const { rows } = await connection.all(`SELECT coalesce(max(version), 0) FROM logscope.schema_migrations`);
  const from = Number(rows[0]?.[0] ?? 0);
  let to = from;
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    await connection.transaction(async (tx) => {
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run(`INSERT INTO logscope.schema_migrations VALUES ($version, $description, $appliedAt::TIMESTAMP)`, {
        version: migration.version,
        description: migration.description,
        appliedAt: now.toISOString(),
      });
    });
    to = migration.version;
  }
  return { from, to };
}
