import { presentGroup } from '../detect/accessLog';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { lineColumn, lineLimitOptions, partialColumn, selectListSql, sourceColumn, spanColumn, type AccessReader, type LinesReader, type PlannedColumn } from './plan';

/**
 * The SQL of the line-based formats, all of it run by DuckDB over the whole file (never
 * line by line in JavaScript). The numbers: `n` is a line's record number from
 * `row_number() OVER ()`; a row's `_ls_line` is first written as `$firstLine + n - 1` and
 * moved down past the lines the reader skipped (`lineShifts`), like the CSV reader's rows.
 *
 * `target` and `rejected` are table references, so detection runs the very same
 * statements on its sample into temporary tables that an import runs on the file.
 */

const recordNumber = '_ls_n';

/** Every line of the file as one VARCHAR value (NULL for a blank line), with its record number. */
export function linesSourceSql(reader: LinesReader, pathParam: string, rejectsTable: string): string {
  const options = [
    `columns = {'text': 'VARCHAR'}`,
    `header = false`,
    `delim = ${quoteLiteral(reader.delimiter)}`,
    `quote = ''`,
    `escape = ''`,
    `auto_detect = false`,
    `compression = 'none'`,
    // Not strict: a CRLF file with a stray LF line still reads line by line. The delimiter
    // is a byte the file does not hold, so there is never a second field to lose.
    `strict_mode = false`,
    ...lineLimitOptions,
    `store_rejects = true`,
    `rejects_table = ${quoteLiteral(rejectsTable)}`,
    `rejects_scan = ${quoteLiteral(`${rejectsTable}_scan`)}`,
  ];
  return `(SELECT text, row_number() OVER () AS ${recordNumber} FROM read_csv(${pathParam}, ${options.join(', ')}))`;
}

const groupList = (groups: readonly string[]) => `[${groups.map(quoteLiteral).join(', ')}]`;

/**
 * `* REPLACE` for the fields of an access log's recovery regex a cut line does not have
 * (`presentGroup`): NULL, as the split gives for no value, not the '' RE2 gives an absent group.
 */
function absentFieldsAsNull(groups: readonly string[]): string {
  const fields = groups.filter((group) => groups.includes(presentGroup(group)));
  if (fields.length === 0) return '';
  return ` REPLACE (${fields.map((f) => `CASE WHEN ${quoteIdent(presentGroup(f))} <> '' THEN ${quoteIdent(f)} END AS ${quoteIdent(f)}`).join(', ')})`;
}

/** The entries: the lines the entry regex matches, its groups as columns (or `text` alone). */
export function entriesSql(reader: LinesReader, lines: string): string {
  if (!reader.entry) return `(SELECT ${recordNumber}, text FROM ${lines} WHERE text IS NOT NULL)`;
  const extract = `unnest(regexp_extract(text, ${quoteLiteral(reader.entry.source)}, ${groupList(reader.entry.groups)}))`;
  return `(SELECT *${absentFieldsAsNull(reader.entry.groups)} FROM (SELECT ${recordNumber}, ${extract} FROM ${lines}) WHERE "_m" <> '')`;
}

export interface LineStatementSpec {
  /** The table rows go to, as SQL (`main."app"`, or a temporary table for a preview). */
  target: string;
  /** The table rejected lines go to (`logscope.rejected_lines`, or a temporary one). */
  rejected: string;
  reader: LinesReader;
  columns: readonly PlannedColumn[];
  zone: string;
  /** The reader's rejects table (read errors: undecodable text, a line over 8 MB). */
  rejectsTable: string;
  /** A second rejects table for the second pass over the file, which records nothing new. */
  secondRejectsTable: string;
  /** Temporary tables of this import: continuation lines and their runs, line shifts. */
  scratch: string;
}

/** Moves a record's line number (`$firstLine + n - 1`) past the lines the reader skipped. */
export function physicalLineSql(naive: string, shiftsTable: string | null): string {
  if (!shiftsTable) return naive;
  return `(${naive} + coalesce((SELECT max(shift) FROM ${quoteIdent(shiftsTable)} WHERE from_line <= ${naive}), 0))`;
}

/** Pass 1: the entries, each numbered by its first line and spanning one line so far. */
/**
 * The columns of rows read with an access log's lenient regex (its whole line in group
 * `_m`): `partialColumn` says whether the line was cut off, where the split's rows say false.
 */
export function withCutLinesMarked(columns: readonly PlannedColumn[], complete: string | undefined): readonly PlannedColumn[] {
  if (complete === undefined) return columns;
  return columns.map((c) => (c.name === partialColumn ? { ...c, expression: `NOT regexp_matches("_m", ${quoteLiteral(complete)})` } : c));
}

export function lineInsertSql(spec: LineStatementSpec): string {
  const lines = linesSourceSql(spec.reader, '$path', spec.rejectsTable);
  const own = [
    `$sourceId::INTEGER AS ${quoteIdent(sourceColumn)}`,
    `$firstLine::BIGINT + ${recordNumber} - 1 AS ${quoteIdent(lineColumn)}`,
    ...(spec.reader.continueInto ? [`1 AS ${quoteIdent(spanColumn)}`] : []),
  ];
  return `INSERT INTO ${spec.target} BY NAME
SELECT ${[...selectListSql(withCutLinesMarked(spec.columns, spec.reader.complete), spec.zone), ...own].join(',\n       ')}
FROM ${entriesSql(spec.reader, lines)}`;
}

/**
 * Pass 2, for formats whose entries span lines: the lines that start no entry (few: stack
 * traces, wrapped messages, blank lines), grouped into runs of consecutive lines; each run
 * joins the entry right before it — appended to its `continueInto` column, its span grown to
 * the run's last non-blank line. A run before the first entry (a file cut mid-trace) becomes
 * a row of its own. Runs of blank lines alone join nothing.
 *
 * Only this small set of lines is sorted or aggregated, so memory stays bounded by them,
 * not by the file.
 */
export function continuationStatements(spec: LineStatementSpec, shiftsTable: string | null): { prepare: string[]; apply: string[]; counts: string; cleanup: string[] } {
  const entry = spec.reader.entry!;
  const into = quoteIdent(spec.reader.continueInto!);
  const lines = linesSourceSql(spec.reader, '$path', spec.secondRejectsTable);
  const cont = quoteIdent(`${spec.scratch}_cont`);
  const runs = quoteIdent(`${spec.scratch}_runs`);
  const naive = (n: string) => `($firstLine::BIGINT + ${n} - 1)`;
  const line = (n: string) => physicalLineSql(naive(n), shiftsTable);
  const prepare = [
    `CREATE TEMP TABLE ${cont} AS SELECT ${recordNumber} AS n, text FROM ${lines}
     WHERE NOT coalesce(regexp_matches(text, ${quoteLiteral(entry.source)}), false)`,
    `CREATE TEMP TABLE ${runs} AS
     WITH c AS (SELECT n, text, n - row_number() OVER (ORDER BY n) AS island FROM ${cont}),
     r AS (SELECT island, min(n) AS first_n, min(n) FILTER (WHERE text IS NOT NULL) AS first_text_n,
                  max(n) FILTER (WHERE text IS NOT NULL) AS last_text_n, count(text) AS texts
           FROM c GROUP BY island HAVING count(text) > 0)
     SELECT r.first_n, r.first_text_n, r.last_text_n, r.texts, string_agg(coalesce(c.text, ''), chr(10) ORDER BY c.n) AS joined
     FROM r JOIN c ON c.island = r.island
       AND c.n BETWEEN (CASE WHEN r.first_n = 1 THEN r.first_text_n ELSE r.first_n END) AND r.last_text_n
     GROUP BY r.first_n, r.first_text_n, r.last_text_n, r.texts`,
  ];
  const target = spec.target;
  const apply = [
    `UPDATE ${target} SET
       ${into} = CASE WHEN coalesce(${target}.${into}, '') = '' THEN r.joined ELSE ${target}.${into} || chr(10) || r.joined END,
       ${quoteIdent(spanColumn)} = ${line('r.last_text_n')} - ${line('(r.first_n - 1)')} + 1
     FROM ${runs} r
     WHERE r.first_n > 1 AND ${target}.${quoteIdent(sourceColumn)} = $sourceId
       AND ${target}.${quoteIdent(lineColumn)} = ${naive('(r.first_n - 1)')}`,
    `INSERT INTO ${target} BY NAME
     SELECT r.joined AS ${into}, $sourceId::INTEGER AS ${quoteIdent(sourceColumn)}, ${naive('r.first_text_n')} AS ${quoteIdent(lineColumn)},
            ${line('r.last_text_n')} - ${line('r.first_text_n')} + 1 AS ${quoteIdent(spanColumn)}
     FROM ${runs} r WHERE r.first_n = 1`,
  ];
  return {
    prepare,
    apply,
    // Lines joined to an entry (not counting a leading run's first line, which is its row).
    counts: `SELECT coalesce(sum(texts), 0)::BIGINT, count(*) FILTER (WHERE first_n = 1)::BIGINT FROM ${runs}`,
    cleanup: [`DROP TABLE IF EXISTS ${cont}`, `DROP TABLE IF EXISTS ${runs}`],
  };
}

/** For formats whose lines never continue: a non-blank line the regex does not match is rejected. */
export function unmatchedRejectsSql(spec: LineStatementSpec, shiftsTable: string | null, reason: string): string {
  const lines = linesSourceSql(spec.reader, '$path', spec.secondRejectsTable);
  const line = physicalLineSql(`($firstLine::BIGINT + ${recordNumber} - 1)`, shiftsTable);
  return `INSERT INTO ${spec.rejected}
SELECT $sourceId, $datasetId, ${line}, ${quoteLiteral(reason)}, text FROM ${lines}
WHERE text IS NOT NULL AND NOT coalesce(regexp_matches(text, ${quoteLiteral(spec.reader.entry!.source)}), false)`;
}

/** A table of line shifts (`lineShifts`), for the statements that number lines in SQL. */
export function shiftsTableSql(table: string, shifts: readonly { fromRecord: number; shift: number }[]): string {
  const values = shifts.map((s) => `(${s.fromRecord}::BIGINT, ${s.shift}::BIGINT)`).join(', ');
  return `CREATE TEMP TABLE ${quoteIdent(table)} AS SELECT * FROM (VALUES ${values}) s(from_line, shift)`;
}

/**
 * Access logs, after DuckDB's split: each record it refused, cut back into its physical
 * lines (an unclosed quote makes one record of two lines; blank lines before it ride along
 * at its start). `line` is the record's first line in the file read. DuckDB's `line`
 * counts records, not lines: after a refused record of two lines, the next one's number is
 * one short — so each record moves down by the lines the refused records before it took
 * beyond their first.
 */
export function accessRejectPiecesSql(rejectsTable: string, piecesTable: string): string {
  return `CREATE TEMP TABLE ${quoteIdent(piecesTable)} AS
WITH records AS (
  SELECT line, any_value(error_type || ': ' || error_message) AS reason,
         regexp_replace(regexp_replace(any_value(csv_line), '^[\\r\\n]+', ''), '[\\r\\n]+$', '') AS raw
  FROM temp.${quoteIdent(rejectsTable)} GROUP BY line),
placed AS (
  SELECT line + coalesce(sum(len(string_split(raw, chr(10))) - 1) OVER (ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS line,
         reason, raw
  FROM records)
SELECT line + k AS line, reason, rtrim(piece, chr(13)) AS piece
FROM (SELECT line, reason, unnest(string_split(raw, chr(10))) AS piece, unnest(range(len(string_split(raw, chr(10))))) AS k FROM placed)`;
}

/** The refused lines the recovery regex reads: rows, numbered by their line. */
export function accessRecoveryInsertSql(spec: { target: string; reader: AccessReader; columns: readonly PlannedColumn[]; zone: string; piecesTable: string }): string {
  const extract = `unnest(regexp_extract(piece, ${quoteLiteral(`(${spec.reader.recovery.source})`)}, ${groupList(['_m', ...spec.reader.recovery.groups])}))`;
  return `INSERT INTO ${spec.target} BY NAME
SELECT ${[...selectListSql(withCutLinesMarked(spec.columns, spec.reader.complete), spec.zone), `$sourceId::INTEGER AS ${quoteIdent(sourceColumn)}`, `$lineOffset::BIGINT + line AS ${quoteIdent(lineColumn)}`].join(',\n       ')}
FROM (SELECT *${absentFieldsAsNull(spec.reader.recovery.groups)} FROM (SELECT line, ${extract} FROM ${quoteIdent(spec.piecesTable)}) WHERE "_m" <> '')`;
}

/** The refused lines the recovery regex cannot read either: rejected, with DuckDB's reason. */
export function accessRecoveryRejectsSql(spec: { rejected: string; reader: AccessReader; piecesTable: string }): string {
  return `INSERT INTO ${spec.rejected}
SELECT $sourceId, $datasetId, $lineOffset::BIGINT + line, reason, piece FROM ${quoteIdent(spec.piecesTable)}
WHERE piece <> '' AND NOT coalesce(regexp_matches(piece, ${quoteLiteral(spec.reader.recovery.source)}), false)`;
}
