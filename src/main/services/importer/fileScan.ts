import fs from 'node:fs';
import { createXXHash128 } from 'hash-wasm';
import { AppError } from '../../../shared/api/errors';

export interface FileScan {
  size: number;
  /** xxHash-128 of the whole content, hex. */
  hash: string;
  /** xxHash-128 of the first `prefixBytes`, when asked for (to recognise a grown log). */
  prefixHash: string | null;
  /** Physical lines; a last line without a line break counts. */
  lines: number;
  /** Bytes of the longest line, without its line break. */
  longestLine: number;
  /** Line numbers (1-based) of empty lines, up to `maxBlankLines`. */
  blankLines: number[];
  blankLineCount: number;
  endsWithNewline: boolean;
  /** Lines ending in CRLF and in a bare LF: a file with both needs its line ends made one kind. */
  crlfLines: number;
  lfLines: number;
  /** NUL bytes, which text does not hold (a crash's padding): dropped before DuckDB reads. */
  hasNul: boolean;
  /** Which of the given control bytes occur (to pick a delimiter no line holds). */
  controlBytes: number[];
}

/**
 * The content hash `scanFile` gives, of content held in memory: what the preview of a whole
 * small file computes to find the import that would be a duplicate.
 */
export async function contentHash(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<string> {
  const hash = await createXXHash128();
  hash.init();
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** Blank lines beyond this are still counted, just not located (line numbers then drift). */
export const maxBlankLines = 100_000;

/**
 * One pass over the file: the content hash that identifies it (xxHash-128: fast, and
 * collision-resistant enough to recognise the same file; SHA-256 would cost a fifth of
 * the import), the line count, and where the blank lines are. Reads in 1 MB chunks, so
 * memory does not grow with the file.
 */
export async function scanFile(
  path: string,
  options: { prefixBytes?: number | null; signal?: AbortSignal; onBytes?: (bytes: number) => void; controlBytes?: readonly number[] } = {},
): Promise<FileScan> {
  const whole = await createXXHash128();
  whole.init();
  const prefixBytes = options.prefixBytes ?? null;
  const prefix = prefixBytes !== null ? await createXXHash128() : null;
  prefix?.init();

  let size = 0;
  let lines = 0;
  let longestLine = 0;
  let blankLineCount = 0;
  const blankLines: number[] = [];
  // Bytes of the current (unfinished) line so far, and its first byte: a line is blank
  // when it is empty or a lone `\r` (CRLF files).
  let lineLength = 0;
  let lineFirstByte = -1;
  let lastByte = -1;
  let crlfLines = 0;
  let lfLines = 0;
  let hasNul = false;
  const controls = new Set<number>();
  const wanted = options.controlBytes ?? [];

  const stream = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) throw new AppError('cancelled');
      whole.update(chunk);
      if (prefix && prefixBytes !== null && size < prefixBytes) prefix.update(chunk.subarray(0, Math.min(chunk.length, prefixBytes - size)));
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        const length = lineLength + (newline - start);
        const firstByte = lineLength > 0 ? lineFirstByte : chunk[start];
        lines++;
        if (length > longestLine) longestLine = length;
        const before = newline > 0 ? chunk[newline - 1] : lastByte;
        if (length > 0 && before === 13) crlfLines++;
        else lfLines++;
        if (length === 0 || (length === 1 && firstByte === 13)) {
          blankLineCount++;
          if (blankLines.length < maxBlankLines) blankLines.push(lines);
        }
        lineLength = 0;
        start = newline + 1;
      }
      if (start < chunk.length) {
        if (lineLength === 0) lineFirstByte = chunk[start] ?? -1;
        lineLength += chunk.length - start;
      }
      if (!hasNul && chunk.includes(0)) hasNul = true;
      for (const byte of wanted) if (!controls.has(byte) && chunk.includes(byte)) controls.add(byte);
      lastByte = chunk[chunk.length - 1] ?? lastByte;
      size += chunk.length;
      options.onBytes?.(size);
    }
  } catch (error) {
    stream.destroy();
    throw error;
  }
  if (lineLength > 0) lines++;
  if (lineLength > longestLine) longestLine = lineLength;
  return {
    size,
    hash: whole.digest('hex'),
    prefixHash: prefix ? prefix.digest('hex') : null,
    lines,
    longestLine,
    blankLines,
    blankLineCount,
    endsWithNewline: lastByte === 10,
    crlfLines,
    lfLines,
    hasNul,
    controlBytes: [...controls],
  };
}

/** The first `bytes` of a file, for detection. */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
