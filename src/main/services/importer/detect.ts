import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DbConnection } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import type { Cell } from '../../../shared/api/contract';
import type { ImportFormat, ImportOptions } from '../../../shared/api/contract/imports';
import { classifyTimeValues, timeSpecFromFormat, timeNameScore, type TimeSpec } from '../../../shared/detect/time';
import { datasetColumnNames, readerSql, selectListSql, type PlannedColumn, type Reader } from '../../../shared/imports/plan';
import { quoteIdent, quoteLiteral } from '../../../shared/sql/quote';
import { guessDelimiter } from '../../../shared/detect/delimiter';

/** How much of a file detection reads: enough lines to judge, little enough to answer within a second. */
export const sampleBytes = 1 << 20;
const previewRows = 20;
/** Nested objects deeper than this are kept as JSON text instead of more columns. */
const maxFlattenDepth = 3;

export interface Detection {
  format: ImportFormat;
  encoding: string;
  reader: Reader;
  columns: PlannedColumn[];
  renamed: { from: string; to: string }[];
  /** The dataset's time column (a dataset column name) and how it is read. */
  time: TimeSpec | null;
  /** The CSV delimiter/quote/header, for the preview. */
  delimiter: string | null;
  quote: string | null;
  header: boolean | null;
  sampleRows: Cell[][];
  sampleRecords: number;
  sampleRejected: number;
  sampleTimeUnparsed: number;
  /** Lines before the first record (CSV header and skipped lines). */
  headerLines: number;
}

/** Known binary formats by their first bytes: images, executables, archives, documents. */
const binaryMagic: { bytes: number[]; name: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], name: 'GIF image' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'ELF executable' },
  { bytes: [0x4d, 0x5a], name: 'Windows executable' },
  { bytes: [0x25, 0x50, 0x44, 0x46], name: 'PDF document' },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], name: 'Mach-O executable' },
];

/** A file that is not text: a known binary signature, or NUL bytes in its first kilobytes. */
export function binaryKind(head: Buffer): string | null {
  for (const magic of binaryMagic) if (magic.bytes.every((b, i) => head[i] === b)) return magic.name;
  const window = head.subarray(0, 8192);
  return window.includes(0) ? 'binary data' : null;
}

/** The sample: the file's first bytes, cut after the last complete line. */
export function sampleOf(head: Buffer, isWholeFile: boolean): Buffer {
  if (isWholeFile) return head;
  const lastNewline = head.lastIndexOf(10);
  return lastNewline > 0 ? head.subarray(0, lastNewline + 1) : head;
}

/** JSON lines when the first non-blank lines are JSON objects. */
export function looksLikeJsonLines(sample: Buffer): boolean {
  const lines = sample
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 20);
  if (lines.length === 0 || !lines[0]!.startsWith('{')) return false;
  const objects = lines.filter((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  });
  // The first line decides the shape; malformed lines later are the import's to reject.
  return objects.length >= Math.max(1, Math.ceil(lines.length * 0.5));
}

/**
 * Detection runs in DuckDB on a sample written to the data folder's temp space: the same
 * code serves a local path and the first bytes a browser sends before uploading.
 */
export async function detectSample(
  db: DbConnection,
  sample: { bytes: Buffer; tempDir: string; fileName: string },
  options: ImportOptions,
  signal?: AbortSignal,
): Promise<Detection> {
  const kind = binaryKind(sample.bytes);
  if (kind) throw new AppError('file_binary', { file: sample.fileName, kind });
  if (sample.bytes.length === 0) throw new AppError('file_empty', { file: sample.fileName });
  const samplePath = path.join(sample.tempDir, `sample-${randomUUID()}${extensionOf(sample.fileName)}`);
  await fs.writeFile(samplePath, sample.bytes);
  try {
    const format = options.format ?? (looksLikeJsonLines(sample.bytes) ? 'jsonl' : 'csv');
    return format === 'jsonl'
      ? await detectJsonLines(db, samplePath, options, signal)
      : await detectDelimited(db, samplePath, format, options, sample.fileName, signal);
  } finally {
    await fs.rm(samplePath, { force: true });
  }
}

function extensionOf(fileName: string): string {
  const extension = path.extname(fileName).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(extension) ? extension : '';
}

async function detectDelimited(
  db: DbConnection,
  samplePath: string,
  format: ImportFormat,
  options: ImportOptions,
  fileName: string,
  signal?: AbortSignal,
): Promise<Detection> {
  const sampleText = (await fs.readFile(samplePath)).toString('utf8');
  const delimiterChoice = options.delimiter ?? (format === 'tsv' ? '\t' : guessDelimiter(sampleText)?.delimiter);
  const sniffOptions = [
    ...(delimiterChoice ? [`delim = ${quoteLiteral(delimiterChoice)}`] : []),
    ...(options.quote !== undefined ? [`quote = ${quoteLiteral(options.quote)}`] : []),
    ...(options.header !== undefined ? [`header = ${options.header}`] : []),
  ];
  const sniff = (extra: string[]) =>
    db.all(
      `SELECT Delimiter, Quote, Escape, HasHeader, SkipRows, to_json(Columns)::VARCHAR FROM sniff_csv($path${[...sniffOptions, ...extra].map((o) => ', ' + o).join('')})`,
      { path: samplePath },
      signal,
    );
  let sniffed: unknown[];
  try {
    // With the delimiter fixed, malformed lines only stop the sniffer when it is strict;
    // they are the reader's to reject, with their line numbers.
    const result = await sniff([]).catch(() => sniff(['ignore_errors = true']));
    sniffed = result.rows[0] ?? [];
  } catch (error) {
    throw new AppError('format_not_recognised', { file: fileName, detail: firstLine(error) }, { cause: error });
  }
  const [delimiter, quote, escape, hasHeader, skipRows, columnsJson] = sniffed as [string, string, string, boolean, bigint | number, string];
  const sniffedColumns = (JSON.parse(columnsJson) as { name: string; type: string }[]).map((c) => ({ name: c.name, type: c.type }));
  const header = options.header ?? Boolean(hasHeader);
  // sniff_csv writes an absent quote or escape as the text "(empty)".
  const option = (value: string | null | undefined) => (value === '(empty)' ? '' : (value ?? ''));
  const base: Omit<Extract<Reader, { kind: 'csv' }>, 'columns'> = {
    kind: 'csv',
    delimiter: option(delimiter) || ',',
    quote: option(quote),
    escape: option(escape),
    header,
    skipRows: Number(skipRows ?? 0),
  };
  // Raw text of every column, to judge which hold times and how they are written.
  const rawReader: Reader = { ...base, columns: sniffedColumns.map((c) => ({ name: c.name, type: 'VARCHAR' })) };
  const raw = await sampleRowsOf(db, rawReader, samplePath, 500, signal);
  const { names, renamed } = datasetColumnNames(sniffedColumns.map((c) => c.name));
  const columns: PlannedColumn[] = sniffedColumns.map((column, index) => {
    const values = raw.rows.map((row) => row[index] ?? null);
    const time = column.type.startsWith('TIMESTAMP') || column.type === 'VARCHAR' || timeNameScore(column.name) > 0
      ? timeSpecFor(column.type, values, names[index]!)
      : null;
    const readAs = time && !time.kind.startsWith('epoch') ? 'VARCHAR' : column.type;
    return { name: names[index]!, path: [column.name], sourceType: readAs, type: time ? 'TIMESTAMP' : column.type, asJson: false, time };
  });
  const timeSpec = chooseTime(columns, options);
  const reader: Reader = { ...base, columns: sniffedColumns.map((c, i) => ({ name: c.name, type: columns[i]!.sourceType })) };
  const preview = await previewOf(db, reader, columns, samplePath, options.timeZone ?? 'UTC', signal);
  return {
    format: base.delimiter === '\t' ? 'tsv' : format === 'tsv' ? 'tsv' : 'csv',
    encoding: 'utf-8',
    reader,
    columns,
    renamed,
    time: timeSpec,
    delimiter: base.delimiter,
    quote: base.quote,
    header,
    ...preview,
    headerLines: base.skipRows + (header ? 1 : 0),
  };
}

async function detectJsonLines(db: DbConnection, originalSample: string, options: ImportOptions, signal?: AbortSignal): Promise<Detection> {
  // The shape is learned from the lines that are JSON objects; the others are rejects.
  const samplePath = `${originalSample}.objects.jsonl`;
  await fs.writeFile(samplePath, jsonObjectLines((await fs.readFile(originalSample)).toString('utf8')));
  try {
    return await detectJsonShape(db, samplePath, originalSample, options, signal);
  } finally {
    await fs.rm(samplePath, { force: true });
  }
}

async function detectJsonShape(
  db: DbConnection,
  samplePath: string,
  originalSample: string,
  options: ImportOptions,
  signal?: AbortSignal,
): Promise<Detection> {
  let described: { name: string; type: string }[];
  try {
    const { rows } = await db.all(
      `DESCRIBE SELECT * FROM read_json($path, format = 'newline_delimited', ignore_errors = true, maximum_object_size = 67108864)`,
      { path: samplePath },
      signal,
    );
    described = rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  } catch (error) {
    throw new AppError('format_not_recognised', { file: path.basename(samplePath), detail: firstLine(error) }, { cause: error });
  }
  // Times are judged from their text: read_json turns `…+09:00` into UTC but a time without
  // an offset into the same naive value, and only the text tells the two apart.
  const isNumber = (type: string) => /^(BIGINT|INTEGER|UBIGINT|HUGEINT|DOUBLE|FLOAT|DECIMAL)/.test(type);
  const timeLike = described.filter(
    (c) => c.type.startsWith('TIMESTAMP') || ((c.type === 'VARCHAR' || isNumber(c.type)) && timeNameScore(c.name) > 0),
  );
  const rawText = new Map<string, (string | null)[]>();
  if (timeLike.length) {
    const { rows } = await db.all(
      `SELECT ${timeLike.map((c) => quoteIdent(c.name)).join(', ')} FROM read_json($path, format = 'newline_delimited', ignore_errors = true,
         columns = {${timeLike.map((c) => `${quoteLiteral(c.name)}: 'VARCHAR'`).join(', ')}}) LIMIT 500`,
      { path: samplePath },
      signal,
    );
    timeLike.forEach((c, i) => rawText.set(c.name, rows.map((r) => (r[i] === null ? null : String(r[i])))));
  }
  const flattened = await flattenStructs(db, samplePath, described, signal);
  const { names, renamed } = datasetColumnNames(flattened.map((c) => c.path.join('_')));
  const columns: PlannedColumn[] = flattened.map((column, index) => {
    const topLevel = column.path.length === 1 ? column.path[0]! : null;
    const text = topLevel ? rawText.get(topLevel) : undefined;
    const time = text ? timeSpecFor(isNumber(column.type) ? column.type : 'VARCHAR', text, names[index]!) : null;
    return {
      name: names[index]!,
      path: column.path,
      sourceType: time && !time.kind.startsWith('epoch') ? 'VARCHAR' : column.type,
      type: time ? 'TIMESTAMP' : column.asJson ? 'JSON' : column.type,
      asJson: column.asJson,
      time,
    };
  });
  const timeSpec = chooseTime(columns, options);
  // The reader lists top-level fields only; a time field is read as its text.
  const reader: Reader = {
    kind: 'jsonl',
    columns: described.map((c) => {
      const planned = columns.find((p) => p.path.length === 1 && p.path[0] === c.name);
      return { name: c.name, type: planned ? planned.sourceType : c.type };
    }),
  };
  const preview = await previewOf(db, reader, columns, originalSample, options.timeZone ?? 'UTC', signal);
  return {
    format: 'jsonl',
    encoding: 'utf-8',
    reader,
    columns,
    renamed,
    time: timeSpec,
    delimiter: null,
    quote: null,
    header: null,
    ...preview,
    headerLines: 0,
  };
}

/** Nested objects become columns `parent_child` (a few levels deep); lists and deeper objects stay JSON. */
async function flattenStructs(
  db: DbConnection,
  samplePath: string,
  described: { name: string; type: string }[],
  signal?: AbortSignal,
): Promise<{ path: string[]; type: string; asJson: boolean }[]> {
  const out: { path: string[]; type: string; asJson: boolean }[] = [];
  const visit = async (pathSoFar: string[], type: string) => {
    if (type.startsWith('STRUCT(') && pathSoFar.length < maxFlattenDepth) {
      const { rows } = await db.all(
        `DESCRIBE SELECT unnest(${pathSoFar.map(quoteIdent).join('.')}) FROM read_json($path, format = 'newline_delimited', ignore_errors = true)`,
        { path: samplePath },
        signal,
      );
      for (const row of rows) await visit([...pathSoFar, String(row[0])], String(row[1]));
      return;
    }
    const deep = type.startsWith('STRUCT(') || type.endsWith('[]') || type.startsWith('MAP(') || type === 'JSON';
    out.push({ path: pathSoFar, type, asJson: deep });
  };
  for (const column of described) await visit([column.name], column.type);
  return out;
}

function timeSpecFor(type: string, values: readonly (string | number | boolean | null | Cell)[], column: string): TimeSpec | null {
  const classified = classifyTimeValues(type.startsWith('TIMESTAMP') ? 'VARCHAR' : type, values as (string | number | null)[]);
  if (!classified) return null;
  if (classified.kind.startsWith('epoch') && timeNameScore(column) === 0) return null;
  return { column, kind: classified.kind, pattern: classified.pattern };
}

/**
 * The dataset's time column: the user's choice, or among the columns read as times the
 * one whose name says "time" most clearly (ties: the first, as a log puts its time first).
 * Only the chosen column may be an epoch number; other numbers stay numbers.
 */
function chooseTime(columns: PlannedColumn[], options: ImportOptions): TimeSpec | null {
  let chosen: PlannedColumn | undefined;
  if (options.timeColumn !== undefined && options.timeColumn !== null) {
    chosen = columns.find((c) => c.name === options.timeColumn || c.path.join('.') === options.timeColumn);
    if (!chosen) throw new AppError('time_column_not_found', { column: options.timeColumn });
  } else if (options.timeColumn === undefined) {
    const candidates = columns.filter((c) => c.time);
    const score = (c: PlannedColumn) => timeNameScore(c.name) * 2 + (c.time!.kind.startsWith('epoch') ? 0 : 1);
    chosen = candidates.reduce<PlannedColumn | undefined>((best, c) => (!best || score(c) > score(best) ? c : best), undefined);
  }
  for (const column of columns) {
    if (column !== chosen && column.time?.kind.startsWith('epoch')) {
      column.time = null;
      column.type = column.sourceType;
    }
  }
  if (!chosen) return null;
  if (options.timeFormat || !chosen.time) {
    chosen.time = timeSpecFromFormat(chosen.name, options.timeFormat ?? 'iso', chosen.time?.kind ?? null);
    chosen.type = 'TIMESTAMP';
    if (!chosen.time.kind.startsWith('epoch')) chosen.sourceType = 'VARCHAR';
  }
  return chosen.time;
}

async function sampleRowsOf(db: DbConnection, reader: Reader, samplePath: string, limit: number, signal?: AbortSignal) {
  try {
    const { rows } = await db.all(`SELECT * FROM ${readerSql(reader, '$path', null, true)} LIMIT ${limit}`, { path: samplePath }, signal);
    return { rows: rows.map((row) => row.map(toCell)) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('format_not_recognised', { file: path.basename(samplePath), detail: firstLine(error) }, { cause: error });
  }
}

/** The first rows as they will be imported, and how many sample lines would be rejected. */
async function previewOf(
  db: DbConnection,
  reader: Reader,
  columns: PlannedColumn[],
  samplePath: string,
  zone: string,
  signal?: AbortSignal,
): Promise<Pick<Detection, 'sampleRows' | 'sampleRecords' | 'sampleRejected' | 'sampleTimeUnparsed'>> {
  const rejectsTable = `_ls_preview_rejects_${randomUUID().replaceAll('-', '')}`;
  const source = readerSql(reader, '$path', reader.kind === 'csv' ? rejectsTable : null, true);
  const select = selectListSql(columns, zone);
  const unparsed = columns
    .filter((c) => c.time)
    .map((c) => `count(*) FILTER (WHERE ${quoteIdent(c.name)} IS NULL AND ${c.path.map(quoteIdent).join('.')} IS NOT NULL)`);
  try {
    const { rows } = await db.all(`SELECT ${select.join(', ')} FROM ${source} LIMIT ${previewRows}`, { path: samplePath }, signal);
    const counted = await db.all(
      `SELECT count(*)${unparsed.length ? `, ${unparsed.join(' + ')}` : ', 0'} FROM (SELECT *, ${select.join(', ')} FROM ${source})`,
      { path: samplePath },
      signal,
    );
    let rejected = 0;
    if (reader.kind === 'csv') {
      const rejects = await db.all(`SELECT count(DISTINCT line) FROM temp.${quoteIdent(rejectsTable)}`, {}, signal);
      rejected = Number(rejects.rows[0]?.[0] ?? 0);
    } else {
      rejected = malformedJsonLines((await fs.readFile(samplePath)).toString('utf8'));
    }
    return {
      sampleRows: rows.map((row) => row.map(toCell)),
      // A lenient JSON read turns a malformed line into an empty row: those are not records.
      sampleRecords: Number(counted.rows[0]?.[0] ?? 0) - (reader.kind === 'jsonl' ? rejected : 0),
      sampleRejected: rejected,
      sampleTimeUnparsed: Number(counted.rows[0]?.[1] ?? 0),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('format_not_recognised', { file: path.basename(samplePath), detail: firstLine(error) }, { cause: error });
  } finally {
    if (reader.kind === 'csv') {
      await db.run(`DROP TABLE IF EXISTS temp.${quoteIdent(rejectsTable)}`).catch(() => undefined);
      await db.run(`DROP TABLE IF EXISTS temp.${quoteIdent(`${rejectsTable}_scan`)}`).catch(() => undefined);
    }
  }
}

const isJsonObject = (line: string): boolean => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

/** Non-blank lines of a JSON-lines sample that are not JSON objects. */
function malformedJsonLines(text: string): number {
  return text.split('\n').filter((line) => line.trim() && !isJsonObject(line)).length;
}

function jsonObjectLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() && isJsonObject(line))
    .join('\n');
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
