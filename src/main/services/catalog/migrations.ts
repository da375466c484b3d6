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
