import type { TimeSpec } from '../detect/time';
import { quoteIdent, quoteLiteral, qualified } from '../sql/quote';
import { timeExpression } from '../sql/time';

/** Logscope's own per-row columns: the source file and the line a row came from. */
export const sourceColumn = '_ls_source';
export const lineColumn = '_ls_line';
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
}

export type Reader = CsvReader | JsonReader;

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
  const columns = `{${reader.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
  if (reader.kind === 'jsonl') {
    return `read_json(${pathParam}, format = 'newline_delimited', columns = ${columns}, maximum_object_size = 67108864${lenient ? ', ignore_errors = true' : ''})`;
  }
  const options = [
    `delim = ${quoteLiteral(reader.delimiter)}`,
    `quote = ${quoteLiteral(reader.quote)}`,
    `escape = ${quoteLiteral(reader.escape)}`,
    `header = ${reader.header}`,
    `skip = ${reader.skipRows}`,
    `columns = ${columns}`,
    `auto_detect = false`,
    // Lines of several megabytes happen (stack traces, payload dumps); DuckDB's reader
    // buffer grows with this limit, so it stays at 8 MB.
    `max_line_size = 8388608`,
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
    let value = valueSql(column);
    if (column.time) value = timeExpression(column.time, value, zone);
    else if (column.asJson) value = `to_json(${value})`;
    return `${value} AS ${quoteIdent(column.name)}`;
  });
}

/**
 * The one statement that moves a file's rows into its dataset: the reader, a running
 * record number (DuckDB keeps the file's order, and `row_number() OVER ()` streams), and
 * the source id. `firstRecordLine` is the line of the first record (after a header, or
 * after the lines an earlier import of a growing file already read).
 */
export function insertSql(spec: {
  dataset: string;
  reader: Reader;
  columns: readonly PlannedColumn[];
  zone: string;
  rejectsTable: string | null;
}): string {
  const select = selectListSql(spec.columns, spec.zone);
  return `INSERT INTO ${qualified('main', spec.dataset)} BY NAME
SELECT ${[...select, `$sourceId::INTEGER AS ${quoteIdent(sourceColumn)}`, `$firstRecordLine::BIGINT + row_number() OVER () - 1 AS ${quoteIdent(lineColumn)}`].join(',\n       ')}
FROM ${readerSql(spec.reader, '$path', spec.rejectsTable)}`;
}

/** The dataset table for a first import: the planned columns, then Logscope's own. */
export function createDatasetSql(dataset: string, columns: readonly PlannedColumn[]): string {
  const definitions = [
    ...columns.map((c) => `${quoteIdent(c.name)} ${c.type}`),
    `${quoteIdent(sourceColumn)} INTEGER NOT NULL`,
    `${quoteIdent(lineColumn)} BIGINT`,
  ];
  return `CREATE TABLE ${qualified('main', dataset)} (${definitions.join(', ')})`;
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
