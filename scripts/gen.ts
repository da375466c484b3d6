/**
 * Synthetic service logs for the demo dataset, tests and benchmarks.
 *
 *   npm run gen -- --lines N --format csv|jsonl|nginx [--seed S] [--start ISO] [--days D] [--out FILE]
 *
 * Streams to FILE (or stdout) in chunks and waits for 'drain', so 5 million lines never sit
 * in memory. Prints one summary line to stderr. Exit 2 on a usage error, 1 on a write error.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import {
  createServiceLogGenerator,
  serviceLogFormatter,
  type ServiceLogFormat,
  type ServiceLogOptions,
} from '../src/shared/synth/serviceLog';

const USAGE =
  'usage: npm run gen -- --lines N --format csv|jsonl|nginx [--seed S] [--start ISO] [--days D] [--out FILE]\n' +
  '  --lines   number of records (the CSV header is extra)\n' +
  '  --format  csv (with header), jsonl, or nginx (combined + request time)\n' +
  '  --seed    integer 0..4294967295, default 1; same seed and options give the same bytes\n' +
  '  --start   UTC instant ending in Z, default 2024-03-04T00:00:00Z\n' +
  '  --days    length of the time range, default 7\n' +
  '  --out     output file, default stdout ("-" is stdout too)';

const FORMATS: readonly ServiceLogFormat[] = ['csv', 'jsonl', 'nginx'];
/** Bytes per write: per-write overhead vanishes, memory stays small. */
const CHUNK_BYTES = 1 << 18;

class UsageError extends Error {}

interface Cli {
  options: ServiceLogOptions;
  format: ServiceLogFormat;
  out: string | null;
}

function parseCli(args: string[]): Cli | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        lines: { type: 'string' },
        format: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        days: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';

  if (values.lines === undefined) throw new UsageError('--lines is required');
  if (!/^\d+$/.test(values.lines) || !Number.isSafeInteger(Number(values.lines))) {
    throw new UsageError(`--lines must be a non-negative integer, got "${values.lines}"`);
  }
  if (values.format === undefined) throw new UsageError('--format is required');
  const format = FORMATS.find((f) => f === values.format);
  if (format === undefined) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  if (values.seed !== undefined && !/^\d+$/.test(values.seed)) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${values.seed}"`);
  }
  if (values.days !== undefined && !/^\d+(\.\d+)?$/.test(values.days)) {
    throw new UsageError(`--days must be a positive number, got "${values.days}"`);
  }

  const options: ServiceLogOptions = { lines: Number(values.lines) };
  if (values.seed !== undefined) options.seed = Number(values.seed);
  if (values.start !== undefined) options.start = values.start;
  if (values.days !== undefined) options.days = Number(values.days);
  try {
    // Only validates: the generator body runs on the first next().
    createServiceLogGenerator(options);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  return { options, format, out: values.out === undefined || values.out === '-' ? null : values.out };
}

async function openOutput(path: string | null): Promise<Writable> {
  if (path === null) return process.stdout;
  const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  // Fail on a bad path before generating anything.
  await once(stream, 'ready');
  return stream;
}

/** Resolves when `chunk` has been handed to the OS; rejects if the stream fails first. */
function writeFlushed(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

async function run(cli: Cli): Promise<{ lines: number; bytes: number }> {
  const records = createServiceLogGenerator(cli.options);
  const { header, line } = serviceLogFormatter(cli.format);
  const out = await openOutput(cli.out);

  let failure = null as Error | null;
  // Without a listener an asynchronous write error (EPIPE, ENOSPC) would crash the process
  // between two awaits; note it and stop at the next chunk instead.
  const onError = (error: Error): void => {
    failure ??= error;
  };
  out.on('error', onError);

  let bytes = 0;
  let lines = 0;
  // Lines are encoded straight into a chunk buffer: no joined string, one copy per line.
  // A fresh buffer per chunk, because a written one may still sit in the stream's queue.
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  /** Encodes one line and its newline; returns the chunk it filled up, if any, to be written. */
  const append = (text: string): Buffer | null => {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    const worstBytes = text.length * 3 + 1;
    let full: Buffer | null = null;
    if (chunk.length - used < worstBytes) {
      if (used > 0) full = chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, worstBytes));
      used = 0;
    }
    used += chunk.write(text, used, 'utf8');
    chunk[used++] = 0x0a;
    return full;
  };
  const write = async (buffer: Buffer): Promise<void> => {
    bytes += buffer.length;
    if (!out.write(buffer)) await once(out, 'drain');
    if (failure !== null) throw failure;
  };

  if (header !== null) append(header);
  for (const record of records) {
    const full = append(line(record));
    lines++;
    if (full !== null) await write(full);
  }
  const last = chunk.subarray(0, used);
  bytes += last.length;
  if (out === process.stdout) {
    // stdout cannot be ended; wait until the last chunk is out instead.
    await writeFlushed(out, last);
  } else {
    out.end(last);
    await finished(out);
  }
  if (failure !== null) throw failure;
  return { lines, bytes };
}

async function main(): Promise<void> {
  let cli: Cli | 'help';
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gen: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (cli === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const startedMs = performance.now();
  let result: { lines: number; bytes: number };
  try {
    result = await run(cli);
  } catch (error) {
    // The reader went away (`npm run gen ... | head`): stopping is the expected outcome.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    process.stderr.write(`gen: cannot write ${cli.out ?? 'stdout'}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  const seconds = (performance.now() - startedMs) / 1000;
  process.stderr.write(
    `gen: ${result.lines} lines, ${result.bytes} bytes, ${seconds.toFixed(2)} s ` +
      `(${Math.round(result.lines / seconds)} lines/s, ${cli.format} -> ${cli.out ?? 'stdout'})\n`,
  );
}

await main();
