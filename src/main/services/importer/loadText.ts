import type { DbStatements } from '../db/database';
import { quoteIdent } from '../../../shared/sql/quote';
import { insertSql, lineShifts, type AccessReader, type LinesReader, type PlannedColumn } from '../../../shared/imports/plan';
import {
  accessRecoveryInsertSql,
  accessRecoveryRejectsSql,
  accessRejectPiecesSql,
  continuationStatements,
  lineInsertSql,
  shiftsTableSql,
  unmatchedRejectsSql,
  type LineStatementSpec,
} from '../../../shared/imports/linePlan';
import { applyShifts, type PendingLineNumbers } from './lineNumbers';

/**
 * Loading the formats that are read as text — access logs and line-based logs — into a
 * table: the dataset's (an import, inside its transaction) or a temporary one (detection,
 * on its sample), by the same statements, so the preview shows what the import will do.
 */
export interface TextLoad {
  tx: DbStatements;
  reader: AccessReader | LinesReader;
  columns: readonly PlannedColumn[];
  zone: string;
  /** The file DuckDB reads (the source, a grown file's tail, or a sample). */
  path: string;
  /** Where rows and rejected lines go, as SQL table references. */
  target: string;
  rejected: string;
  sourceId: number;
  datasetId: number;
  /** The source file's line number of the first line of `path`. */
  firstLine: number;
  /** Blank lines of the source (its numbering), which DuckDB's CSV split skips. */
  blankLines: readonly number[];
  /** A unique prefix for this load's temporary tables. */
  scratch: string;
}

export interface TextLoadCounts {
  rows: number;
  joined: number;
  rejected: number;
  /** Rows inserted without their lines, and how to number them (`numberLines`). */
  lineNumbers: PendingLineNumbers | null;
}

/** Why a line is rejected when the format's regex does not read it (and lines do not continue). */
export const unmatchedReason = 'does not match the format';

export async function loadText(load: TextLoad): Promise<TextLoadCounts> {
  const temporary = [`${load.scratch}_rj`, `${load.scratch}_rj_scan`, `${load.scratch}_rj2`, `${load.scratch}_rj2_scan`, `${load.scratch}_pieces`, `${load.scratch}_shifts`];
  try {
    return load.reader.kind === 'access' ? await loadAccess(load, load.reader) : await loadLines(load, load.reader);
  } finally {
    for (const table of temporary) await load.tx.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`);
  }
}

const count = (rows: unknown[][]) => Number(rows[0]?.[0] ?? 0);

/** The parameters a statement names (DuckDB refuses values for parameters a statement lacks). */
function bound(sql: string, params: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
}

async function loadAccess(load: TextLoad, reader: AccessReader): Promise<TextLoadCounts> {
  const { tx } = load;
  const rejectsTable = `${load.scratch}_rj`;
  const piecesTable = `${load.scratch}_pieces`;
  const insert = insertSql({ dataset: '', target: load.target, reader, columns: load.columns, zone: load.zone, rejectsTable });
  const firstPass = count((await tx.all(insert, { path: load.path, sourceId: load.sourceId })).rows);
  let rows = firstPass;
  await tx.run(accessRejectPiecesSql(rejectsTable, piecesTable));
  // DuckDB numbers lines in the file it read; the source's numbering starts at `firstLine`.
  const lineOffset = load.firstLine - 1;
  const covered = (await tx.all(`SELECT DISTINCT line + $lineOffset FROM ${quoteIdent(piecesTable)} ORDER BY 1`, { lineOffset })).rows.map((r) => Number(r[0]));
  const lineNumbers = { rows: firstPass, firstRecordLine: load.firstLine, shifts: lineShifts(load.firstLine, [...load.blankLines, ...covered]) };
  // The recovered lines carry their own numbers; the first pass's rows are numbered later.
  rows += count((await tx.all(accessRecoveryInsertSql({ target: load.target, reader, columns: load.columns, zone: load.zone, piecesTable }), { sourceId: load.sourceId, lineOffset })).rows);
  const rejected = count(
    (await tx.all(accessRecoveryRejectsSql({ rejected: load.rejected, reader, piecesTable }), { sourceId: load.sourceId, datasetId: load.datasetId, lineOffset })).rows,
  );
  return { rows, joined: 0, rejected, lineNumbers };
}

async function loadLines(load: TextLoad, reader: LinesReader): Promise<TextLoadCounts> {
  const { tx } = load;
  const spec: LineStatementSpec = {
    target: load.target,
    rejected: load.rejected,
    reader,
    columns: load.columns,
    zone: load.zone,
    rejectsTable: `${load.scratch}_rj`,
    secondRejectsTable: `${load.scratch}_rj2`,
    scratch: load.scratch,
  };
  const params = { path: load.path, sourceId: load.sourceId, firstLine: load.firstLine };
  let rows = count((await tx.all(lineInsertSql(spec), params)).rows);
  // Lines the reader could not read at all (undecodable text, over 8 MB): rejected as they are.
  const lineOffset = load.firstLine - 1;
  const readErrors = await tx.all(
    `SELECT line + $lineOffset, string_agg(DISTINCT error_type || ': ' || error_message, '; '),
            regexp_replace(any_value(csv_line), '^[\\r\\n]+', '')
     FROM temp.${quoteIdent(spec.rejectsTable)} GROUP BY line ORDER BY line`,
    { lineOffset },
  );
  for (const row of readErrors.rows) {
    await tx.run(`INSERT INTO ${load.rejected} VALUES ($sourceId, $datasetId, $line, $reason, $raw)`, {
      sourceId: load.sourceId,
      datasetId: load.datasetId,
      line: Number(row[0]),
      reason: String(row[1]),
      raw: row[2] === null ? null : String(row[2]),
    });
  }
  let rejected = readErrors.rows.length;
  const shifts = lineShifts(load.firstLine, readErrors.rows.map((r) => Number(r[0])));
  const shiftsTable = shifts.length ? `${load.scratch}_shifts` : null;
  if (shiftsTable) await tx.run(shiftsTableSql(shiftsTable, shifts));
  let joined = 0;
  if (reader.entry && reader.continueInto) {
    const statements = continuationStatements(spec, shiftsTable);
    try {
      for (const statement of [...statements.prepare, ...statements.apply]) await tx.run(statement, bound(statement, params));
      const [texts, orphans] = (await tx.all(statements.counts)).rows[0] ?? [0, 0];
      rows += Number(orphans);
      joined = Number(texts) - Number(orphans);
    } finally {
      for (const statement of statements.cleanup) await tx.run(statement);
    }
  } else if (reader.entry) {
    rejected += count((await tx.all(unmatchedRejectsSql(spec, shiftsTable, unmatchedReason), { ...params, datasetId: load.datasetId })).rows);
  }
  if (shifts.length) await applyShifts(tx, load.target, load.sourceId, shifts);
  return { rows, joined, rejected, lineNumbers: null };
}
