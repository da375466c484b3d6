import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DbConnection, DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import type { Cell } from '../../../shared/api/contract';
import type { FilePreview, ImportFormat, ImportOptions, ReferenceSource } from '../../../shared/api/contract/imports';
import { classifyTimeValues, localDateTime, timeSpecFromFormat, timeNameScore, type TimeCompletion, type TimeSpec } from '../../../shared/detect/time';
import { createDatasetSql, datasetColumnNames, maxJsonObjectBytes, readerSql, selectListSql, type PlannedColumn, type Reader } from '../../../shared/imports/plan';
import { quoteIdent, quoteLiteral } from '../../../shared/sql/quote';
import { guessDelimiter } from '../../../shared/detect/delimiter';
import { detectAccessLayout } from '../../../shared/detect/accessLog';
import { bestGrammar, chooseFormat, sampleGrammars, sampleLines, scoreGrammar, type FormatCandidate, type FormatGuess } from '../../../shared/detect/formats';
import { grammarFor, timeGroupOf, type LineFormatId, type LineGrammar } from '../../../shared/detect/lineFormats';
import { execGrouped, type GroupedRegex } from '../../../shared/detect/regex';
import { displayPattern, parseUserPattern, type PatternProblem } from '../../../shared/detect/userPattern';
import { timeStyle, type TimeStyle } from '../../../shared/detect/timeStyles';
import { accessPlan, grammarPlan, plainLinesPlan, userPatternPlan, type ColumnUnit, type TextPlan } from '../../../shared/imports/formatPlan';
import type { AccessReader, LinesReader } from '../../../shared/imports/plan';
import { loadText } from './loadText';
import { detectLogfmt } from '../../../shared/detect/logfmt';
import { logfmtPlan } from '../../../shared/imports/logfmtPlan';
import { numberLines } from './lineNumbers';
import { entriesSql, linesSourceSql } from '../../../shared/imports/linePlan';
import { completedTimeSql, timeExpression } from '../../../shared/sql/time';

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
  /** Share of the sample's lines the format reads, and the other formats they could be read as. */
  fits: number;
  alternatives: FilePreview['alternatives'];
  sampleTimeUnparsed: number;
  /** Lines before the first record (CSV header and skipped lines). */
  headerLines: number;
  /** For text logs: the regex a line is read with (JavaScript syntax), and the saved pattern's name. */
  pattern: string | null;
  patternName: string | null;
  /** An example of the timestamps as written. */
  timeLayout: string | null;
  assumedTime: FilePreview['assumedTime'];
  /** Entries may span lines; sample lines joined to the entry before them. */
  multiline: boolean;
  sampleJoined: number;
  /** Units of duration columns (an access log's request time is seconds). */
  units: ColumnUnit[];
}

/** One reading of the sample, before it is compared with the others. */
type Reading = Omit<Detection, 'fits' | 'alternatives'>;

/** What detection knows besides the sample's bytes. */
export interface SampleContext {
  /** The WHATWG name of the encoding the sample was converted from. */
  encoding: string;
  /** The instant timestamps without a year (or date) are completed from, and where it came from. */
  reference: { at: Date; source: ReferenceSource };
  savedPatterns: readonly { name: string; pattern: string }[];
}

/** Control bytes a text file practically never holds, tried in order as the lines reader's delimiter. */
export const lineDelimiterCandidates = [0x1f, 0x1e, 0x1d, 0x1c, 0x01, 0x02, 0x03] as const;

export function lineDelimiterFor(present: (byte: number) => boolean): string {
  const byte = lineDelimiterCandidates.find((b) => !present(b)) ?? 0x1f;
  return String.fromCharCode(byte);
}

const noTextDetails = {
  pattern: null,
  patternName: null,
  timeLayout: null,
  assumedTime: null,
  multiline: false,
  sampleJoined: 0,
  units: [] as ColumnUnit[],
};

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

/**
 * A file that is not text: a known binary signature, or bytes text does not have — control
 * characters other than tabs, line ends, form feeds and escapes, or mostly NULs. A log with
 * a few NUL bytes (a crash leaves runs of them) is still a log: the NULs are dropped when it
 * is read. UTF-16 is decided before this is asked.
 */
export function binaryKind(head: Buffer): string | null {
  for (const magic of binaryMagic) if (magic.bytes.every((b, i) => head[i] === b)) return magic.name;
  const window = head.subarray(0, 65536);
  if (window.length === 0) return null;
  let controls = 0;
  let nuls = 0;
  for (const byte of window) {
    if (byte === 0) nuls++;
    else if ((byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 12 && byte !== 13 && byte !== 11 && byte !== 0x1b) || byte === 0x7f) controls++;
  }
  const text = window.length - nuls;
  // Judged on the bytes that are not NUL: a crash's NUL padding inside a log leaves text.
  return text === 0 || controls > text * 0.05 || (nuls > 0 && !window.includes(10)) ? 'binary data' : null;
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
  context: SampleContext = { encoding: 'utf-8', reference: { at: new Date(), source: 'import_time' }, savedPatterns: [] },
): Promise<Detection> {
  if (sample.bytes.length === 0) throw new AppError('file_empty', { file: sample.fileName });
  const samplePath = path.join(sample.tempDir, `sample-${randomUUID()}${extensionOf(sample.fileName)}`);
  await fs.writeFile(samplePath, sample.bytes);
  try {
    const text = sample.bytes.toString('utf8');
    const userPattern = options.pattern ?? null;
    const forced: ImportFormat | undefined = options.format ?? (userPattern ? 'pattern' : undefined);
    const chosen = chooseFormat(text, context.savedPatterns);
    const detectAs = async (format: ImportFormat, guess: FormatGuess | null): Promise<Reading> => {
      if (format === 'jsonl') return { ...(await detectJsonLines(db, samplePath, options, signal)), ...noTextDetails };
      if (format === 'csv' || format === 'tsv') return { ...(await detectDelimited(db, samplePath, format, options, sample.fileName, signal)), ...noTextDetails };
      return detectText(db, { path: samplePath, text, fileName: sample.fileName }, format, guess, options, context, signal);
    };
    const detection = forced ? await detectAs(forced, null) : await detectAs(chosen.guess.format, chosen.guess);
    const fits = sampleFit(detection, chosen.candidates);
    // More than a few lines do not fit: offer the other readings, best fit first.
    const alternatives =
      fits < wellFitting
        ? [...chosen.candidates.map((c) => ({ format: c.guess.format, fits: c.fits })), { format: 'lines' as const, fits: 1 }]
            .filter((a) => a.format !== detection.format && a.fits > 0)
            .slice(0, maxAlternatives)
        : [];
    return { ...detection, encoding: context.encoding, fits, alternatives };
  } finally {
    await fs.rm(samplePath, { force: true });
  }
}

/** A format that reads at least this share of the sample needs no second guess. */
const wellFitting = 0.95;
const maxAlternatives = 3;

/**
 * The share of the sample's lines a reading fits. A text log joins every line it cannot
 * read to the entry before, so its share is the scores' (entries and the lines that look
 * like their continuation); other formats count what their reader rejected.
 */
function sampleFit(reading: Reading, candidates: readonly FormatCandidate[]): number {
  const estimated = candidates.find((c) => c.guess.format === reading.format);
  if (reading.reader.kind === 'lines' && reading.format !== 'lines' && reading.format !== 'pattern' && estimated) return estimated.fits;
  const read = reading.sampleRecords + reading.sampleJoined;
  const total = read + reading.sampleRejected;
  return total === 0 ? 1 : read / total;
}

function extensionOf(fileName: string): string {
  // The sample holds the content itself: never name it like a compressed file DuckDB would inflate.
  const extension = path.extname(fileName.replace(/\.(gz|gzip|zip|zst|bz2)$/i, '')).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(extension) && !/^\.(gz|gzip|zip|zst|bz2)$/.test(extension) ? extension : '';
}

/** The grammar of a line format for this sample: the variant (time style) that reads the most lines. */
function grammarOf(format: LineFormatId, lines: readonly string[]): LineGrammar {
  const scored = sampleGrammars(lines)
    .filter((g) => g.format === format)
    .map((g) => scoreGrammar(g, lines));
  return bestGrammar(scored)?.grammar ?? grammarFor(format, null);
}

/**
 * Access logs and text logs: the plan from the format's grammar (or layout, or the user's
 * pattern), then a preview made by loading the sample with the import's own statements.
 */
async function detectText(
  db: DbConnection,
  sample: { path: string; text: string; fileName: string },
  format: ImportFormat,
  guess: FormatGuess | null,
  options: ImportOptions,
  context: SampleContext,
  signal?: AbortSignal,
): Promise<Reading> {
  const zone = options.timeZone ?? 'UTC';
  const lines = sampleLines(sample.text);
  const delimiter = lineDelimiterFor((byte) => sample.text.includes(String.fromCharCode(byte)));
  const completionFor = (style: TimeStyle): TimeCompletion | null =>
    style.read.kind === 'strptime' && style.read.completion ? { kind: style.read.completion, referenceLocal: localDateTime(context.reference.at, zone) } : null;
  let plan: TextPlan<AccessReader | LinesReader>;
  let shown: GroupedRegex | null = null;
  let patternName: string | null = null;
  let timeLayout: string | null = null;
  let completion: TimeCompletion | null = null;
  if (format === 'nginx' || format === 'apache') {
    const layout = guess && (guess.format === 'nginx' || guess.format === 'apache') ? guess.layout : detectAccessLayout(lines)?.layout;
    if (!layout) throw new AppError('format_not_recognised', { file: sample.fileName, detail: `no line reads as an ${format} access log` });
    plan = accessPlan(layout);
    shown = (plan.reader as AccessReader).recovery;
    const time = layout.fields.find((f) => f.role === 'time_open' || f.role === 'time_single');
    timeLayout = time?.role === 'time_single' ? '[2024-03-04T09:15:02+09:00]' : '[04/Mar/2024:09:15:02 +0900]';
  } else if (format === 'logfmt') {
    const layout = guess?.format === 'logfmt' ? guess.layout : detectLogfmt(lines, 0)?.layout;
    if (!layout) throw new AppError('format_not_recognised', { file: sample.fileName, detail: 'no line is made of key=value pairs' });
    const compiled = new RegExp(layout.regex.source);
    const entries = lines.map((l) => execGrouped(layout.regex, compiled, l)).filter((e): e is Record<string, string> => e !== null);
    const styleId = layout.headTime ?? layout.keys.find((k) => k.kind === 'time')?.style ?? null;
    const style = styleId ? timeStyle(styleId) : null;
    completion = style ? completionFor(style) : null;
    plan = logfmtPlan(layout, entries, { delimiter, completion });
    shown = layout.regex;
    timeLayout = style?.example ?? null;
  } else if (format === 'pattern') {
    const saved = guess?.format === 'pattern' ? guess : null;
    const source = options.pattern ?? saved?.pattern ?? (options.patternName ? context.savedPatterns.find((p) => p.name === options.patternName)?.pattern : undefined);
    if (!source) throw new AppError(options.patternName ? 'pattern_not_found' : 'pattern_invalid', options.patternName ? { name: options.patternName } : { detail: 'no pattern was given' });
    const parsed = parseUserPattern(source);
    if (!parsed.ok) throw new AppError('pattern_invalid', { detail: patternProblemText(parsed.problem) });
    patternName = saved?.name ?? options.patternName ?? null;
    const compiled = new RegExp(parsed.regex.source);
    const entries = lines.map((l) => execGrouped(parsed.regex, compiled, l)).filter((e): e is Record<string, string> => e !== null);
    plan = userPatternPlan(parsed.regex, entries, { delimiter, completionFor });
    shown = parsed.regex;
    completion = plan.columns.find((c) => c.time?.completion)?.time?.completion ?? null;
  } else if (format === 'lines') {
    plan = plainLinesPlan(delimiter);
  } else {
    const grammar = guess && 'grammar' in guess ? guess.grammar : grammarOf(format as LineFormatId, lines);
    const compiled = new RegExp(grammar.regex.source);
    const entries = lines.map((l) => execGrouped(grammar.regex, compiled, l)).filter((e): e is Record<string, string> => e !== null);
    const style = grammar.timeStyle ? timeStyle(grammar.timeStyle) : null;
    completion = style ? completionFor(style) : null;
    plan = grammarPlan(grammar, entries, { delimiter, completion });
    shown = grammar.regex;
    const timeGroup = timeGroupOf(grammar);
    timeLayout = entries.find((e) => e[timeGroup])?.[timeGroup] ?? style?.example ?? null;
  }
  const timeSpec = chooseTime(plan.columns, options);
  const preview = await previewText(db, plan, sample.path, zone, signal);
  const timeStats = await sampleTimeStats(db, plan, sample.path, zone, signal);
  let assumedTime: FilePreview['assumedTime'] = null;
  if (completion && timeSpec?.completion) {
    assumedTime = {
      kind: completion.kind,
      source: context.reference.source,
      reference: context.reference.at.toISOString(),
      value: completion.kind === 'year' ? completion.referenceLocal.slice(0, 4) : completion.referenceLocal.slice(0, 10),
      sampleRolledBack: timeStats.rolledBack,
    };
  }
  const multiline = plan.reader.kind === 'lines' && plan.reader.continueInto !== null;
  return {
    format: format === 'apache' || format === 'nginx' ? format : format,
    encoding: context.encoding,
    reader: plan.reader,
    columns: plan.columns,
    renamed: [],
    time: timeSpec,
    delimiter: null,
    quote: null,
    header: null,
    sampleRows: preview.sampleRows,
    sampleRecords: preview.rows,
    sampleRejected: preview.rejected,
    sampleTimeUnparsed: plan.reader.kind === 'lines' ? timeStats.unparsed : preview.timeUnparsed,
    headerLines: 0,
    pattern: shown ? displayPattern(shown) : null,
    patternName,
    timeLayout,
    assumedTime,
    multiline,
    sampleJoined: preview.joined,
    units: plan.units,
  };
}

/**
 * For text logs, over the sample's entries: times written but not read, and times completed
 * with the year (day) before the reference's.
 */
async function sampleTimeStats(
  db: DbConnection,
  plan: TextPlan<AccessReader | LinesReader>,
  samplePath: string,
  zone: string,
  signal?: AbortSignal,
): Promise<{ unparsed: number; rolledBack: number }> {
  const column = plan.columns.find((c) => c.time);
  if (plan.reader.kind !== 'lines' || !column?.time || !column.expression) return { unparsed: 0, rolledBack: 0 };
  const rejects = `_ls_time_rejects_${randomUUID().replaceAll('-', '')}`;
  const value = column.expression;
  const rolled = column.time.completion ? completedTimeSql(column.time, value).rolledBack : 'false';
  try {
    const { rows } = await db.all(
      `SELECT count(*) FILTER (WHERE ${value} IS NOT NULL AND ${timeExpression(column.time, value, zone)} IS NULL),
              count(*) FILTER (WHERE ${value} IS NOT NULL AND ${rolled})
       FROM ${entriesSql(plan.reader, linesSourceSql(plan.reader, '$path', rejects))}`,
      { path: samplePath },
      signal,
    );
    return { unparsed: Number(rows[0]?.[0] ?? 0), rolledBack: Number(rows[0]?.[1] ?? 0) };
  } finally {
    await db.run(`DROP TABLE IF EXISTS temp.${quoteIdent(rejects)}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS temp.${quoteIdent(`${rejects}_scan`)}`).catch(() => undefined);
  }
}

export function patternProblemText(problem: PatternProblem): string {
  switch (problem.reason) {
    case 'no_named_group':
      return 'it has no named group such as (?<message>.*)';
    case 'unsupported':
      return `${problem.construct} is not supported (DuckDB's RE2 has no look-around or back-references)`;
    case 'syntax':
      return problem.detail;
    case 'matches_empty':
      return 'it matches an empty line';
    case 'duplicate_name':
      return `the group name ${problem.name} is used twice`;
  }
}

/**
 * The preview of a text format: the sample loaded into temporary tables by the import's own
 * statements — rows, rejected lines and joined continuation lines exactly as the import
 * will make them.
 */
async function previewText(
  db: DbConnection,
  plan: TextPlan<AccessReader | LinesReader>,
  samplePath: string,
  zone: string,
  signal?: AbortSignal,
): Promise<{ sampleRows: Cell[][]; rows: number; rejected: number; joined: number; timeUnparsed: number }> {
  const id = randomUUID().replaceAll('-', '');
  const target = `_ls_preview_${id}`;
  const rejected = `_ls_preview_rejects_${id}`;
  const span = plan.reader.kind === 'lines' && plan.reader.continueInto !== null;
  const text = (await fs.readFile(samplePath)).toString('utf8');
  const blankLines: number[] = [];
  text.split('\n').forEach((line, i, all) => {
    if ((line === '' || line === '\r') && !(i === all.length - 1 && line === '')) blankLines.push(i + 1);
  });
  try {
    await db.run(createDatasetSql(target, plan.columns, { span, temporary: true }), {}, signal);
    await db.run(`CREATE TEMP TABLE ${quoteIdent(rejected)} (source_id INTEGER, dataset_id INTEGER, line BIGINT, reason VARCHAR, raw VARCHAR)`, {}, signal);
    const tx: DbStatements = { all: (sql, params) => db.all(sql, params, signal), run: (sql, params) => db.run(sql, params, signal) };
    const counts = await loadText({
      tx,
      reader: plan.reader,
      columns: plan.columns,
      zone,
      path: samplePath,
      target: `temp.${quoteIdent(target)}`,
      rejected: `temp.${quoteIdent(rejected)}`,
      sourceId: 0,
      datasetId: 0,
      firstLine: 1,
      blankLines,
      scratch: `_ls_preview_scratch_${id}`,
    });
    if (counts.lineNumbers) await numberLines(tx, `temp.${quoteIdent(target)}`, 0, counts.lineNumbers);
    const names = plan.columns.map((c) => quoteIdent(c.name)).join(', ');
    const { rows } = await db.all(`SELECT ${names} FROM temp.${quoteIdent(target)} ORDER BY "_ls_line" LIMIT ${previewRows}`, {}, signal);
    const time = plan.columns.find((c) => c.time);
    const unparsed = time
      ? Number((await db.all(`SELECT count(*) FROM temp.${quoteIdent(target)} WHERE ${quoteIdent(time.name)} IS NULL`, {}, signal)).rows[0]?.[0] ?? 0)
      : 0;
    return { sampleRows: rows.map((row) => row.map(toCell)), rows: counts.rows, rejected: counts.rejected, joined: counts.joined, timeUnparsed: unparsed };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('format_not_recognised', { file: path.basename(samplePath), detail: firstLine(error) }, { cause: error });
  } finally {
    await db.run(`DROP TABLE IF EXISTS temp.${quoteIdent(target)}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS temp.${quoteIdent(rejected)}`).catch(() => undefined);
  }
}

async function detectDelimited(
  db: DbConnection,
  samplePath: string,
  format: ImportFormat,
  options: ImportOptions,
  fileName: string,
  signal?: AbortSignal,
): Promise<Omit<Reading, keyof typeof noTextDetails>> {
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

async function detectJsonLines(db: DbConnection, originalSample: string, options: ImportOptions, signal?: AbortSignal): Promise<Omit<Reading, keyof typeof noTextDetails>> {
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
): Promise<Omit<Reading, keyof typeof noTextDetails>> {
  let described: { name: string; type: string }[];
  try {
    const { rows } = await db.all(
      `DESCRIBE SELECT * FROM read_json($path, format = 'newline_delimited', ignore_errors = true, maximum_object_size = ${maxJsonObjectBytes})`,
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
    // JSON: a field written as a number on some lines and a string on others (epoch nanoseconds).
    (c) => c.type.startsWith('TIMESTAMP') || ((c.type === 'VARCHAR' || c.type === 'JSON' || isNumber(c.type)) && timeNameScore(c.name) > 0),
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
      sourceType: time && (!time.kind.startsWith('epoch') || column.type === 'JSON') ? 'VARCHAR' : column.type,
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
    // A list of structs (`STRUCT(…)[]`, rust tracing's `spans`) stays one JSON column: unnesting it would read its elements, not its fields.
    const isStruct = type.startsWith('STRUCT(') && !type.endsWith(']');
    if (isStruct && pathSoFar.length < maxFlattenDepth) {
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
