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
