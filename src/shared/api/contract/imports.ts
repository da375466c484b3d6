import { z } from 'zod';
import { Cell, ColumnInfo, DatasetId, IsoInstant, method } from '../schemas';

/**
 * Loading files: a preview of what Logscope recognised (format, columns, time and zone,
 * first rows, unreadable lines), the user's corrections, and the import itself —
 * atomic, deduplicated by content, with every line accounted for.
 */

/**
 * The formats Logscope reads (the `format` key of `import --json`; `--format` forces one):
 * delimited text and JSON lines; web server access logs; text logs whose lines start with a
 * timestamp (or a syslog priority, or a level); a user's own regex; and `lines`, anything
 * else, one row per line. The README's "Supported formats" has an example line of each.
 */
export const importFormats = ['csv', 'tsv', 'jsonl', 'nginx', 'apache', 'logfmt', 'syslog', 'syslog5424', 'log', 'python', 'logcat', 'pattern', 'lines'] as const;
export const ImportFormat = z.enum(importFormats);
export type ImportFormat = z.infer<typeof ImportFormat>;

/** Where a year (or date) missing from timestamps came from. */
export const ReferenceSource = z.enum(['file_modified', 'mail_date', 'upload_modified', 'archive_member', 'gzip_header', 'import_time']);
export type ReferenceSource = z.infer<typeof ReferenceSource>;

export const TimeKind = z.enum(['instant', 'local', 'mixed', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns', 'pattern']);

/** Where a file comes from: a path the main process reads, or an upload from browser mode. */
export const FileRef = z.union([
  z
    .object({
      path: z.string().min(1),
      /** One member of a zip archive (its name as the preview gave it); absent: every member. */
      member: z.string().min(1).max(4096).optional(),
    })
    .strict(),
  z
    .object({
      uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      name: z.string().min(1).max(1024),
      member: z.string().min(1).max(4096).optional(),
      /** The browser's `File.lastModified` (ms): the year of timestamps written without one. */
      lastModified: z.number().nullable().optional(),
    })
    .strict(),
]);
export type FileRef = z.infer<typeof FileRef>;

/** The first bytes of a file the browser holds (File.slice), for a preview before uploading. */
export const FileHead = z
  .object({
    name: z.string().min(1).max(1024),
    size: z.number().int().min(0),
    lastModified: z.number().nullable().default(null),
    headBase64: z.string().max(4 * 1024 * 1024),
  })
  .strict();

export const DatasetTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new'), name: z.string().min(1).max(128) }).strict(),
  z.object({ kind: z.literal('existing'), datasetId: DatasetId }).strict(),
]);
export type DatasetTarget = z.infer<typeof DatasetTarget>;

/** What the user may correct in the preview; anything left out is detected. */
export const ImportOptions = z
  .object({
    format: ImportFormat.optional(),
    delimiter: z.string().min(1).max(4).optional(),
    header: z.boolean().optional(),
    quote: z.string().max(1).optional(),
    /** A column name, or null for "no time column". */
    timeColumn: z.string().nullable().optional(),
    /** `iso`, `epoch_s`, `epoch_ms`, `epoch_us`, `epoch_ns`, or a strptime pattern such as `%d/%m/%Y %H:%M:%S`. */
    timeFormat: z.string().min(1).max(100).optional(),
    /** The zone of times written without an offset (IANA name). */
    timeZone: z.string().min(1).max(64).optional(),
    dataset: DatasetTarget.optional(),
    /** The text encoding (a WHATWG label such as `utf-8`, `euc-kr`, `cp949`, `latin1`); detected when absent. */
    encoding: z.string().min(1).max(40).optional(),
    /** A regular expression with named groups, one column per group (format `pattern`). */
    pattern: z.string().min(1).max(4000).optional(),
    /** Saves `pattern` under this name (or, without `pattern`, uses the pattern saved under it). */
    patternName: z.string().min(1).max(100).optional(),
    /** Archive limits: the most bytes a .gz or .zip may inflate to, and the highest ratio. */
    maxUnpackedBytes: z.number().int().positive().optional(),
    maxCompressionRatio: z.number().positive().optional(),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptions>;

export const ColumnChange = z.object({ name: z.string(), from: z.string(), to: z.string() });

export const FilePreview = z.object({
  file: z.object({ name: z.string(), size: z.number() }),
  format: ImportFormat,
  encoding: z.string(),
  delimiter: z.string().nullable(),
  header: z.boolean().nullable(),
  quote: z.string().nullable(),
  columns: z.array(ColumnInfo.extend({ sourceName: z.string() })),
  timeColumn: z.string().nullable(),
  timeKind: TimeKind.nullable(),
  timeFormat: z.string().nullable(),
  /** The zone used for times without an offset; null when every time carries one. */
  timeZone: z.string().nullable(),
  sampleRows: z.array(z.array(Cell)),
  /** Of the sample's entries: how many the chosen format read (the rest are `sampleRejected`). */
  sampleRecords: z.number().int(),
  sampleRejected: z.number().int(),
  /** The share (0–1) of the sample's lines the chosen format reads (entries and the lines joined to them). */
  fits: z.number().min(0).max(1),
  /**
   * When more than a small share of the sample does not fit: the other formats it could be
   * read as, best fit first, each with the share of sample lines that fit it (an estimate
   * from detection's scores). Previewing with one of them as `format` reads it so.
   */
  alternatives: z.array(z.object({ format: ImportFormat, fits: z.number().min(0).max(1) })),
  sampleTimeUnparsed: z.number().int(),
  estimatedRows: z.number().int(),
  dataset: z.object({ name: z.string(), datasetId: DatasetId.nullable(), exists: z.boolean() }),
  schemaChanges: z.object({ added: z.array(z.string()), missing: z.array(z.string()), widened: z.array(ColumnChange) }),
  renamedColumns: z.array(z.object({ from: z.string(), to: z.string() })),
  /**
   * Already imported: `content` when the preview saw the whole file and its decoded text
   * hashes like an imported one's (what the import checks); `name_size`, only likely (a
   * larger file), and the import checks the content.
   */
  maybeDuplicateOf: z.object({ sourceId: z.number().int(), dataset: z.string(), by: z.enum(['content', 'name_size']) }).nullable(),
  /** The member of a zip archive this preview is about. */
  archive: z.object({ name: z.string(), member: z.string() }).nullable(),
  /** For text logs: the regex that reads a line (JavaScript syntax, named groups), to copy into a pattern of one's own. */
  pattern: z.string().nullable(),
  /** The saved pattern detection chose, by name. */
  patternName: z.string().nullable(),
  /** How the lines write their timestamps, as an example (`Jun 14 15:16:01`). */
  timeLayout: z.string().nullable(),
  /**
   * Timestamps without a year (or a date) take it from a reference: which one, the year (or
   * date) it gives, and how many sample rows went to the year (day) before — a December line
   * in a file last written in January.
   */
  assumedTime: z
    .object({
      kind: z.enum(['year', 'date']),
      source: ReferenceSource,
      reference: IsoInstant,
      value: z.string(),
      sampleRolledBack: z.number().int(),
    })
    .nullable(),
  /** Entries may span lines (stack traces): sample lines joined to the entry before them. */
  multiline: z.boolean(),
  sampleJoined: z.number().int(),
  options: ImportOptions,
});
export type FilePreview = z.infer<typeof FilePreview>;

export const PreviewItem = z.union([
  z.object({ ok: z.literal(true), preview: FilePreview }),
  z.object({ ok: z.literal(false), file: z.string(), error: z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) }) }),
]);
export type PreviewItem = z.infer<typeof PreviewItem>;

export const ImportOrigin = z.enum(['dropped', 'command', 'mail', 'upload', 'demo']);
export type ImportOrigin = z.infer<typeof ImportOrigin>;

export const ImportResult = z.object({
  file: z.string(),
  sourceId: z.number().int().nullable(),
  dataset: z.string().nullable(),
  datasetId: DatasetId.nullable(),
  format: ImportFormat,
  encoding: z.string(),
  columns: z.array(ColumnInfo),
  timeColumn: z.string().nullable(),
  levelColumn: z.string().nullable(),
  timeZone: z.string().nullable(),
  lines: z.number().int(),
  rows: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  timeUnparsed: z.number().int(),
  /** Lines joined to the entry before them (stack traces): lines = rows + joined + rejected + skipped. */
  joined: z.number().int(),
  /** For a member of a zip archive: the archive's name and the member's. */
  archive: z.string().nullable(),
  member: z.string().nullable(),
  duplicate: z.boolean(),
  /** Set when only the lines added since an earlier import of the same file were read. */
  grownFrom: z.object({ sourceId: z.number().int(), fromLine: z.number().int() }).nullable(),
  timeMin: IsoInstant.nullable(),
  timeMax: IsoInstant.nullable(),
  elapsedMs: z.number(),
  /** Where the time went: the pass over the file (hash, lines), detection, and DuckDB. */
  phasesMs: z.object({ scan: z.number(), detect: z.number(), load: z.number() }),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ImportItemResult = z.union([
  z.object({ ok: z.literal(true), result: ImportResult }),
  z.object({ ok: z.literal(false), file: z.string(), error: z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) }) }),
]);
export type ImportItemResult = z.infer<typeof ImportItemResult>;

/** A user's own line format, saved by name and offered again. */
export const SavedPattern = z.object({ name: z.string(), pattern: z.string(), createdAt: IsoInstant, lastUsedAt: IsoInstant.nullable() });
export type SavedPattern = z.infer<typeof SavedPattern>;

export const FormatInfo = z.object({ format: ImportFormat, example: z.string() });

export const SourceSummary = z.object({
  id: z.number().int(),
  datasetId: DatasetId,
  fileName: z.string(),
  sizeBytes: z.number(),
  contentHash: z.string(),
  format: z.string(),
  encoding: z.string(),
  timeZone: z.string().nullable(),
  lines: z.number(),
  rows: z.number(),
  rejected: z.number(),
  skipped: z.number(),
  origin: ImportOrigin,
  originDetail: z.record(z.string(), z.unknown()).nullable(),
  importedAt: IsoInstant,
});
export type SourceSummary = z.infer<typeof SourceSummary>;

/** How far one file of an import has come, in bytes of its content (decoded text) and rows. */
export const ImportProgress = z.object({
  jobId: z.string(),
  fileIndex: z.number().int(),
  fileCount: z.number().int(),
  file: z.string(),
  phase: z.enum(['reading', 'importing', 'finishing', 'done']),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  rows: z.number(),
  rowsPerSecond: z.number(),
  /** Of the current phase: bytes per second since it began, and the seconds it still needs (null before a rate is known). */
  bytesPerSecond: z.number(),
  secondsLeft: z.number().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/**
 * An import running in the owner process, or finished there: the window that started it
 * may close or reload and find it again. `cancelled` leaves nothing of the file it was
 * reading (each file is one transaction); files finished before stay.
 */
/**
 * A dataset's copy into ClickHouse after its files were imported here: rows sent so far of
 * those to send. A failed or cancelled push leaves the local dataset as it is; pushing again
 * sends only what the server lacks (by content hash).
 */
export const ImportJobPush = z.object({
  dataset: z.string(),
  phase: z.enum(['waiting', 'pushing', 'done', 'failed', 'cancelled']),
  rowsSent: z.number().int(),
  /** Rows with a time, the ones a push sends (those without one stay local). */
  rowsTotal: z.number().int().nullable(),
  table: z.string().nullable(),
  duplicates: z.number().int(),
  withoutTime: z.number().int(),
  error: z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) }).nullable(),
});
export type ImportJobPush = z.infer<typeof ImportJobPush>;

export const ImportJob = z.object({
  jobId: z.string(),
  files: z.array(z.string()),
  /** The ClickHouse connection the datasets are copied into after the import; null: this computer only. */
  engine: z.string().nullable(),
  /** One per dataset the import wrote to, once the import is done (empty without an engine). */
  pushes: z.array(ImportJobPush),
  phase: z.enum(['running', 'done', 'failed', 'cancelled']),
  startedAt: IsoInstant,
  finishedAt: IsoInstant.nullable(),
  progress: ImportProgress.nullable(),
  /** Per file, once finished. */
  results: z.array(ImportItemResult),
  /** Why the whole job stopped (not one file's failure, which is in `results`). */
  error: z.object({ code: z.string(), params: z.record(z.string(), z.unknown()) }).nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

const ImportRunFiles = z.array(z.object({ file: FileRef, options: ImportOptions.default({}) }).strict()).min(1).max(1000);

export const importMethods = {
  'import.preview': method(
    z
      .object({
        files: z.array(z.union([FileRef, FileHead])).min(1).max(100),
        options: z.array(ImportOptions).default([]),
      })
      .strict(),
    z.array(PreviewItem),
  ),
  'import.run': method(
    z
      .object({
        /** Chosen by the caller, so it can match progress events to this call. */
        jobId: z.string().min(1).max(64),
        files: ImportRunFiles,
        origin: ImportOrigin.default('dropped'),
      })
      .strict(),
    z.array(ImportItemResult),
  ),
  /** Starts an import in the background and answers at once; `import.job` events follow it. */
  'import.start': method(
    z
      .object({
        files: ImportRunFiles,
        origin: ImportOrigin.default('dropped'),
        /** A ClickHouse connection's name: each imported dataset is then pushed there and linked (its dashboard runs there). */
        engine: z.string().min(1).max(64).optional(),
      })
      .strict(),
    ImportJob,
  ),
  /** The imports running and those finished since the app started, newest first. */
  'import.jobs': method(z.object({}).strict(), z.array(ImportJob)),
  'import.cancel': method(z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
  /** Takes a finished import off the list. */
  'import.dismiss': method(z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ dismissed: z.boolean() })),
  'sources.list': method(z.object({ datasetId: DatasetId }).strict(), z.array(SourceSummary)),
  /** The formats Logscope reads, each with an example line, and the user's saved patterns. */
  'formats.list': method(z.object({}).strict(), z.object({ formats: z.array(FormatInfo), patterns: z.array(SavedPattern) })),
  'formats.save': method(
    z.object({ name: z.string().min(1).max(100), pattern: z.string().min(1).max(4000) }).strict(),
    SavedPattern,
  ),
  'formats.remove': method(z.object({ name: z.string().min(1).max(100) }).strict(), z.object({ removed: z.boolean() })),
  'sources.remove': method(z.object({ sourceId: z.number().int().positive() }).strict(), z.object({ rowsRemoved: z.number() })),
  'rejects.page': method(
    z
      .object({ datasetId: DatasetId, offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) })
      .strict(),
    z.object({
      rows: z.array(z.object({ sourceId: z.number(), fileName: z.string(), line: z.number().nullable(), reason: z.string(), raw: z.string().nullable() })),
      total: z.number(),
    }),
  ),
} as const;

export const importEvents = {
  'import.progress': ImportProgress,
  /** A job started, finished, failed, was cancelled or dismissed (`dismissed`: gone from the list). */
  'import.job': z.object({ job: ImportJob, dismissed: z.boolean() }),
} as const;
