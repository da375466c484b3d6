import type { DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import { ReportSpec } from '../../../shared/api/contract/report';

/**
 * Report definitions: a name and the report's spec as JSON (one column, so a later field
 * needs no ALTER of a catalogue table), with the dataset id beside it for lookups.
 */

export interface ReportRecord {
  id: number;
  name: string;
  spec: ReportSpec;
  createdAt: string;
  updatedAt: string;
}

export const reportNameKey = (name: string) => name.trim().toLowerCase();

const columns = `id, name, definition, created_at, updated_at`;

function toRecord(row: unknown[]): ReportRecord {
  return {
    id: Number(row[0]),
    name: String(row[1]),
    // Defaults fill fields a definition saved by an older version did not have.
    spec: ReportSpec.parse(JSON.parse(String(row[2]))),
    createdAt: toCell(row[3]) as string,
    updatedAt: toCell(row[4]) as string,
  };
}

export async function listReports(db: DbStatements): Promise<ReportRecord[]> {
  const { rows } = await db.all(`SELECT ${columns} FROM logscope.reports ORDER BY name_key`);
  return rows.map(toRecord);
}

export async function getReport(db: DbStatements, id: number): Promise<ReportRecord> {
  const { rows } = await db.all(`SELECT ${columns} FROM logscope.reports WHERE id = $id`, { id });
  if (!rows[0]) throw new AppError('report_not_found', { name: String(id) });
  return toRecord(rows[0]);
}

export async function findReportByName(db: DbStatements, name: string): Promise<ReportRecord | null> {
  const { rows } = await db.all(`SELECT ${columns} FROM logscope.reports WHERE name_key = $key`, { key: reportNameKey(name) });
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function insertReport(db: DbStatements, name: string, spec: ReportSpec, now: Date): Promise<number> {
  const { rows } = await db.all(
    `INSERT INTO logscope.reports (name, name_key, dataset_id, definition, created_at, updated_at)
     VALUES ($name, $key, $datasetId, $definition, $now::TIMESTAMP, $now::TIMESTAMP) RETURNING id`,
    { name, key: reportNameKey(name), datasetId: spec.datasetId, definition: JSON.stringify(spec), now: now.toISOString() },
  );
  return Number(rows[0]?.[0]);
}

export async function updateReport(db: DbStatements, id: number, name: string, spec: ReportSpec, now: Date): Promise<void> {
  await db.run(
    `UPDATE logscope.reports SET name = $name, name_key = $key, dataset_id = $datasetId, definition = $definition, updated_at = $now::TIMESTAMP WHERE id = $id`,
    { id, name, key: reportNameKey(name), datasetId: spec.datasetId, definition: JSON.stringify(spec), now: now.toISOString() },
  );
}

export async function deleteReport(db: DbStatements, id: number): Promise<void> {
  await db.run(`DELETE FROM logscope.reports WHERE id = $id`, { id });
}
