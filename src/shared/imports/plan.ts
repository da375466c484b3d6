import type { TimeSpec } from '../detect/time';
import { quoteIdent, quoteLiteral, qualified } from '../sql/quote';
import { timeExpression } from '../sql/time';
import { patternColumn } from '../patterns/sql';

/** Logscope's own per-row columns: the source file and the line a row came from. */
export const sourceColumn = '_ls_source';
export const lineColumn = '_ls_line';
/** For multi-line entries (stack traces): how many physical lines the entry spans. */
export const spanColumn = '_ls_lines';
export const ownColumnPrefix = '_ls_';

/** A column of the file as the reader gives it, and the dataset column it becomes. */
export interface PlannedColumn {
  /** Name in the dataset. */
  name: string;
  /** Field path in the source: one name for CSV, more for nested JSON objects. */
  path: string[];
  /** The reader's type for this value (for the time column: what it is read as). */
  sourceType: string;
  /** The dataset column's type. */
  type: string;
  /** Keep as JSON text (deep or repeated values). */
  asJson: boolean;
  /** How to read this column as an instant, for every column that holds times. */
  time: TimeSpec | null;
  /**
   * SQL over the reader's columns that gives the value (before the time conversion), for
   * formats whose columns are not the reader's own: an access log's `path` from its request
   * field, a text log's `level` from a regex group. Absent: the value at `path`.
   */
  expression?: string | null;
}

export interface CsvReader {
  kind: 'csv';
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  skipRows: number;
  /** Top-level columns in file order, with the types the reader uses. */
  columns: { name: string; type: string }[];
}

export interface JsonReader {
  kind: 'jsonl';
  columns: { name: string; type: string }[];
  /** `read_json`'s object size limit when the file has a longer line (`jsonObjectLimit`). */
  maxObjectBytes?: number;
}

/**
 * A web server access log, split by DuckDB's CSV reader on spaces with `"` quoting (no
 * escape): one VARCHAR column per field (`f1`…); the planned columns' expressions type them.
 * Lines the split refuses are read again with `recovery`, which yields the same fields.
 */
export interface AccessReader {
  kind: 'access';
  columns: { name: string; type: string }[];
  recovery: { source: string; groups: string[] };
  /** The recovery regex without its leniency: a recovered line it does not match was cut off. */
  complete: string;
}

/** An access log's column that marks a row read from a line cut off inside a field (`accessRecoveryRegex`). */
export const partialColumn = '_partial';

/**
 * A text log read one line per value (DuckDB's CSV reader with a delimiter no line holds,
 * no quoting, so a blank line is a NULL row and the numbering stays exact). `entry` is the
 * regex whose groups the planned columns read; a line it does not match continues the entry
 * before it (`continueInto` is the column it is appended to) or, when `continueInto` is null,
 * is a rejected line. Without `entry` every non-blank line is a row (`line`).
 */
export interface LinesReader {
  kind: 'lines';
  delimiter: string;
  entry: { source: string; groups: string[] } | null;
  continueInto: string | null;
  /** For an access log read line by line: its `complete` regex, which marks the cut lines `partialColumn`. */
  complete?: string;
}

export type Reader = CsvReader | JsonReader | AccessReader | LinesReader;

/**
 * The CSV reader's options for line length, shared by every reader that reads a file as
 * text. Lines of several megabytes happen (stack traces, payload dumps), so the limit is
 * 8 MB. DuckDB sizes its read buffer from that limit (16×: 128 MB) unless told otherwise,
 * and each buffer ends in a partly filled row group, which the next checkpoint merges by
 * rewriting the table (5 M CSV rows: 73 row groups instead of 42, and a 7–15 s checkpoint).
 * The engine's own default buffer, 32 MB, still reads 8 MB lines across its boundaries.
 */
export const lineLimitOptions = [`max_line_size = ${8 * 1024 * 1024}`, `buffer_size = ${32 * 1024 * 1024}`] as const;

/**
 * The JSON object size `read_json` is told to expect: its default, 16 MB, unless the file
 * has a longer line. Its read buffer grows with this limit as the CSV reader's does with its
 * line limit: at 64 MB, 5 M records left 55 row groups and an 8 s checkpoint, at 16 MB 44
 * and none — so the limit is raised only for the files that need it.
 */
export const maxJsonObjectBytes = 16 * 1024 * 1024;

export function jsonObjectLimit(longestLineBytes: number): number {
  const megabyte = 1024 * 1024;
  return Math.max(maxJsonObjectBytes, Math.ceil((longestLineBytes + 1) / megabyte) * megabyte);
}

/**
 * Dataset column names for the file's columns: `_ls_…` names belong to Logscope, so a
 * file column with one loses the leading underscore (`_ls_line` → `ls_line`, shown in the
 * preview), with a numeric suffix if that name is taken too.
 */
export function datasetColumnNames(sourceNames: readonly string[]): { names: string[]; renamed: { from: string; to: string }[] } {
  const taken = new Set(sourceNames.map((n) => n.toLowerCase()));
  const renamed: { from: string; to: string }[] = [];
  const names = sourceNames.map((name) => {
    if (!name.toLowerCase().startsWith(ownColumnPrefix)) return name;
    const base = name.replace(/^_+/, '');
    let next = base;
    for (let suffix = 1; taken.has(next.toLowerCase()); suffix++) next = `${base}_${suffix}`;
    taken.add(next.toLowerCase());
    renamed.push({ from: name, to: next });
    return next;
  });
  return { names, renamed };
}

/**
 * The reader expression: DuckDB's own CSV or JSON reader, with the options the preview
 * showed. `lenient` skips what cannot be read — only for looking at a sample, never for
 * an import, where every unreadable line must end up in the rejects.
 */
export function readerSql(reader: Reader, pathParam: string, rejectsTable: string | null, lenient = false): string {
  if (reader.kind === 'lines') throw new Error('a lines reader is read with linesSourceSql');
  const columns = `{${reader.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
  if (reader.kind === 'access') {
    const options = [
      `delim = ' '`,
      `quote = '"'`,
      `escape = ''`,
      `header = false`,
      `columns = ${columns}`,
      `auto_detect = false`,
      `compression = 'none'`,
      ...lineLimitOptions,
      ...(rejectsTable
        ? [`store_rejects = true`, `rejects_table = ${quoteLiteral(rejectsTable)}`, `rejects_scan = ${quoteLiteral(`${rejectsTable}_scan`)}`]
        : lenient
          ? ['ignore_errors = true']
          : []),
    ];
    return `read_csv(${pathParam}, ${options.join(', ')})`;
  }
  if (reader.kind === 'jsonl') {
    return `read_json(${pathParam}, format = 'newline_delimited', compression = 'uncompressed', columns = ${columns}, maximum_object_size = ${reader.maxObjectBytes ?? maxJsonObjectBytes}${lenient ? ', ignore_errors = true' : ''})`;
  }
  const options = [
    `delim = ${quoteLiteral(reader.delimiter)}`,
    `quote = ${quoteLiteral(reader.quote)}`,
    `escape = ${quoteLiteral(reader.escape)}`,
    `header = ${reader.header}`,
    `skip = ${reader.skipRows}`,
    `columns = ${columns}`,
    `auto_detect = false`,
    // The reader is given the content itself, whatever the file's name ends in.
    `compression = 'none'`,
    ...lineLimitOptions,
    ...(rejectsTable
      ? [`store_rejects = true`, `rejects_table = ${quoteLiteral(rejectsTable)}`, `rejects_scan = ${quoteLiteral(`${rejectsTable}_scan`)}`]
      : lenient
        ? ['ignore_errors = true']
        : []),
  ];
  return `read_csv(${pathParam}, ${options.join(', ')})`;
}

function valueSql(column: PlannedColumn): string {
  return column.path.map(quoteIdent).join('.');
}

/** The SELECT list that maps the reader's columns onto the dataset's. */
export function selectListSql(columns: readonly PlannedColumn[], zone: string): string[] {
  return columns.map((column) => {
    let value = column.expression ?? valueSql(column);
    if (column.time) value = timeExpression(column.time, value, zone);
    else if (column.asJson) value = `to_json(${value})`;
    return `${value} AS ${quoteIdent(column.name)}`;
  });
}

/**
 * The one statement that moves a file's rows into its dataset: the reader and the source
 * id. `_ls_line` stays empty here and is set from the rows' order once they are committed
 * (importer/lineNumbers): `row_number() OVER ()` in the insert would make DuckDB read the
 * file on one thread (measured on the 5 M-line nginx log: 18.4 s against 9.2 s).
 */
export function insertSql(spec: {
  dataset: string;
  reader: Reader;
  columns: readonly PlannedColumn[];
  zone: string;
  rejectsTable: string | null;
  /** Another table than the dataset's (a preview's temporary table), as SQL. */
  target?: string;
}): string {
  const select = selectListSql(spec.columns, spec.zone);
  const own = [`$sourceId::INTEGER AS ${quoteIdent(sourceColumn)}`];
  return `INSERT INTO ${spec.target ?? qualified('main', spec.dataset)} BY NAME
SELECT ${[...select, ...own].join(',\n       ')}
FROM ${readerSql(spec.reader, '$path', spec.rejectsTable)}`;
}

/** The dataset table for a first import: the planned columns, then Logscope's own. */
export function createDatasetSql(dataset: string, columns: readonly PlannedColumn[], options: { span?: boolean; temporary?: boolean } = {}): string {
  const definitions = [
    ...columns.map((c) => `${quoteIdent(c.name)} ${c.type}`),
    `${quoteIdent(sourceColumn)} INTEGER NOT NULL`,
    `${quoteIdent(lineColumn)} BIGINT`,
    ...(options.span ? [`${quoteIdent(spanColumn)} INTEGER`] : []),
    // Filled by the pattern miner after the import. Created with the table: adding it later
    // would make DuckDB fail a concurrent import of the same table at commit.
    ...(options.temporary ? [] : [`${quoteIdent(patternColumn)} INTEGER`]),
  ];
  if (options.temporary) return `CREATE TEMP TABLE ${quoteIdent(dataset)} (${definitions.join(', ')})`;
  return `CREATE TABLE ${qualified('main', dataset)} (${definitions.join(', ')})`;
}

/** True when the reader's rows may span lines, so the dataset keeps `_ls_lines`. */
export function readerSpansLines(reader: Reader): boolean {
  return reader.kind === 'lines' && reader.continueInto !== null;
}

export interface SchemaChanges {
  added: PlannedColumn[];
  /** Dataset columns the file does not have: they stay NULL for its rows. */
  missing: string[];
  /** Columns whose type must grow to hold both (e.g. BIGINT and DOUBLE → DOUBLE). */
  widened: { name: string; from: string; to: string }[];
}

const integerTypes = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
const numericTypes = new Set([...integerTypes, 'FLOAT', 'DOUBLE']);

/** The narrowest type that holds values of both types without loss. */
export function unifyTypes(existing: string, incoming: string): string {
  if (existing === incoming) return existing;
  if (existing === 'JSON' || incoming === 'JSON') return 'JSON';
  if (integerTypes.has(existing) && integerTypes.has(incoming)) return 'BIGINT';
  if (numericTypes.has(existing) && numericTypes.has(incoming)) return 'DOUBLE';
  return 'VARCHAR';
}

/** Appending to an existing dataset: match columns by name (in any letter case). */
export function schemaChanges(existing: readonly { name: string; type: string }[], incoming: readonly PlannedColumn[]): SchemaChanges {
  const byName = new Map(existing.map((c) => [c.name.toLowerCase(), c]));
  const incomingNames = new Set(incoming.map((c) => c.name.toLowerCase()));
  const added: PlannedColumn[] = [];
  const widened: SchemaChanges['widened'] = [];
  for (const column of incoming) {
    const current = byName.get(column.name.toLowerCase());
    if (!current) {
      added.push(column);
      continue;
    }
    const unified = unifyTypes(current.type, column.type);
    if (unified !== current.type) widened.push({ name: current.name, from: current.type, to: unified });
  }
  const missing = existing
    .filter((c) => !c.name.toLowerCase().startsWith(ownColumnPrefix) && !incomingNames.has(c.name.toLowerCase()))
    .map((c) => c.name);
  return { added, missing, widened };
}

export function schemaChangeSql(dataset: string, changes: SchemaChanges): string[] {
  const table = qualified('main', dataset);
  return [
    ...changes.added.map((c) => `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`),
    ...changes.widened.map((c) => `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} TYPE ${c.to}`),
  ];
}

/**
 * Lines that hold no record of their own — a header, blank lines, rejected records — in
 * file order. Record numbers from `row_number()` skip them; this maps the n-th record
 * back to its line: it is on the n-th line that is not a gap.
 */
export function lineShifts(firstRecordLine: number, gaps: readonly number[]): { fromRecord: number; shift: number }[] {
  const sorted = [...new Set(gaps.filter((g) => g >= firstRecordLine))].sort((a, b) => a - b);
  const shifts: { fromRecord: number; shift: number }[] = [];
  sorted.forEach((gap, index) => {
    // The record that would have sat on this gap line, and every one after, moves down one.
    const recordLine = gap - index;
    const last = shifts.at(-1);
    if (last && last.fromRecord === recordLine) last.shift = index + 1;
    else shifts.push({ fromRecord: recordLine, shift: index + 1 });
  });
  return shifts;
}
