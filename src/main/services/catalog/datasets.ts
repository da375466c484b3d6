import type { DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import { datasetNameKey } from '../../../shared/datasetNames';
import { qualified, quoteIdent } from '../../../shared/sql/quote';

/** The table that holds a dataset's rows. */
export const datasetTable = (name: string): string => qualified('main', name);

/** A dataset as the catalogue records it. */
export interface DatasetRecord {
  id: number;
  name: string;
  timeColumn: string | null;
  rowCount: number;
  timeMin: string | null;
  timeMax: string | null;
  createdAt: string;
  /** Where the rows live when not in the local file: a ClickHouse connection's table (issue 21). */
  engine: DatasetEngineLink | null;
}

/** A dataset's ClickHouse table. */
export interface DatasetEngineLink {
  connection: string;
  table: string;
  /** The database holding the table; null for the connection's own. */
  database: string | null;
  /** An attached table of the user's: read, never written (no imports, deletes or pattern ids). */
  readOnly: boolean;
}

const selectDataset = `SELECT id, name, time_column, row_count, time_min, time_max, created_at, e.connection, e.table_name, e.database_name, e.read_only
  FROM logscope.datasets LEFT JOIN logscope.engine_datasets e ON e.dataset_id = id`;

function toRecord(row: unknown[]): DatasetRecord {
  return {
    id: Number(row[0]),
    name: String(row[1]),
    timeColumn: row[2] === null ? null : String(row[2]),
    rowCount: Number(row[3]),
    timeMin: toCell(row[4]) as string | null,
    timeMax: toCell(row[5]) as string | null,
    createdAt: toCell(row[6]) as string,
    engine:
      row[7] === null || row[7] === undefined
        ? null
        : { connection: String(row[7]), table: String(row[8]), database: row[9] === null ? null : String(row[9]), readOnly: row[10] === true },
  };
}

export async function listDatasetRecords(db: DbStatements): Promise<DatasetRecord[]> {
  const { rows } = await db.all(`${selectDataset} ORDER BY name_key`);
  return rows.map(toRecord);
}

export async function findDatasetRecord(db: DbStatements, id: number): Promise<DatasetRecord | null> {
  const { rows } = await db.all(`${selectDataset} WHERE id = $id`, { id });
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function getDatasetRecord(db: DbStatements, id: number): Promise<DatasetRecord> {
  const record = await findDatasetRecord(db, id);
  if (!record) throw new AppError('dataset_not_found', { name: String(id) });
  return record;
}

export async function findDatasetByName(db: DbStatements, name: string): Promise<DatasetRecord | null> {
  const { rows } = await db.all(`${selectDataset} WHERE name_key = $key`, { key: datasetNameKey(name) });
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function insertDatasetRecord(
  db: DbStatements,
  dataset: { name: string; timeColumn: string | null; now: Date },
): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.datasets (name, name_key, time_column, created_at, updated_at)
     VALUES ($name, $key, $timeColumn, $now::TIMESTAMP, $now::TIMESTAMP) RETURNING id`,
    { name: dataset.name, key: datasetNameKey(dataset.name), timeColumn: dataset.timeColumn, now: dataset.now.toISOString() },
  );
  return Number(rows[0]?.[0]);
}

/** Row count and time range, recomputed from the table itself so they cannot drift. */
export async function refreshDatasetStats(db: DbStatements, record: { id: number; name: string; timeColumn: string | null }, now: Date) {
  const table = datasetTable(record.name);
  const time = record.timeColumn ? quoteIdent(record.timeColumn) : null;
  await db.run(
    `UPDATE logscope.datasets SET
       row_count = (SELECT count(*) FROM ${table}),
       time_min = ${time ? `(SELECT min(${time})::TIMESTAMP FROM ${table})` : 'NULL'},
       time_max = ${time ? `(SELECT max(${time})::TIMESTAMP FROM ${table})` : 'NULL'},
       updated_at = $now::TIMESTAMP
     WHERE id = $id`,
    { id: record.id, now: now.toISOString() },
  );
}
