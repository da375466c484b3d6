import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Db, DbConnection, DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import type { EventBus } from '../events';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { AppError, toWireError } from '../../../shared/api/errors';
import type { ParsedInput } from '../../../shared/api/contract';
import { ImportFormat, importFormats } from '../../../shared/api/contract/imports';
import type {
  DatasetTarget,
  FilePreview,
  FileRef,
  ImportItemResult,
  ImportOptions,
  ImportOrigin,
  ImportResult,
  PreviewItem,
  SourceSummary,
} from '../../../shared/api/contract/imports';
import { datasetNameFromFileName, datasetNameKey, datasetNameProblem } from '../../../shared/datasetNames';
import {
  createDatasetSql,
  insertSql,
  jsonObjectLimit,
  lineShifts,
  ownColumnPrefix,
  readerSpansLines,
  schemaChanges,
  schemaChangeSql,
  sourceColumn,
  spanColumn,
  type LinesReader,
  type Reader,
} from '../../../shared/imports/plan';
import { quoteIdent } from '../../../shared/sql/quote';
import type { Handlers } from '../../transport/rpc';
import { timeCarriesOffset } from '../../../shared/detect/time';
import type { EncodingName } from '../../../shared/detect/encoding';
import { datasetTable, findDatasetByName, getDatasetRecord, insertDatasetRecord, refreshDatasetStats } from '../catalog/datasets';
import { appendSourceToSummary, rebuildSummaryIfAny } from '../catalog/summaries';
import { detectSample, firstLine, lineDelimiterCandidates, lineDelimiterFor, sampleBytes, type Detection, type SampleContext } from './detect';
import { contentHash, readHead, scanFile, type FileScan } from './fileScan';
import { convertToUtf8 } from './encoding';
import { jsonLinesFallbackSql } from './jsonLinesFallback';
import { loadText } from './loadText';
import { numberPendingSource, recordPendingLineNumbers, type PendingLineNumbers } from './lineNumbers';
import {
  containerOf,
  defaultArchiveLimits,
  firstBytes,
  gunzipChunks,
  gunzipFile,
  gzipModified,
  InflateBudget,
  openZip,
  readZipMember,
  type ArchiveLimits,
  type ContainerKind,
  type OpenedZip,
  type ZipMember,
} from './archives';
import { baseReference, forcedEncoding, inflateHead, normalizeContent, sampleFromHead, writeContent, type SourceReference } from './sources';
import { createPatternStore, formatExamples } from './patterns';

export interface DiskSpace {
  /** Bytes available to this user on the file system holding `dir`. */
  free(dir: string): Promise<number>;
}

export const systemDiskSpace: DiskSpace = {
  async free(dir) {
    const stats = await fs.promises.statfs(dir);
    return stats.bavail * stats.bsize;
  },
};

/** DuckDB stores a file in about its size or less; keep that much plus a margin free. */
export function bytesNeededFor(fileSize: number): number {
  return Math.ceil(fileSize * 1.1) + 64 * 1024 * 1024;
}

export interface ImportDeps {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  tempDir: string;
  uploadsDir: string;
  dataDir: string;
  /** The zone for times without an offset when the user names none. */
  defaultZone: () => Promise<string>;
  diskSpace?: DiskSpace;
  /** Limits on what a .gz or .zip may inflate to (an import's options may raise them). */
  archiveLimits?: Partial<ArchiveLimits>;
}

export interface ImportFileRequest {
  path: string;
  /** The name the file is known by (an upload's or attachment's name; default the path's base name). */
  name?: string;
  options?: ImportOptions;
  origin: ImportOrigin;
  originDetail?: Record<string, unknown> | null;
  /**
   * The date timestamps without a year (or date) are completed from, in ms: a mail's date,
   * an upload's `File.lastModified`. Absent: the file's modification time.
   */
  lastModified?: number | null;
  /** Of a zip archive, only this member (by its name inside the archive). */
  member?: string;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: 'reading' | 'importing' | 'finishing'; bytesDone: number; bytesTotal: number; rows: number }) => void;
}

interface SourceRow {
  id: number;
  datasetId: number;
  sizeBytes: number;
  contentHash: string;
  lines: number;
  firstLine: number;
  endsWithNewline: boolean;
}

/**
 * Loading files into datasets. Each file is one transaction: its rows, its rejected
 * lines and its catalogue entry are committed together or not at all (cancel, a crash or
 * `kill -9` leave either the whole file or nothing). Content is identified by its hash,
 * so the same file is never imported twice; a file that grew since it was imported
 * brings only its new lines.
 */
export function createImportService(deps: ImportDeps) {
  const { db, events, clock, log } = deps;
  const diskSpace = deps.diskSpace ?? systemDiskSpace;

  /** Checks a path the way a user needs to hear about it, before any work starts. */
  async function statFile(file: string, name: string): Promise<fs.Stats> {
    let stats: fs.Stats;
    try {
      stats = await fs.promises.stat(file);
    } catch (error) {
      throw fileError(error, name);
    }
    if (stats.isDirectory()) throw new AppError('file_is_directory', { file: name });
    if (stats.size === 0) throw new AppError('file_empty', { file: name });
    try {
      await fs.promises.access(file, fs.constants.R_OK);
    } catch (error) {
      throw fileError(error, name);
    }
    return stats;
  }

  const patterns = createPatternStore({ db, clock });

  const limitsFor = (options: ImportOptions): ArchiveLimits => ({
    maxUnpackedBytes: options.maxUnpackedBytes ?? deps.archiveLimits?.maxUnpackedBytes ?? defaultArchiveLimits.maxUnpackedBytes,
    maxRatio: options.maxCompressionRatio ?? deps.archiveLimits?.maxRatio ?? defaultArchiveLimits.maxRatio,
  });

  async function sampleContext(encoding: string, reference: SourceReference): Promise<SampleContext> {
    return { encoding, reference, savedPatterns: (await patterns.list()).map((p) => ({ name: p.name, pattern: p.pattern })) };
  }

  /** The user's options with a saved pattern looked up by its name. */
  async function resolveOptions(options: ImportOptions): Promise<ImportOptions> {
    if (options.patternName && !options.pattern) {
      const saved = await patterns.get(options.patternName);
      if (!saved) throw new AppError('pattern_not_found', { name: options.patternName });
      return { ...options, pattern: saved.pattern, format: options.format ?? 'pattern' };
    }
    return options;
  }

  /**
   * Detection on a file's content (UTF-8 text, as `prepareContent` leaves it): the first
   * megabyte, in DuckDB. Without a context, a plain file: the reference for timestamps
   * without a year is its modification time.
   */
  async function detectFile(file: string, name: string, options: ImportOptions, signal?: AbortSignal, context?: SampleContext): Promise<Detection> {
    const stats = await statFile(file, name);
    let head: Buffer;
    try {
      head = await readHead(file, sampleBytes);
    } catch (error) {
      throw fileError(error, name);
    }
    const connection = await db.connection('detect');
    const zone = options.timeZone ?? (await deps.defaultZone());
    const resolved = await resolveOptions(options);
    const known = context ?? null;
    const sample = sampleFromHead(head, stats.size <= sampleBytes, known ? 'utf-8' : forcedEncoding(resolved.encoding), name);
    const ctx = known ?? (await sampleContext(sample.guess.encoding, { at: stats.mtime, source: 'file_modified' }));
    return detectSample(connection, { bytes: sample.bytes, tempDir: deps.tempDir, fileName: name }, { ...resolved, timeZone: zone }, signal, ctx);
  }

  async function targetFor(name: string, options: ImportOptions, catalog: DbStatements) {
    const target: DatasetTarget = options.dataset ?? { kind: 'new', name: datasetNameFromFileName(name) ?? (await nextDatasetName(catalog)) };
    if (target.kind === 'existing') {
      const record = await getDatasetRecord(catalog, target.datasetId);
      if (record.engine?.readOnly) throw new AppError('dataset_read_only', { name: record.name });
      return { name: record.name, datasetId: record.id as number | null, exists: true };
    }
    const problem = datasetNameProblem(target.name);
    if (problem) throw new AppError(problem, { name: target.name });
    const existing = await findDatasetByName(catalog, target.name);
    if (existing?.engine?.readOnly) throw new AppError('dataset_read_only', { name: existing.name });
    return { name: existing?.name ?? target.name, datasetId: existing?.id ?? null, exists: Boolean(existing) };
  }

  async function existingColumns(dataset: string): Promise<{ name: string; type: string }[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table ORDER BY column_index`,
      { table: dataset },
    );
    return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  }

  async function previewOne(
    detection: Detection,
    file: { name: string; size: number },
    options: ImportOptions,
    archive: { name: string; member: string } | null,
    wholeContentHash: string | null,
  ): Promise<FilePreview> {
    const catalog = await db.connection('catalog');
    const target = await targetFor(file.name, options, catalog);
    const changes = target.exists ? schemaChanges(await existingColumns(target.name), detection.columns) : { added: [], missing: [], widened: [] };
    // With the whole content at hand, the import's own test: the same decoded text, whatever
    // the file's name, size or encoding. Otherwise a guess by name and size.
    const { rows } = wholeContentHash
      ? await catalog.all(
          `SELECT s.id, d.name FROM logscope.source_files s JOIN logscope.datasets d ON d.id = s.dataset_id
           WHERE s.content_hash = $hash ORDER BY s.id DESC LIMIT 1`,
          { hash: wholeContentHash },
        )
      : await catalog.all(
          `SELECT s.id, d.name FROM logscope.source_files s JOIN logscope.datasets d ON d.id = s.dataset_id
           WHERE s.file_name = $name AND s.size_bytes = $size ORDER BY s.id DESC LIMIT 1`,
          { name: file.name, size: file.size },
        );
    const zone = options.timeZone ?? (await deps.defaultZone());
    const time = detection.time;
    const textFormat = detection.reader.kind === 'lines' || detection.reader.kind === 'access';
    const preview: FilePreview = {
      file,
      format: detection.format,
      encoding: detection.encoding,
      delimiter: detection.delimiter,
      header: detection.header,
      quote: detection.quote,
      columns: detection.columns.map((c) => ({ name: c.name, type: c.type, sourceName: c.path.join('.') })),
      timeColumn: time?.column ?? null,
      timeKind: time?.kind ?? null,
      timeFormat: time?.pattern ?? (time?.kind.startsWith('epoch') ? time.kind : time ? 'iso' : null),
      timeZone: time && !timeCarriesOffset(time) ? zone : null,
      sampleRows: detection.sampleRows,
      sampleRecords: detection.sampleRecords,
      sampleRejected: detection.sampleRejected,
      fits: detection.fits,
      alternatives: detection.alternatives,
      sampleTimeUnparsed: detection.sampleTimeUnparsed,
      estimatedRows: Math.round(detection.sampleRecords * Math.max(1, file.size / Math.min(file.size, sampleBytes))) || detection.sampleRecords,
      dataset: target,
      schemaChanges: { added: changes.added.map((c) => c.name), missing: changes.missing, widened: changes.widened },
      renamedColumns: detection.renamed,
      maybeDuplicateOf: rows[0] ? { sourceId: Number(rows[0][0]), dataset: String(rows[0][1]), by: wholeContentHash ? 'content' : 'name_size' } : null,
      archive,
      pattern: detection.pattern,
      patternName: detection.patternName,
      timeLayout: detection.timeLayout,
      assumedTime: detection.assumedTime,
      multiline: detection.multiline,
      sampleJoined: detection.sampleJoined,
      options: {
        format: detection.format,
        encoding: detection.encoding,
        ...(detection.delimiter ? { delimiter: detection.delimiter } : {}),
        ...(detection.header !== null ? { header: detection.header } : {}),
        ...(detection.quote !== null ? { quote: detection.quote } : {}),
        timeColumn: time?.column ?? null,
        // A text format reads its own timestamps (years completed, fractions tried): only a
        // format the user gave is passed on.
        ...(time && (textFormat ? options.timeFormat : true) ? { timeFormat: options.timeFormat ?? time.pattern ?? (time.kind.startsWith('epoch') ? time.kind : 'iso') } : {}),
        timeZone: zone,
        ...(detection.format === 'pattern' && options.pattern ? { pattern: options.pattern } : {}),
        ...(detection.format === 'pattern' && !options.pattern && detection.patternName ? { patternName: detection.patternName } : {}),
        ...(options.patternName && options.pattern ? { patternName: options.patternName } : {}),
        ...(options.maxUnpackedBytes ? { maxUnpackedBytes: options.maxUnpackedBytes } : {}),
        ...(options.maxCompressionRatio ? { maxCompressionRatio: options.maxCompressionRatio } : {}),
        dataset: target.exists ? { kind: 'existing', datasetId: target.datasetId! } : { kind: 'new', name: target.name },
      },
    };
    return preview;
  }

  async function preview(input: ParsedInput<'import.preview'>, signal: AbortSignal): Promise<PreviewItem[]> {
    const items: PreviewItem[] = [];
    for (const [index, ref] of input.files.entries()) {
      const options = input.options[index] ?? {};
      const name = 'path' in ref ? path.basename(ref.path) : ref.name;
      try {
        if ('headBase64' in ref) {
          const head = Buffer.from(ref.headBase64, 'base64');
          if (ref.size === 0) throw new AppError('file_empty', { file: ref.name });
          const kind = containerOf(head);
          if (kind === 'zip') throw new AppError('archive_preview_unavailable', { file: ref.name });
          const content = kind === 'gzip' ? inflateHead(head, ref.name) : head;
          const isWhole = kind === 'plain' && head.length >= ref.size;
          const reference = baseReference({ origin: 'upload', lastModified: ref.lastModified, modified: null, now: clock.now() });
          items.push({ ok: true, preview: await previewHead(content, isWhole, { name: ref.name, size: ref.size }, contentName(ref.name, kind), options, reference, null, signal) });
        } else {
          for (const item of await previewPath(ref, name, options, signal)) items.push(item);
        }
      } catch (error) {
        if (error instanceof AppError && error.code === 'cancelled') throw error;
        items.push({ ok: false, file: name, error: toWireError(error) });
      }
    }
    return items;
  }

  /** A preview from a source's first bytes (decoded here): detection on them, and what the import would do. */
  async function previewHead(
    head: Buffer,
    isWhole: boolean,
    file: { name: string; size: number },
    sampleName: string,
    options: ImportOptions,
    reference: SourceReference,
    archive: { name: string; member: string } | null,
    signal: AbortSignal,
  ): Promise<FilePreview> {
    const resolved = await resolveOptions(options);
    const zone = resolved.timeZone ?? (await deps.defaultZone());
    const sample = sampleFromHead(head, isWhole, forcedEncoding(resolved.encoding), file.name);
    const detection = await detectSample(
      await db.connection('detect'),
      { bytes: sample.bytes, tempDir: deps.tempDir, fileName: sampleName },
      { ...resolved, timeZone: zone },
      signal,
      await sampleContext(sample.guess.encoding, reference),
    );
    // The import hashes the content as DuckDB reads it: decoded to UTF-8 when it was not.
    const encoding = sample.guess.encoding;
    const wholeHash = isWhole ? await contentHash(encoding === 'utf-8' ? [head] : convertToUtf8(chunksOf(head), encoding)) : null;
    return previewOne(detection, file, options, archive, wholeHash);
  }

  /** A local file's preview: one per zip member; a .gz's content. */
  async function previewPath(ref: FileRef, name: string, options: ImportOptions, signal: AbortSignal): Promise<PreviewItem[]> {
    const file = resolveRef(ref);
    const stats = await statFile(file, name);
    const head = await readSourceHead(file, name);
    const kind = containerOf(head);
    const base =
      'uploadId' in ref
        ? baseReference({ origin: 'upload', lastModified: ref.lastModified, modified: null, now: clock.now() })
        : baseReference({ origin: 'dropped', modified: stats.mtime, now: clock.now() });
    if (kind === 'plain') return [{ ok: true, preview: await previewHead(head, stats.size <= sampleBytes, { name, size: stats.size }, name, options, base, null, signal) }];
    const budget = new InflateBudget(limitsFor(options), name);
    if (kind === 'gzip') {
      const { head: inflated, complete } = await firstBytes(gunzipFile(file, name, budget, signal), sampleBytes);
      const reference = gzipReference(head) ?? base;
      return [{ ok: true, preview: await previewHead(inflated, complete, { name, size: stats.size }, contentName(name, kind), options, reference, null, signal) }];
    }
    const zip = await openZip(file, name);
    try {
      const members = membersOf(zip, name, ref.member);
      const items: PreviewItem[] = [];
      for (const member of members) {
        const label = memberLabel(name, member);
        try {
          const { head: memberHead, complete } = await firstBytes(memberContent(zip, member, label, budget, signal), sampleBytes);
          const reference: SourceReference = { at: member.modified, source: 'archive_member' };
          items.push({
            ok: true,
            preview: await previewHead(memberHead, complete, { name: label, size: member.entry.uncompressedSize }, contentName(member.name, 'plain'), options, reference, { name, member: member.name }, signal),
          });
        } catch (error) {
          if (error instanceof AppError && error.code === 'cancelled') throw error;
          items.push({ ok: false, file: label, error: toWireError(error) });
        }
      }
      return items;
    } finally {
      zip.close();
    }
  }

  function resolveRef(ref: { path: string; member?: string } | { uploadId: string; name: string; member?: string }): string {
    if ('path' in ref) return path.resolve(ref.path);
    return path.join(deps.uploadsDir, ref.uploadId);
  }

  /** The latest import of a file of this name that this one may have grown from. */
  async function growthCandidate(name: string, size: number): Promise<SourceRow | null> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT id, dataset_id, size_bytes, content_hash, lines, first_line, ends_with_newline FROM logscope.source_files
       WHERE file_name = $name AND read_from_byte = 0 AND size_bytes < $size ORDER BY id DESC LIMIT 1`,
      { name, size },
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: Number(row[0]),
      datasetId: Number(row[1]),
      sizeBytes: Number(row[2]),
      contentHash: String(row[3]),
      lines: Number(row[4]),
      firstLine: Number(row[5]),
      endsWithNewline: Boolean(row[6]),
    };
  }

  /**
   * Imports one file; the building block of `import.run`, mail collection and the demo. A
   * .gz is its content; a zip with one member is that member, one with several is refused
   * before anything is read (`importSource` imports each of them).
   */
  async function importFile(request: ImportFileRequest): Promise<ImportResult> {
    const name = request.name ?? path.basename(request.path);
    const stats = await statFile(request.path, name);
    const head = await readSourceHead(request.path, name);
    const kind = containerOf(head);
    if (kind !== 'zip') return importPlain(request, name, stats, head, kind);
    const zip = await openZip(request.path, name);
    try {
      const members = membersOf(zip, name, request.member);
      if (members.length > 1) throw new AppError('archive_has_members', { file: name, count: members.length });
      return await importMember(request, name, zip, members[0]!, new InflateBudget(limitsFor(request.options ?? {}), name));
    } finally {
      zip.close();
    }
  }

  /** Imports a file, or every member of a zip archive (each a source file and a transaction of its own). */
  async function importSource(request: ImportFileRequest): Promise<SourceOutcome[]> {
    const name = request.name ?? path.basename(request.path);
    const failed = (file: string, error: unknown): SourceOutcome => {
      if (request.signal?.aborted || (error instanceof AppError && error.code === 'cancelled')) throw cancelledBy(error);
      return { ok: false, file, error };
    };
    let stats: fs.Stats;
    let head: Buffer;
    try {
      stats = await statFile(request.path, name);
      head = await readSourceHead(request.path, name);
    } catch (error) {
      return [failed(name, error)];
    }
    const kind = containerOf(head);
    if (kind !== 'zip') {
      try {
        return [{ ok: true, result: await importPlain(request, name, stats, head, kind) }];
      } catch (error) {
        return [failed(name, error)];
      }
    }
    let zip: OpenedZip;
    let members: ZipMember[];
    try {
      zip = await openZip(request.path, name);
    } catch (error) {
      return [failed(name, error)];
    }
    try {
      try {
        members = membersOf(zip, name, request.member);
      } catch (error) {
        return [failed(name, error)];
      }
      const budget = new InflateBudget(limitsFor(request.options ?? {}), name);
      const outcomes: SourceOutcome[] = [];
      let exhausted: unknown = null;
      for (const member of members) {
        const label = memberLabel(name, member);
        if (exhausted) {
          outcomes.push(failed(label, exhausted));
          continue;
        }
        try {
          outcomes.push({ ok: true, result: await importMember(request, name, zip, member, budget) });
        } catch (error) {
          outcomes.push(failed(label, error));
          // Past the archive's limits nothing more is unpacked: the other members say so too.
          if (error instanceof AppError && (error.code === 'archive_too_large' || error.code === 'archive_ratio_exceeded')) exhausted = error;
        }
      }
      return outcomes;
    } finally {
      zip.close();
    }
  }

  async function readSourceHead(file: string, name: string): Promise<Buffer> {
    try {
      return await readHead(file, sampleBytes);
    } catch (error) {
      throw fileError(error, name);
    }
  }

  async function checkDisk(name: string, bytes: number): Promise<void> {
    const free = await diskSpace.free(deps.dataDir);
    if (free < bytesNeededFor(bytes)) throw new AppError('disk_space_low', { file: name, needed: bytesNeededFor(bytes), free });
  }

  /**
   * A file's content as DuckDB will read it, in a temporary file of the data folder when it
   * must be inflated or decoded (streamed: memory does not grow with the file).
   */
  async function withContent<T>(source: AsyncIterable<Buffer>, encoding: EncodingName, signal: AbortSignal | undefined, use: (contentPath: string) => Promise<T>): Promise<T> {
    const contentPath = path.join(deps.tempDir, `content-${randomUUID()}`);
    try {
      await writeContent(source, contentPath, encoding, signal);
      return await use(contentPath);
    } catch (error) {
      if (signal?.aborted && !(error instanceof AppError && error.code === 'cancelled')) throw new AppError('cancelled', {}, { cause: error });
      throw error;
    } finally {
      await fs.promises.rm(contentPath, { force: true });
    }
  }

  /** A plain file or a .gz: its content decoded when it is not UTF-8. */
  async function importPlain(request: ImportFileRequest, name: string, stats: fs.Stats, head: Buffer, kind: ContainerKind): Promise<ImportResult> {
    const started = performance.now();
    const options = await resolveOptions(request.options ?? {});
    await checkDisk(name, stats.size);
    const base = baseReference({ origin: request.origin, lastModified: request.lastModified, modified: stats.mtime, now: clock.now() });
    const reference = kind === 'gzip' ? (gzipReference(head) ?? base) : base;
    const prefix =
      kind === 'gzip'
        ? await firstBytes(gunzipFile(request.path, name, new InflateBudget(limitsFor(options), name), request.signal), sampleBytes)
        : { head, complete: stats.size <= sampleBytes };
    const sample = sampleFromHead(prefix.head, prefix.complete, forcedEncoding(options.encoding), name);
    const encoding = sample.guess.encoding;
    const content = { encoding, reference, name, archive: null };
    if (kind === 'plain' && encoding === 'utf-8') return importContent(request, options, { ...content, path: request.path, temporary: false }, started);
    // Decoding can grow text by half (CP949 → UTF-8); inflating, by the gzip's own count.
    await checkDisk(name, kind === 'gzip' ? await gzipContentEstimate(request.path, stats.size) : stats.size * 1.5);
    const source = kind === 'gzip' ? gunzipFile(request.path, name, new InflateBudget(limitsFor(options), name), request.signal) : fileChunks(request.path);
    return withContent(source, encoding, request.signal, (contentPath) => importContent(request, options, { ...content, path: contentPath, temporary: true }, started));
  }

  /** A member of a zip archive: inflated (and gunzipped, when it is a .gz) into the temp space. */
  async function importMember(request: ImportFileRequest, archiveName: string, zip: OpenedZip, member: ZipMember, budget: InflateBudget): Promise<ImportResult> {
    const started = performance.now();
    const label = memberLabel(archiveName, member);
    const options = await resolveOptions(request.options ?? {});
    const reference: SourceReference = { at: member.modified, source: 'archive_member' };
    const { head, complete } = await firstBytes(memberContent(zip, member, label, new InflateBudget(limitsFor(options), label), request.signal), sampleBytes);
    if (head.length === 0) throw new AppError('file_empty', { file: label });
    const sample = sampleFromHead(head, complete, forcedEncoding(options.encoding), label);
    await checkDisk(label, member.entry.uncompressedSize * 1.5);
    const content = { encoding: sample.guess.encoding, reference, name: label, archive: { name: archiveName, member: member.name } };
    return withContent(memberContent(zip, member, label, budget, request.signal), content.encoding, request.signal, (contentPath) =>
      importContent(request, options, { ...content, path: contentPath, temporary: true }, started),
    );
  }

  /** Imports a source's content (UTF-8 text on disk): the loader core's steps, for every format. */
  async function importContent(request: ImportFileRequest, options: ImportOptions, content: SourceContent, started: number): Promise<ImportResult> {
    const name = content.name;
    const signal = request.signal;
    const stats = await fs.promises.stat(content.path);
    await checkDisk(name, stats.size);

    // Only a file whose earlier import was a whole file ending at a line break can be a
    // grown log: its new lines start exactly where the earlier content ended. A decoded or
    // unpacked copy is not followed (a rotated .gz does not grow).
    const candidate = content.temporary ? null : await growthCandidate(name, stats.size);
    const grownCandidate = candidate?.endsWithNewline ? candidate : null;
    let scan: FileScan;
    const scanStarted = performance.now();
    try {
      scan = await scanFile(content.path, {
        prefixBytes: grownCandidate?.sizeBytes ?? null,
        signal,
        controlBytes: lineDelimiterCandidates,
        onBytes: (bytes) => request.onProgress?.({ phase: 'reading', bytesDone: bytes, bytesTotal: stats.size, rows: 0 }),
      });
    } catch (error) {
      throw fileError(error, name, true);
    }
    const scanMs = performance.now() - scanStarted;

    const catalog = await db.connection('catalog');
    const duplicate = await catalog.all(
      `SELECT s.id, d.name, d.id, s.format FROM logscope.source_files s JOIN logscope.datasets d ON d.id = s.dataset_id WHERE s.content_hash = $hash`,
      { hash: scan.hash },
    );
    if (duplicate.rows[0]) {
      const [, datasetName, datasetId, format] = duplicate.rows[0];
      const dataset = await getDatasetRecord(catalog, Number(datasetId));
      const known = ImportFormat.safeParse(format);
      return {
        ...emptyResult(name, started),
        ...(known.success ? { format: known.data } : {}),
        dataset: String(datasetName),
        datasetId: Number(datasetId),
        encoding: content.encoding,
        archive: content.archive?.name ?? null,
        member: content.archive?.member ?? null,
        duplicate: true,
        lines: scan.lines,
        timeColumn: dataset.timeColumn,
        phasesMs: { scan: Math.round(scanMs), detect: 0, load: 0 },
      };
    }

    const grown = grownCandidate && scan.prefixHash === grownCandidate.contentHash ? grownCandidate : null;
    const temporary: string[] = [];
    try {
      let readPath = content.path;
      // Line ends of one kind and no NUL bytes, for DuckDB's reader; the lines stay the lines.
      let lineScan = scan;
      if ((scan.crlfLines > 0 && scan.lfLines > 0) || scan.hasNul) {
        readPath = path.join(deps.tempDir, `normalized-${randomUUID()}`);
        temporary.push(readPath);
        await normalizeContent(content.path, readPath, signal);
        lineScan = await scanFile(readPath, { signal, controlBytes: lineDelimiterCandidates });
      }
      let detectionOptions = options;
      // The first line this import reads, in the file's own numbering.
      let startLine = 1;
      if (grown) {
        const growthDataset = await getDatasetRecord(catalog, grown.datasetId);
        detectionOptions = { ...options, dataset: { kind: 'existing', datasetId: growthDataset.id } };
        startLine = grown.firstLine + grown.lines;
      }
      const detectStarted = performance.now();
      let detection = await detectFile(readPath, name, detectionOptions, signal, await sampleContext(content.encoding, content.reference));
      if (detection.reader.kind === 'lines') {
        detection = { ...detection, reader: { ...detection.reader, delimiter: lineDelimiterFor((byte) => lineScan.controlBytes.includes(byte)) } };
      }
      if (detection.reader.kind === 'jsonl') {
        detection = { ...detection, reader: { ...detection.reader, maxObjectBytes: jsonObjectLimit(lineScan.longestLine) } };
      }
      if (grown) {
        const tail = path.join(deps.tempDir, `grown-${randomUUID()}`);
        temporary.push(tail);
        await writeTail(readPath, tail, grown.sizeBytes, detection);
        readPath = tail;
      }
      if (!grown && detection.headerLines > 0 && lineScan.lines - lineScan.blankLineCount <= detection.headerLines) {
        throw new AppError('file_header_only', { file: name });
      }
      const zone = options.timeZone ?? (await deps.defaultZone());
      const detectMs = performance.now() - detectStarted;
      const loadStarted = performance.now();
      const lines = lineScan.lines - (startLine - 1);
      const blankLines = lineScan.blankLines.filter((line) => line >= startLine);
      const blankCount = grown ? blankLines.length : lineScan.blankLineCount;
      const result = await importInTransaction({
        name,
        request,
        readPath,
        detection,
        options: detectionOptions,
        zone,
        scan,
        lines,
        startLine,
        blankLines,
        blankCount,
        grownFrom: grown,
        stats,
        content,
      });
      events.emit('datasets.changed', { reason: 'imported', datasetId: result.datasetId });
      const loadMs = performance.now() - loadStarted;
      return {
        ...result,
        elapsedMs: Math.round(performance.now() - started),
        phasesMs: { scan: Math.round(scanMs), detect: Math.round(detectMs), load: Math.round(loadMs) },
      };
    } finally {
      for (const file of temporary) await fs.promises.rm(file, { force: true });
    }
  }

  async function importInTransaction(job: {
    name: string;
    request: ImportFileRequest;
    readPath: string;
    detection: Detection;
    options: ImportOptions;
    zone: string;
    scan: FileScan;
    lines: number;
    startLine: number;
    blankLines: number[];
    blankCount: number;
    grownFrom: SourceRow | null;
    stats: fs.Stats;
    content: SourceContent;
  }): Promise<ImportResult> {
    const { request, name } = job;
    const connection = await db.connect({ progress: true });
    const rejectsTable = `_ls_rejects_${randomUUID().replaceAll('-', '')}`;
    const progress = startProgressPolling(connection, job.stats.size, request);
    try {
      // `strict`: a CSV read without keeping rejects, which fails on the first unreadable line.
      const attempt = (mode: 'reader' | 'lines', reader: Reader = job.detection.reader, strict = false) =>
        connection.transaction(async (tx) => {
          const detection = { ...job.detection, reader };
          const catalog = tx;
          const target = await targetFor(name, job.options, catalog);
          const now = clock.now();
          const span = readerSpansLines(reader);
          let datasetId = target.datasetId;
          if (!target.exists) {
            await tx.run(createDatasetSql(target.name, detection.columns, { span }));
            datasetId = await insertDatasetRecord(tx, { name: target.name, timeColumn: detection.time?.column ?? null, now });
          } else {
            const existing = await columnsIn(tx, target.name);
            for (const statement of schemaChangeSql(target.name, schemaChanges(existing, detection.columns))) {
              await tx.run(statement);
            }
            if (span && !existing.some((c) => c.name === spanColumn)) {
              await tx.run(`ALTER TABLE ${datasetTable(target.name)} ADD COLUMN ${quoteIdent(spanColumn)} INTEGER`);
            }
            const record = await getDatasetRecord(tx, datasetId!);
            if (!record.timeColumn && detection.time) {
              await tx.run(`UPDATE logscope.datasets SET time_column = $column WHERE id = $id`, { column: detection.time.column, id: datasetId });
            }
          }
          const sourceRows = await tx.all(
            `INSERT INTO logscope.source_files (dataset_id, file_name, path, size_bytes, content_hash, format, encoding, time_zone, time_column,
               lines, rows, rejected, skipped, time_unparsed, ends_with_newline, grown_from, read_from_byte, first_line, origin, origin_detail, imported_at)
             VALUES ($datasetId, $name, $path, $size, $hash, $format, $encoding, $zone, $timeColumn, $lines, 0, 0, 0, 0, $endsWithNewline,
               $grownFrom, $readFrom, $firstLine, $origin, $originDetail, $now::TIMESTAMP) RETURNING id`,
            {
              datasetId: datasetId!,
              name,
              path: request.origin === 'upload' || request.origin === 'mail' ? null : request.path,
              size: job.scan.size,
              hash: job.scan.hash,
              format: detection.format,
              encoding: detection.encoding,
              zone: detection.time && !timeCarriesOffset(detection.time) ? job.zone : null,
              timeColumn: detection.time?.column ?? null,
              lines: job.lines,
              endsWithNewline: job.scan.endsWithNewline,
              grownFrom: job.grownFrom?.id ?? null,
              readFrom: job.grownFrom?.sizeBytes ?? 0,
              firstLine: job.startLine,
              origin: request.origin,
              originDetail: request.originDetail ? JSON.stringify(request.originDetail) : null,
              now: now.toISOString(),
            },
          );
          const sourceId = Number(sourceRows.rows[0]?.[0]);
          // Lines of the file before its first record: a header (and lines skipped before it).
          const headerLines = job.grownFrom ? 0 : detection.headerLines;
          // In a grown file's tail a header is repeated for the reader: its line does not count.
          const readerHeaderLines = detection.headerLines;
          const firstRecordLine = job.startLine + headerLines;
          let inserted: number;
          let rejectLines: number[] = [];
          let joined = 0;
          let lineNumbers: PendingLineNumbers | null = null;
          if (reader.kind === 'access' || reader.kind === 'lines') {
            const counts = await loadText({
              tx,
              reader,
              columns: detection.columns,
              zone: job.zone,
              path: job.readPath,
              target: datasetTable(target.name),
              rejected: 'logscope.rejected_lines',
              sourceId,
              datasetId: datasetId!,
              firstLine: job.startLine,
              blankLines: job.blankLines,
              scratch: `_ls_load_${randomUUID().replaceAll('-', '')}`,
            });
            inserted = counts.rows;
            joined = counts.joined;
            lineNumbers = counts.lineNumbers;
            rejectLines = new Array<number>(counts.rejected);
            // DuckDB's split of an access log can take two lines for one (an unclosed quote) in
            // ways the recovery cannot always undo; then the file is read line by line.
            if (reader.kind === 'access' && inserted + counts.rejected + job.blankCount !== job.lines) throw new AccessNeedsLinePath();
          } else if (mode === 'reader') {
            const sql = insertSql({
              dataset: target.name,
              reader: detection.reader,
              columns: detection.columns,
              zone: job.zone,
              rejectsTable: detection.reader.kind === 'csv' && !strict ? rejectsTable : null,
            });
            const counted = await tx.all(sql, { path: job.readPath, sourceId });
            inserted = Number(counted.rows[0]?.[0] ?? 0);
            if (detection.reader.kind === 'jsonl') {
              // read_json read something it did not turn into a row: take the careful path.
              if (inserted + job.blankCount !== job.lines) throw new JsonLinesNeedFallback();
            } else if (!strict) {
              // A strict CSV read either read every record or failed; this one kept rejects.
              // DuckDB numbers reject lines in the file it read; map them to the file's own lines.
              const offset = job.startLine - 1 - (job.grownFrom ? readerHeaderLines : 0);
              const rejected = await tx.all(
                `SELECT line + $offset, string_agg(DISTINCT error_type || ': ' || error_message, '; '), any_value(csv_line)
                 FROM temp.${quoteIdent(rejectsTable)} GROUP BY line ORDER BY line`,
                { offset },
              );
              rejectLines = rejected.rows.map((r) => Number(r[0]));
              for (const row of rejected.rows) {
                await tx.run(
                  `INSERT INTO logscope.rejected_lines VALUES ($sourceId, $datasetId, $line, $reason, $raw)`,
                  { sourceId, datasetId: datasetId!, line: Number(row[0]), reason: String(row[1]), raw: row[2] === null ? null : String(row[2]) },
                );
              }
            }
            lineNumbers = { rows: inserted, firstRecordLine, shifts: lineShifts(firstRecordLine, [...job.blankLines, ...rejectLines]) };
          } else {
            const fallback = jsonLinesFallbackSql({ dataset: target.name, columns: detection.columns, zone: job.zone });
            const counted = await tx.all(fallback.insert, { path: job.readPath, sourceId, firstLine: job.startLine });
            inserted = Number(counted.rows[0]?.[0] ?? 0);
            await tx.run(fallback.rejects, { path: job.readPath, sourceId, datasetId: datasetId!, firstLine: job.startLine });
            const rejected = await tx.all(`SELECT count(*) FROM logscope.rejected_lines WHERE source_id = $sourceId`, { sourceId });
            rejectLines = new Array(Number(rejected.rows[0]?.[0] ?? 0));
          }
          const timeColumn = detection.time?.column ?? null;
          const unparsed = timeColumn
            ? Number(
                (
                  await tx.all(
                    `SELECT count(*) FROM ${datasetTable(target.name)} WHERE ${quoteIdent(sourceColumn)} = $sourceId AND ${quoteIdent(timeColumn)} IS NULL`,
                    { sourceId },
                  )
                ).rows[0]?.[0] ?? 0,
              )
            : 0;
          if (lineNumbers) await recordPendingLineNumbers(tx, sourceId, lineNumbers);
          const skipped = headerLines + job.blankCount;
          await tx.run(
            `UPDATE logscope.source_files SET rows = $rows, rejected = $rejected, skipped = $skipped, time_unparsed = $unparsed WHERE id = $id`,
            { id: sourceId, rows: inserted, rejected: rejectLines.length, skipped, unparsed },
          );
          if (joined > 0) await tx.run(`INSERT INTO logscope.source_joined_lines VALUES ($id, $joined)`, { id: sourceId, joined });
          for (const unit of detection.units) {
            await tx.run(
              `INSERT INTO logscope.column_units VALUES ($datasetId, $column, $unit) ON CONFLICT (dataset_id, column_name) DO UPDATE SET unit = excluded.unit`,
              { datasetId: datasetId!, column: unit.column, unit: unit.unit },
            );
          }
          const patternName = job.options.patternName ?? detection.patternName;
          if (detection.format === 'pattern' && job.options.pattern && job.options.patternName) await patterns.save(job.options.patternName, job.options.pattern, tx);
          if (detection.format === 'pattern' && patternName) await patterns.used(patternName, tx);
          const record = await getDatasetRecord(tx, datasetId!);
          await refreshDatasetStats(tx, record, now);
          await appendSourceToSummary(tx, record, sourceId, now);
          const range = timeColumn
            ? (
                await tx.all(
                  `SELECT min(${quoteIdent(timeColumn)}), max(${quoteIdent(timeColumn)}) FROM ${datasetTable(target.name)} WHERE ${quoteIdent(sourceColumn)} = $sourceId`,
                  { sourceId },
                )
              ).rows[0]
            : null;
          progress.phase('finishing', inserted);
          const columns = await columnsIn(tx, target.name);
          return {
            file: name,
            sourceId,
            dataset: target.name,
            datasetId: datasetId!,
            format: detection.format,
            encoding: detection.encoding,
            columns: columns.filter((c) => !c.name.startsWith(ownColumnPrefix)),
            timeColumn: record.timeColumn,
            levelColumn: levelColumnOf(columns),
            timeZone: detection.time && !timeCarriesOffset(detection.time) ? job.zone : null,
            lines: job.lines,
            rows: inserted,
            rejected: rejectLines.length,
            skipped,
            timeUnparsed: unparsed,
            joined,
            archive: job.content.archive?.name ?? null,
            member: job.content.archive?.member ?? null,
            duplicate: false,
            grownFrom: job.grownFrom ? { sourceId: job.grownFrom.id, fromLine: job.startLine } : null,
            timeMin: range ? (toCell(range[0]) as string | null) : null,
            timeMax: range ? (toCell(range[1]) as string | null) : null,
            elapsedMs: 0,
            phasesMs: { scan: 0, detect: 0, load: 0 },
          } satisfies ImportResult;
        }, request.signal);

      const imported = async (): Promise<ImportResult> => {
        try {
          // Keeping rejects costs DuckDB's CSV reader about a tenth of its time (5 M rows: 13.6 s
          // against 12.2 s) though most files have none, so a CSV is read strictly first and read
          // again with rejects kept only when that fails.
          return await attempt('reader', job.detection.reader, job.detection.reader.kind === 'csv');
        } catch (error) {
          const reader = job.detection.reader;
          // Only a line the reader refused: a full disk or a conflict would fail again, slower.
          if (reader.kind === 'csv' && !(error instanceof AppError) && /CSV Error/i.test(firstLine(error))) {
            log.info('CSV has lines to reject: read again keeping them', { file: name, reason: firstLine(error) });
            return await attempt('reader');
          }
          if (reader.kind === 'jsonl' && (error instanceof JsonLinesNeedFallback || isJsonReadError(error))) {
            log.info('JSON lines need the line-by-line path', { file: name, reason: firstLine(error) });
            return await attempt('lines');
          }
          if (reader.kind === 'access' && error instanceof AccessNeedsLinePath) {
            log.info('access log needs the line-by-line path', { file: name });
            const lines: LinesReader = {
              kind: 'lines',
              delimiter: lineDelimiterFor((byte) => job.scan.controlBytes.includes(byte)),
              entry: { source: `(${reader.recovery.source})`, groups: ['_m', ...reader.recovery.groups] },
              continueInto: null,
              complete: reader.complete,
            };
            return await attempt('reader', lines);
          }
          throw error;
        }
      };
      const result = await imported();
      // The rows are committed; their lines are written right after (see lineNumbers.ts). A
      // conflicting write is tried again; should it keep failing, the import stands and the
      // note stays for the next start (or the next retention run).
      if (result.sourceId !== null) {
        for (const pauseMs of [50, 250, 1000, null]) {
          try {
            const outcome = await numberPendingSource(connection, result.sourceId);
            if (outcome === 'rows_changed') log.warn('rows went missing before their lines were written', { file: name });
            break;
          } catch (error) {
            if (pauseMs === null) log.warn('line numbers left for the next start', { file: name, error });
            else await new Promise((resolve) => setTimeout(resolve, pauseMs));
          }
        }
      }
      return result;
    } catch (error) {
      throw importError(error, name);
    } finally {
      progress.stop();
      await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(rejectsTable)}`).catch(() => undefined);
      await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(`${rejectsTable}_scan`)}`).catch(() => undefined);
      await connection.dispose();
    }
  }

  async function run(input: ParsedInput<'import.run'>, signal: AbortSignal): Promise<ImportItemResult[]> {
    const results: ImportItemResult[] = [];
    for (const [index, item] of input.files.entries()) {
      const name = 'path' in item.file ? path.basename(item.file.path) : item.file.name;
      const since = performance.now();
      // Rates are of the current phase: reading the file and DuckDB's pass over it go at
      // different speeds, and each phase counts its bytes from the start again.
      let phaseOf: { phase: string; since: number } = { phase: '', since };
      let bytesTotalSeen = 0;
      let sentAt = -Infinity;
      const emit = (phase: 'reading' | 'importing' | 'finishing' | 'done', bytesDone: number, bytesTotal: number, rows: number) => {
        const now = performance.now();
        bytesTotalSeen = Math.max(bytesTotalSeen, bytesTotal);
        // The file scan reports every chunk read (hundreds a second); every window re-renders on
        // each event, so within a phase at most one goes out per interval.
        if (phaseOf.phase === phase && phase !== 'done' && now - sentAt < progressIntervalMs) return;
        sentAt = now;
        if (phaseOf.phase !== phase) phaseOf = { phase, since: now };
        const phaseSeconds = (now - phaseOf.since) / 1000;
        const bytesPerSecond = phaseSeconds > 0 ? bytesDone / phaseSeconds : 0;
        events.emit('import.progress', {
          jobId: input.jobId,
          fileIndex: index,
          fileCount: input.files.length,
          file: name,
          phase,
          bytesDone,
          bytesTotal,
          rows,
          rowsPerSecond: rows / Math.max(0.001, (now - since) / 1000),
          bytesPerSecond,
          secondsLeft: phase === 'done' ? 0 : bytesPerSecond > 0 ? Math.max(0, bytesTotal - bytesDone) / bytesPerSecond : null,
        });
      };
      try {
        if (signal.aborted) throw new AppError('cancelled');
        const outcomes = await importSource({
          path: resolveRef(item.file),
          name,
          options: item.options,
          origin: 'uploadId' in item.file ? 'upload' : input.origin,
          ...('lastModified' in item.file ? { lastModified: item.file.lastModified ?? null } : {}),
          ...(item.file.member !== undefined ? { member: item.file.member } : {}),
          signal,
          onProgress: (p) => emit(p.phase, p.bytesDone, p.bytesTotal, p.rows),
        });
        // One result per source file: a zip gives one per member.
        for (const outcome of outcomes) {
          if (outcome.ok) {
            // Bytes to the end: the content's size as the phases read it, not its line count.
            emit('done', bytesTotalSeen, bytesTotalSeen, outcome.result.rows);
            results.push({ ok: true, result: outcome.result });
          } else {
            if (signal.aborted) throw cancelledBy(outcome.error);
            log.warn('import failed', { file: outcome.file, error: outcome.error });
            results.push({ ok: false, file: outcome.file, error: toWireError(outcome.error) });
          }
        }
      } catch (error) {
        if (signal.aborted || (error instanceof AppError && error.code === 'cancelled')) throw cancelledBy(error);
        log.warn('import failed', { file: name, error });
        results.push({ ok: false, file: name, error: toWireError(error) });
      } finally {
        if ('uploadId' in item.file) await fs.promises.rm(resolveRef(item.file), { force: true });
      }
    }
    return results;
  }

  async function listSources(datasetId: number): Promise<SourceSummary[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT id, dataset_id, file_name, size_bytes, content_hash, format, encoding, time_zone, lines, rows, rejected, skipped,
              origin, origin_detail, imported_at
       FROM logscope.source_files WHERE dataset_id = $datasetId ORDER BY id`,
      { datasetId },
    );
    return rows.map((r) => ({
      id: Number(r[0]),
      datasetId: Number(r[1]),
      fileName: String(r[2]),
      sizeBytes: Number(r[3]),
      contentHash: String(r[4]),
      format: String(r[5]),
      encoding: String(r[6]),
      timeZone: r[7] === null ? null : String(r[7]),
      lines: Number(r[8]),
      rows: Number(r[9]),
      rejected: Number(r[10]),
      skipped: Number(r[11]),
      origin: String(r[12]) as ImportOrigin,
      originDetail: r[13] === null ? null : (JSON.parse(String(r[13])) as Record<string, unknown>),
      importedAt: toCell(r[14]) as string,
    }));
  }

  /** Takes a file's rows (and its rejected lines) out of its dataset again. */
  async function removeSource(sourceId: number): Promise<{ rowsRemoved: number }> {
    const catalog = await db.connection('catalog');
    const found = await catalog.all(`SELECT dataset_id FROM logscope.source_files WHERE id = $sourceId`, { sourceId });
    if (!found.rows[0]) throw new AppError('source_not_found', { id: sourceId });
    const datasetId = Number(found.rows[0][0]);
    const removed = await catalog.transaction(async (tx) => {
      const record = await getDatasetRecord(tx, datasetId);
      const deleted = await tx.all(`DELETE FROM ${datasetTable(record.name)} WHERE ${quoteIdent(sourceColumn)} = $sourceId`, { sourceId });
      await tx.run(`DELETE FROM logscope.rejected_lines WHERE source_id = $sourceId`, { sourceId });
      await tx.run(`DELETE FROM logscope.source_joined_lines WHERE source_id = $sourceId`, { sourceId });
      await tx.run(`DELETE FROM logscope.source_files WHERE id = $sourceId`, { sourceId });
      await refreshDatasetStats(tx, record, clock.now());
      await rebuildSummaryIfAny(tx, record, clock.now());
      return Number(deleted.rows[0]?.[0] ?? 0);
    });
    events.emit('datasets.changed', { reason: 'imported', datasetId });
    return { rowsRemoved: removed };
  }

  async function rejectsPage(input: ParsedInput<'rejects.page'>) {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT r.source_id, s.file_name, r.line, r.reason, r.raw FROM logscope.rejected_lines r
       JOIN logscope.source_files s ON s.id = r.source_id WHERE r.dataset_id = $datasetId
       ORDER BY r.source_id, r.line LIMIT $limit OFFSET $offset`,
      { datasetId: input.datasetId, limit: input.limit, offset: input.offset },
    );
    const total = await catalog.all(`SELECT count(*) FROM logscope.rejected_lines WHERE dataset_id = $datasetId`, { datasetId: input.datasetId });
    return {
      rows: rows.map((r) => ({
        sourceId: Number(r[0]),
        fileName: String(r[1]),
        line: r[2] === null ? null : Number(r[2]),
        reason: String(r[3]),
        raw: r[4] === null ? null : String(r[4]),
      })),
      total: Number(total.rows[0]?.[0] ?? 0),
    };
  }

  async function nextDatasetName(catalog: DbStatements): Promise<string> {
    const { rows } = await catalog.all(`SELECT name_key FROM logscope.datasets WHERE name_key LIKE 'dataset\\_%' ESCAPE '\\'`);
    const taken = new Set(rows.map((r) => String(r[0])));
    let n = 1;
    while (taken.has(datasetNameKey(`dataset_${n}`))) n++;
    return `dataset_${n}`;
  }

  async function listFormats() {
    return {
      formats: importFormats.map((format) => ({ format, example: formatExamples[format] })),
      patterns: await patterns.list(),
    };
  }

  return {
    preview,
    run,
    importFile,
    importSource,
    listSources,
    removeSource,
    rejectsPage,
    detectFile,
    listFormats,
    savePattern: (name: string, pattern: string) => patterns.save(name, pattern),
    removePattern: (name: string) => patterns.remove(name),
  };
}

export type ImportService = ReturnType<typeof createImportService>;

/** A source as Logscope reads it: its UTF-8 content on disk, and where it came from. */
interface SourceContent {
  path: string;
  /** A copy in the temp space (decoded or unpacked), removed after the import. */
  temporary: boolean;
  encoding: EncodingName;
  reference: SourceReference;
  /** The name the source is known by: `app.log.gz`, or `logs.zip/app.log` for a member. */
  name: string;
  archive: { name: string; member: string } | null;
}

type SourceOutcome = { ok: true; result: ImportResult } | { ok: false; file: string; error: unknown };

class AccessNeedsLinePath extends Error {
  constructor() {
    super('the access log split did not account for every line');
  }
}

/** The name DuckDB's sample file takes after its content: `app.log.gz` holds `app.log`. */
function contentName(name: string, kind: ContainerKind): string {
  return kind === 'gzip' ? name.replace(/\.(gz|gzip)$/i, '') || name : name;
}

function gzipReference(head: Buffer): SourceReference | null {
  const at = gzipModified(head);
  return at ? { at, source: 'gzip_header' } : null;
}

/** A .gz's size once inflated, from its trailer (modulo 4 GiB; at least the packed size). */
async function gzipContentEstimate(file: string, size: number): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, Math.max(0, size - 4));
    const declared = trailer.readUInt32LE(0);
    return Math.max(declared, size * 4);
  } finally {
    await handle.close();
  }
}

async function* fileChunks(file: string): AsyncGenerator<Buffer> {
  yield* fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
}

function memberLabel(archive: string, member: ZipMember): string {
  return `${archive}/${member.name}`;
}

/** The members to import: all, or the one asked for by name. */
function membersOf(zip: OpenedZip, name: string, only: string | undefined): ZipMember[] {
  const members = only === undefined ? zip.members : zip.members.filter((m) => m.name === only);
  if (members.length === 0) throw new AppError(only === undefined ? 'archive_empty' : 'file_not_found', { file: only === undefined ? name : `${name}/${only}` });
  return members;
}

/**
 * A member's content: inflated, and gunzipped when the member is itself a .gz (a zip of
 * rotated logs); an archive inside the archive is refused.
 */
async function* memberContent(zip: OpenedZip, member: ZipMember, label: string, budget: InflateBudget, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const iterator = readZipMember(zip.zip, member, label, budget, signal)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const rest = (async function* () {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  const kind = containerOf(first.value);
  if (kind === 'zip') throw new AppError('archive_member_unsupported', { file: label, reason: 'an archive inside the archive' });
  if (kind === 'gzip') yield* gunzipChunks(rest, label, budget, member.entry.compressedSize, signal);
  else yield* rest;
}

class JsonLinesNeedFallback extends Error {
  constructor() {
    super('read_json did not account for every line');
  }
}

function isJsonReadError(error: unknown): boolean {
  return /malformed json|json|could not convert|conversion error/i.test(firstLine(error));
}

async function columnsIn(tx: DbStatements, dataset: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await tx.all(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table ORDER BY column_index`,
    { table: dataset },
  );
  return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

/** A column that holds log levels, for the command's `level_column` (the dashboard has its own roles); `severity_text` is OpenTelemetry's. */
function levelColumnOf(columns: { name: string; type: string }[]): string | null {
  const found = columns.find((c) => c.type === 'VARCHAR' && /^(level|severity|severity_?text|loglevel|log_level|lvl|priority|레벨|로그레벨|수준)$/i.test(c.name));
  return found?.name ?? null;
}

async function* chunksOf(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

/** A grown file's new bytes, behind the header line its reader needs. */
async function writeTail(source: string, target: string, fromByte: number, detection: Detection): Promise<void> {
  const out = fs.createWriteStream(target);
  if (detection.reader.kind === 'csv' && detection.headerLines > 0) {
    const head = await readHead(source, sampleBytes);
    let end = 0;
    for (let i = 0; i < detection.headerLines; i++) end = head.indexOf(10, end) + 1;
    out.write(head.subarray(0, end));
  }
  await pipeline(fs.createReadStream(source, { start: fromByte }), out);
}

/** The least time between two progress events of one phase of one file. */
const progressIntervalMs = 200;

function startProgressPolling(connection: DbConnection, bytesTotal: number, request: ImportFileRequest) {
  let phase: 'importing' | 'finishing' = 'importing';
  let rows = 0;
  const timer = setInterval(() => {
    const percentage = connection.progress();
    if (percentage < 0 || phase !== 'importing') return;
    request.onProgress?.({ phase, bytesDone: Math.round((bytesTotal * percentage) / 100), bytesTotal, rows });
  }, 250);
  timer.unref();
  return {
    phase(next: 'finishing', insertedRows: number) {
      phase = next;
      rows = insertedRows;
      request.onProgress?.({ phase, bytesDone: bytesTotal, bytesTotal, rows });
    },
    stop: () => clearInterval(timer),
  };
}

function emptyResult(file: string, started: number): ImportResult {
  return {
    file,
    sourceId: null,
    dataset: null,
    datasetId: null,
    format: 'csv',
    encoding: 'utf-8',
    columns: [],
    timeColumn: null,
    levelColumn: null,
    timeZone: null,
    lines: 0,
    rows: 0,
    rejected: 0,
    skipped: 0,
    timeUnparsed: 0,
    joined: 0,
    archive: null,
    member: null,
    duplicate: false,
    grownFrom: null,
    timeMin: null,
    timeMax: null,
    elapsedMs: Math.round(performance.now() - started),
    phasesMs: { scan: 0, detect: 0, load: 0 },
  };
}

/** File-system errors as the user's words. */
function fileError(error: unknown, file: string, duringRead = false): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError(duringRead ? 'file_vanished' : 'file_not_found', { file }, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new AppError('file_unreadable', { file, reason: code }, { cause: error });
  if (code === 'EISDIR') return new AppError('file_is_directory', { file }, { cause: error });
  return new AppError('file_unreadable', { file, reason: firstLine(error) }, { cause: error });
}

/**
 * After a cancel, whatever a step then fails with (a statement DuckDB interrupted, a stream
 * torn down mid-read, seen as a failed import under load) is the cancel itself: the
 * transaction rolled back, and the file is not to be reported as unreadable.
 */
function cancelledBy(error: unknown): AppError {
  return error instanceof AppError && error.code === 'cancelled' ? error : new AppError('cancelled', {}, { cause: error });
}

function importError(error: unknown, file: string): AppError {
  if (error instanceof AppError) return error;
  const message = firstLine(error);
  if (/no such file|cannot open file|could not open/i.test(message)) return new AppError('file_vanished', { file }, { cause: error });
  return new AppError('import_failed', { file, detail: message }, { cause: error });
}



/** The contract's import methods, bound to the service. */
export function createImportHandlers(
  imports: ImportService,
): Pick<Handlers, 'import.preview' | 'import.run' | 'sources.list' | 'sources.remove' | 'rejects.page' | 'formats.list' | 'formats.save' | 'formats.remove'> {
  return {
    'formats.list': () => imports.listFormats(),
    'formats.save': (input) => imports.savePattern(input.name, input.pattern),
    'formats.remove': async (input) => ({ removed: await imports.removePattern(input.name) }),
    'import.preview': (input, { signal }) => imports.preview(input, signal),
    'import.run': (input, { signal }) => imports.run(input, signal),
    'sources.list': (input) => imports.listSources(input.datasetId),
    'sources.remove': (input) => imports.removeSource(input.sourceId),
    'rejects.page': (input) => imports.rejectsPage(input),
  };
}
