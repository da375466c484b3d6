import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../shared/api/errors';
import type { ImportOrigin, ReferenceSource } from '../../../shared/api/contract/imports';
import { canonicalEncoding, type EncodingName } from '../../../shared/detect/encoding';
import { binaryKind, sampleOf } from './detect';
import { convertToUtf8, detectEncoding, sampleToUtf8, type EncodingGuess } from './encoding';

/**
 * What a source is before DuckDB reads it: the text inside a .gz or a zip member, decoded
 * from its encoding, with one kind of line end and no NUL bytes. DuckDB always reads UTF-8
 * text from a file on disk — the source itself when it already is that (no copy), else a
 * copy in the data folder's temp space, written as a stream and removed after the import.
 */
export interface SourceReference {
  at: Date;
  source: ReferenceSource;
}

/**
 * The instant a timestamp without a year (or date) is completed from: the date the caller
 * knows (a mail's date, an upload's `lastModified`), else the file's modification time.
 */
export function baseReference(input: { origin: ImportOrigin; lastModified?: number | null; modified: Date | null; now: Date }): SourceReference {
  if (input.lastModified !== undefined && input.lastModified !== null && Number.isFinite(input.lastModified)) {
    const source: ReferenceSource = input.origin === 'mail' ? 'mail_date' : input.origin === 'upload' ? 'upload_modified' : 'file_modified';
    return { at: new Date(input.lastModified), source };
  }
  if (input.modified && input.origin !== 'upload' && input.origin !== 'mail') return { at: input.modified, source: 'file_modified' };
  return { at: input.now, source: 'import_time' };
}

/** The user's `encoding` option as a WHATWG name; an unknown label is a clear error. */
export function forcedEncoding(label: string | undefined): EncodingName | null {
  if (label === undefined) return null;
  const name = canonicalEncoding(label);
  if (!name) throw new AppError('encoding_unknown', { encoding: label });
  return name;
}

export function guessEncoding(raw: Buffer, forced: EncodingName | null): EncodingGuess {
  if (!forced) return detectEncoding(raw);
  const bom = detectEncoding(raw.subarray(0, 4));
  return { encoding: forced, bom: bom.bom && bom.encoding === forced };
}

/**
 * The detection sample from a source's first bytes: refused when it is not text, decoded,
 * cut after its last complete line, and normalised as the content will be.
 */
export function sampleFromHead(raw: Buffer, isWhole: boolean, forced: EncodingName | null, fileName: string): { bytes: Buffer; guess: EncodingGuess } {
  if (raw.length === 0) throw new AppError('file_empty', { file: fileName });
  const guess = guessEncoding(raw, forced);
  if (guess.encoding !== 'utf-16le' && guess.encoding !== 'utf-16be') {
    const kind = binaryKind(raw);
    if (kind) throw new AppError('file_binary', { file: fileName, kind });
  }
  const text = sampleOf(sampleToUtf8(raw, guess), isWhole);
  return { bytes: normalizeSample(text), guess };
}

/** NUL bytes dropped; CRLF made LF when the sample mixes both (DuckDB's CSV reader refuses a mix). */
export function normalizeSample(bytes: Buffer): Buffer {
  let out = bytes.includes(0) ? Buffer.from(bytes.filter((b) => b !== 0)) : bytes;
  const text = out.toString('latin1');
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  if (crlf > 0 && lf > 0) out = Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1');
  return out;
}

/** A gzip file's first bytes inflated, for a sample, from the bytes a browser sent. */
export function inflateHead(head: Buffer, fileName: string): Buffer {
  try {
    return zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new AppError('archive_corrupt', { file: fileName, detail: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
}

/** Writes a source's content, decoded to UTF-8, to `target`. */
export async function writeContent(source: AsyncIterable<Buffer>, target: string, encoding: EncodingName, signal?: AbortSignal): Promise<void> {
  const chunks = encoding === 'utf-8' ? source : convertToUtf8(source, encoding);
  await pipeline(Readable.from(chunks), fs.createWriteStream(target), { signal });
}

/**
 * Rewrites UTF-8 content with LF line ends only and without NUL bytes, line by line (a
 * file that mixes CRLF and LF, or that a crash padded with NULs).
 */
export async function normalizeContent(source: string, target: string, signal?: AbortSignal): Promise<void> {
  async function* withoutNul(input: AsyncIterable<Buffer>) {
    for await (const chunk of input) yield chunk.includes(0) ? Buffer.from(chunk.filter((b) => b !== 0)) : chunk;
  }
  const input = fs.createReadStream(source, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  await pipeline(Readable.from(convertToUtf8(withoutNul(input), 'utf-8')), fs.createWriteStream(target), { signal });
}
