import type { Db } from '../db/database';
import { toCell } from '../db/cells';
import { findDatasetByName } from '../catalog/datasets';
import { AppError } from '../../../shared/api/errors';
import type { Cell, ColumnInfo } from '../../../shared/api/contract';
import { qualified, quoteIdent } from '../../../shared/sql/quote';
import type { ClickHouseEngine } from './clickhouse';

/** The content hash column: a row already in the ClickHouse table is not sent again. */
export const hashColumn = '_ls_hash';
const pageRows = 10_000;
/**
 * Hashes asked about in one `IN (…)` list: 2,000 of up to 20 digits stay well inside
 * ClickHouse's `max_query_size` (256 KiB by default), which also counts an HTTP body's query.
 */
const hashesPerCheck = 2_000;
/** Where a row came from: part of its identity. */
const provenanceColumns = new Set(['_ls_source', '_ls_line']);

export interface PushResult {
  table: string;
  /** Rows sent to ClickHouse. */
  rows: number;
  /** Rows already there (same content hash), not sent again. */
  duplicates: number;
  /** Rows without a readable time: a MergeTree ordered by time cannot hold them (18.16 has no nullable keys). */
  withoutTime: number;
}

/** How far a push has come: rows looked at of those it sends (the ones with a time). */
export interface PushProgress {
  rowsDone: number;
  rowsTotal: number;
}

/** DuckDB's type → the ClickHouse type both 18.16 and current servers store it as. */
export function clickhouseType(duckdbType: string, isTime: boolean): string {
  if (isTime) return "DateTime('UTC')";
  const t = duckdbType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/.test(t)) return 'Nullable(Int64)';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(t) || t.startsWith('DECIMAL')) return 'Nullable(Float64)';
  if (t === 'BOOLEAN') return 'Nullable(UInt8)';
  if (t.startsWith('TIMESTAMP')) return "Nullable(DateTime('UTC'))";
  if (t === 'DATE') return 'Nullable(Date)';
  // VARCHAR, and what ClickHouse 18.16 has no faithful type for (HUGEINT, UBIGINT, nested
  // values), travels as text, as the grid shows it.
  return 'Nullable(String)';
}

/**
 * Copies a DuckDB dataset (already imported: detection, provenance columns, rejects counted)
 * into a ClickHouse MergeTree table ordered by its time, page by page as a stream. Each row
 * carries a hash of its content and provenance (source and line), so pushing the same
 * dataset twice adds nothing and a dataset's own repeated lines stay distinct. The server is
 * asked only about the hashes of the page being sent, so memory stays one page however
 * large the table there already is.
 */
export async function pushDataset({
  db,
  engine,
  dataset,
  table = dataset,
  signal,
  onProgress,
}: {
  db: Db;
  engine: ClickHouseEngine;
  dataset: string;
  table?: string;
  signal?: AbortSignal;
  /** Called after each page (10,000 rows) read from DuckDB. */
  onProgress?: (progress: PushProgress) => void;
}): Promise<PushResult> {
  const catalog = await db.connection('catalog');
  const record = await findDatasetByName(catalog, dataset);
  if (!record) throw new AppError('dataset_not_found', { name: dataset });
  const reader = await db.connection('rows');
  const described = await reader.all(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table ORDER BY column_index`,
    { table: record.name },
  );
  const columns: ColumnInfo[] = described.rows.map(([name, type]) => ({ name: String(name), type: String(type) }));
  const time = record.timeColumn;
  await engine.ensureTable(
    table,
    [...columns.map((c) => ({ name: c.name, type: clickhouseType(c.type, c.name === time) })), { name: hashColumn, type: 'UInt64' }],
    time ? [time, hashColumn] : [hashColumn],
  );

  const q = engine.dialect.quoteIdent;
  /** Which of these hashes the server's table already holds. */
  async function alreadyThere(hashes: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < hashes.length; i += hashesPerCheck) {
      const chunk = hashes.slice(i, i + hashesPerCheck);
      // Hashes are DuckDB's UBIGINT as decimal text: digits only, safe as literals.
      const result = await engine.query(`SELECT toString(${q(hashColumn)}) FROM ${q(table)} WHERE ${q(hashColumn)} IN (${chunk.join(', ')})`, {
        maxRows: chunk.length,
        ...(signal ? { signal } : {}),
      });
      for (const [hash] of result.rows) found.add(String(hash));
    }
    return found;
  }
  const source = qualified('main', record.name);
  const hasTime = time ? `${quoteIdent(time)} IS NOT NULL` : 'true';
  const [counted] = (await reader.all(`SELECT count(*), ${time ? `count(*) FILTER (WHERE ${quoteIdent(time)} IS NULL)` : '0'} FROM ${source}`, {}, signal)).rows;
  const withoutTime = Number(counted?.[1] ?? 0);
  const rowsTotal = Number(counted?.[0] ?? 0) - withoutTime;
  // Content and provenance, not what Logscope derives later (the pattern id is filled in
  // after the import, so it would change the hash between two pushes).
  const hashed = columns.filter((c) => !c.name.startsWith('_ls_') || provenanceColumns.has(c.name));
  const booleans = new Set(columns.filter((c) => c.type.toUpperCase() === 'BOOLEAN').map((c) => c.name));
  let duplicates = 0;

  async function* rows(): AsyncGenerator<Record<string, Cell>> {
    // rowid: a stable order for paging a table nobody writes to meanwhile. Each page starts
    // after the last rowid of the one before, not at an OFFSET, which DuckDB reaches by
    // reading every row before it (the 1 M-row push spent most of its time there).
    let after = -1;
    for (let offset = 0; ; offset += pageRows) {
      const page = await reader.all(
        `SELECT *, CAST(hash(${hashed.map((c) => quoteIdent(c.name)).join(', ')}) AS VARCHAR), rowid FROM ${source} WHERE ${hasTime} AND rowid > $after ORDER BY rowid LIMIT ${pageRows}`,
        { after },
        signal,
      );
      after = Number(page.rows.at(-1)?.[columns.length + 1] ?? after);
      const hashes = page.rows.map((raw) => String(raw[columns.length]));
      if (!/^\d*$/.test(hashes.join(''))) throw new AppError('internal', { message: 'a content hash that is not a number' });
      const there = await alreadyThere(hashes);
      for (const [index, raw] of page.rows.entries()) {
        const hash = hashes[index]!;
        if (there.has(hash)) {
          duplicates += 1;
          continue;
        }
        const row: Record<string, Cell> = { [hashColumn]: hash };
        columns.forEach((c, i) => {
          const cell = toCell(raw[i]);
          row[c.name] = booleans.has(c.name) && typeof cell === 'boolean' ? Number(cell) : cell;
        });
        yield row;
      }
      if (page.rows.length > 0) onProgress?.({ rowsDone: offset + page.rows.length, rowsTotal });
      if (page.rows.length < pageRows) return;
    }
  }

  const inserted = await engine.insertRows(table, rows(), signal ? { signal } : {});
  return { table, rows: inserted.rows, duplicates, withoutTime };
}
