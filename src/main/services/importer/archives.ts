import fs from 'node:fs';
import zlib from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import yauzl from 'yauzl';
import { AppError } from '../../../shared/api/errors';
import { hangulShare } from '../../../shared/detect/encoding';

/**
 * Compressed input: `.gz` (one log, perhaps several gzip members back to back, as `cat a.gz
 * b.gz` makes) and `.zip` (each member a source file of its own). Recognised by their first
 * bytes, not their names. Inflating is watched as it happens: the total size and the
 * compression ratio are capped, so a small hostile file cannot fill the disk — the zip's own
 * header sizes are checked first, but they can lie, so the bytes actually produced count.
 * Member names are labels only: nothing is ever written to a path made from one.
 */
export interface ArchiveLimits {
  /** The most bytes one archive may inflate to, all members together. */
  maxUnpackedBytes: number;
  /** The highest ratio of inflated to compressed bytes (checked past `ratioFloorBytes`). */
  maxRatio: number;
}

/** Logs compress 5–20 times with deflate, very repetitive ones up to about 100; bombs by thousands. */
export const defaultArchiveLimits: ArchiveLimits = { maxUnpackedBytes: 64 * 1024 ** 3, maxRatio: 200 };
/** Small files may compress as well as they like: the ratio is judged past this many bytes. */
export const ratioFloorBytes = 16 * 1024 * 1024;

export type ContainerKind = 'gzip' | 'zip' | 'plain';

export function containerOf(head: Uint8Array): ContainerKind {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  return 'plain';
}

/** The modification time gzip stored in its header (0 when it stored none, as `gzip -n` does). */
export function gzipModified(head: Uint8Array): Date | null {
  if (head.length < 8) return null;
  const seconds = (head[4]! | (head[5]! << 8) | (head[6]! << 16)) + head[7]! * 0x1000000;
  return seconds > 0 ? new Date(seconds * 1000) : null;
}

/** Counts inflated bytes against the limits; one per archive, shared by its members. */
export class InflateBudget {
  private total = 0;
  constructor(
    private readonly limits: ArchiveLimits,
    private readonly file: string,
  ) {}

  /** Adds `bytes` of a member (or a gzip file) that came from `compressedBytes`. */
  take(bytes: number, producedSoFar: number, compressedBytes: number): void {
    this.total += bytes;
    if (this.total > this.limits.maxUnpackedBytes) {
      throw new AppError('archive_too_large', { file: this.file, limit: this.limits.maxUnpackedBytes });
    }
    if (producedSoFar > ratioFloorBytes && producedSoFar / Math.max(1, compressedBytes) > this.limits.maxRatio) {
      throw new AppError('archive_ratio_exceeded', { file: this.file, limit: this.limits.maxRatio });
    }
  }

  /** The zip's own sizes, before inflating anything: a declared bomb is refused at once. */
  checkDeclared(uncompressed: number, compressed: number): void {
    if (this.total + uncompressed > this.limits.maxUnpackedBytes) {
      throw new AppError('archive_too_large', { file: this.file, limit: this.limits.maxUnpackedBytes });
    }
    if (uncompressed > ratioFloorBytes && uncompressed / Math.max(1, compressed) > this.limits.maxRatio) {
      throw new AppError('archive_ratio_exceeded', { file: this.file, limit: this.limits.maxRatio });
    }
  }
}

/** zlib's and yauzl's complaints, as what they mean for the user. */
export function archiveError(error: unknown, file: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return new AppError('file_vanished', { file }, { cause: error });
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new AppError('archive_corrupt', { file, detail: 'the compressed data ends early (the file is truncated)' }, { cause: error });
  }
  return new AppError('archive_corrupt', { file, detail: message.split('\n')[0] ?? message }, { cause: error });
}

/** The inflated bytes of a gzip file, chunk by chunk, within the budget. */
export async function* gunzipFile(file: string, name: string, budget: InflateBudget, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const compressed = (await fs.promises.stat(file)).size;
  yield* gunzipChunks(fs.createReadStream(file, { highWaterMark: 1 << 20 }), name, budget, compressed, signal);
}

/** Gzip data (from a file, or a zip member that is itself a .gz) inflated, within the budget. */
export async function* gunzipChunks(source: AsyncIterable<Buffer>, name: string, budget: InflateBudget, compressedBytes: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const input = Readable.from(source);
  const gunzip = zlib.createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  let produced = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new AppError('cancelled');
      produced += chunk.length;
      budget.take(chunk.length, produced, compressedBytes);
      yield chunk;
    }
  } catch (error) {
    throw archiveError(error, name);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

export interface ZipMember {
  entry: yauzl.Entry;
  /** The member's name inside the archive, decoded (a label, never a path). */
  name: string;
  modified: Date;
}

export interface OpenedZip {
  zip: yauzl.ZipFile;
  members: ZipMember[];
  close(): void;
}

/**
 * The members worth importing: files, not folders, and not the resource forks macOS adds
 * (`__MACOSX/`, `.DS_Store`). yauzl is asked not to check names (it would refuse the whole
 * archive for a `../` name); names are decoded here and used as labels.
 */
export async function openZip(file: string, name: string): Promise<OpenedZip> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw archiveError(error, name);
  }
  const members: ZipMember[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const memberName = decodeMemberName(entry);
      if (memberName.endsWith('/') || memberName.startsWith('__MACOSX/') || /(^|\/)\.DS_Store$/.test(memberName)) continue;
      members.push({ entry, name: memberName, modified: entry.getLastModDate() });
    }
  } catch (error) {
    zip.close();
    throw archiveError(error, name);
  }
  return { zip, members, close: () => zip.close() };

  function decodeMemberName(entry: yauzl.Entry): string {
    const raw = entry.fileNameRaw;
    // Without the UTF-8 flag names are CP437 by the spec, but zips made on Korean Windows
    // carry CP949 and others UTF-8 without saying so.
    if ((entry.generalPurposeBitFlag & 0x800) === 0 && raw.some((b) => b >= 0x80)) {
      if (isUtf8(raw)) return raw.toString('utf8');
      const korean = iconv.decode(raw, 'cp949');
      if (!korean.includes('\uFFFD') && hangulShare(korean) >= 0.5) return korean;
    }
    return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
  }
}

/** A member's inflated bytes, chunk by chunk, within the budget. */
export async function* readZipMember(zip: yauzl.ZipFile, member: ZipMember, label: string, budget: InflateBudget, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const { entry } = member;
  if (entry.isEncrypted()) throw new AppError('archive_member_unsupported', { file: label, reason: 'encrypted' });
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new AppError('archive_member_unsupported', { file: label, reason: `compression method ${entry.compressionMethod}` });
  }
  budget.checkDeclared(entry.uncompressedSize, entry.compressedSize);
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw archiveError(error, label);
  }
  let produced = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new AppError('cancelled');
      produced += chunk.length;
      budget.take(chunk.length, produced, entry.compressedSize);
      yield chunk;
    }
  } catch (error) {
    throw archiveError(error, label);
  } finally {
    stream.destroy();
  }
}

/** Up to `bytes` of an iterable's first bytes; stops (and so closes) the source after. */
export async function firstBytes(source: AsyncIterable<Buffer>, bytes: number): Promise<{ head: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= bytes) return { head: Buffer.concat(chunks).subarray(0, bytes), complete: false };
  }
  return { head: Buffer.concat(chunks), complete: true };
}
