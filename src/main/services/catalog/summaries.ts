import type { DbStatements } from '../db/database';
import { quoteIdent } from '../../../shared/sql/quote';
import { sourceColumn } from '../../../shared/imports/plan';
import { summaryRowsSql, summarySpecKey, type SummarySpec } from '../../../shared/charts/summary';
import { datasetTable } from './datasets';

/**
 * The per-minute summary tables of datasets (issue 19; the SQL is `shared/charts/summary.ts`).
 * The dashboard builds a dataset's summary once its roles are known (the first open, or
 * right after the first import); from then on every statement that changes the rows keeps
 * it current in its own transaction: an import appends its source's minutes, removing a
 * source or retention rebuilds it, deleting the dataset drops it.
 */

export const summaryTableName = (datasetId: number) => `summary_${datasetId}`;
export const summaryTable = (datasetId: number) => `logscope.${quoteIdent(summaryTableName(datasetId))}`;

export interface StoredSummary {
  table: string;
  spec: SummarySpec;
  /** The dataset's row count the summary was last brought up to (checked against the catalogue's). */
  rowCount: number;
  /** Rows of the summary table (minutes × status × level, and minutes × latency bucket). */
  summaryRows: number;
}

/** Whether a stored summary answers for the dataset as it is: all its rows, under these roles. */
export function summaryIsCurrent(stored: StoredSummary | null, record: { rowCount: number }, spec: SummarySpec): stored is StoredSummary {
  return stored !== null && stored.rowCount === record.rowCount && summarySpecKey(stored.spec) === summarySpecKey(spec);
}

export async function readSummary(db: DbStatements, datasetId: number): Promise<StoredSummary | null> {
  const { rows } = await db.all(
    `SELECT s.spec, s.row_count, s.summary_rows FROM logscope.dashboard_summaries s
     JOIN duckdb_tables() t ON t.schema_name = 'logscope' AND t.table_name = s.table_name AND t.database_name = current_database()
     WHERE s.dataset_id = $id`,
    { id: datasetId },
  );
  if (!rows[0]) return null;
  return { table: summaryTable(datasetId), spec: JSON.parse(String(rows[0][0])) as SummarySpec, rowCount: Number(rows[0][1]), summaryRows: Number(rows[0][2]) };
}

/** Records the summary as current for the dataset's row count in this same transaction. */
async function markCurrent(db: DbStatements, datasetId: number, spec: SummarySpec, now: Date) {
  await db.run(
    `INSERT INTO logscope.dashboard_summaries
       SELECT $id, $table, $spec, row_count, (SELECT count(*) FROM ${summaryTable(datasetId)}), $now::TIMESTAMP FROM logscope.datasets WHERE id = $id
     ON CONFLICT (dataset_id) DO UPDATE SET table_name = excluded.table_name, spec = excluded.spec, row_count = excluded.row_count,
       summary_rows = excluded.summary_rows, built_at = excluded.built_at`,
    { id: datasetId, table: summaryTableName(datasetId), spec: summarySpecKey(spec), now: now.toISOString() },
  );
}

/** (Re)builds a dataset's summary from all its rows: one `GROUP BY GROUPING SETS` pass. */
export async function buildSummary(tx: DbStatements, dataset: { id: number; name: string }, spec: SummarySpec, now: Date) {
  // Ordered by minute, so a brushed range reads only the row groups of its minutes (zone maps).
  await tx.run(`CREATE OR REPLACE TABLE ${summaryTable(dataset.id)} AS ${summaryRowsSql(spec, datasetTable(dataset.name), null)} ORDER BY m`);
  await markCurrent(tx, dataset.id, spec, now);
}

/**
 * Whether the columns a summary reads still have the types it was built for (a later import
 * can widen a column): when not, the summary is dropped and the dashboard builds it anew,
 * rather than an import failing on it.
 */
async function specStillFits(tx: DbStatements, datasetName: string, spec: SummarySpec): Promise<boolean> {
  const { rows } = await tx.all(
    `SELECT column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table`,
    { table: datasetName },
  );
  const types = new Map(rows.map(([name, type]) => [String(name), String(type)]));
  const roles = { time: spec.time, status: spec.status, level: spec.level, duration: spec.duration?.column ?? null };
  for (const [role, path] of Object.entries(roles) as [keyof typeof roles, typeof spec.time][]) {
    if (!path) continue;
    // STRUCT fields are typed by their top-level column; any change there rebuilds.
    const expected = path.length === 1 ? spec.types[role] : undefined;
    const actual = types.get(path[0]!);
    if (actual === undefined || (expected !== undefined && actual !== expected)) return false;
  }
  return true;
}

/** After an import inserted a source's rows (same transaction): its minutes join the summary. */
export async function appendSourceToSummary(tx: DbStatements, dataset: { id: number; name: string }, sourceId: number, now: Date) {
  const stored = await readSummary(tx, dataset.id);
  if (!stored) return;
  if (!(await specStillFits(tx, dataset.name, stored.spec))) return dropSummary(tx, dataset.id);
  await tx.run(
    `INSERT INTO ${stored.table} ${summaryRowsSql(stored.spec, datasetTable(dataset.name), `${quoteIdent(sourceColumn)} = ${Number(sourceId)}`)}`,
  );
  await markCurrent(tx, dataset.id, stored.spec, now);
}

/** After rows were deleted (a source removed, retention; same transaction): the summary is rebuilt from what is left. */
export async function rebuildSummaryIfAny(tx: DbStatements, dataset: { id: number; name: string }, now: Date) {
  const stored = await readSummary(tx, dataset.id);
  if (!stored) return;
  if (!(await specStillFits(tx, dataset.name, stored.spec))) return dropSummary(tx, dataset.id);
  await buildSummary(tx, dataset, stored.spec, now);
}

export async function dropSummary(tx: DbStatements, datasetId: number) {
  await tx.run(`DROP TABLE IF EXISTS ${summaryTable(datasetId)}`);
  await tx.run(`DELETE FROM logscope.dashboard_summaries WHERE dataset_id = $id`, { id: datasetId });
}
