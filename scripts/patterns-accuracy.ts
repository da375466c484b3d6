/**
 * Grouping accuracy and speed of the message-pattern miner.
 *
 *   npx tsx scripts/patterns-accuracy.ts [dir] [--lines N] [--batch N] [--distinct N]
 *
 * Accuracy: mines the `Content` column of each `*_structured.csv` in `dir` (LogPAI
 * loghub layout; default test/fixtures/loghub) in one batch, and again in batches of
 * 200 lines, and scores both against `EventId` (grouping accuracy, Zhu et al. 2019).
 * Speed: mines N synthetic lines (default 1,000,000) built from 40 event types with
 * random variables, in batches of `--batch` lines (default 100,000), and reports lines/s,
 * memory and the grouping accuracy on those lines. `--distinct` overrides the miner's
 * `variableMinDistinct`, to see how sensitive the result is to it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { groupingAccuracy } from '../src/shared/patterns/accuracy';
import { createMiner, type MinerOptions } from '../src/shared/patterns/miner';
import { parseCsv } from '../test/corpus/csv';

function readStructured(path: string): { messages: string[]; eventIds: string[] } {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (header === undefined) throw new Error(`${path}: empty`);
  const content = header.indexOf('Content');
  const eventId = header.indexOf('EventId');
  if (content < 0 || eventId < 0) throw new Error(`${path}: no Content or EventId column`);
  const malformed = rows.findIndex((row) => row.length !== header.length);
  if (malformed >= 0) throw new Error(`${path}: record ${malformed + 2} has ${rows[malformed]!.length} fields, header has ${header.length}`);
  return { messages: rows.map((row) => row[content]!), eventIds: rows.map((row) => row[eventId]!) };
}

function measureAccuracy(dir: string, options: MinerOptions): void {
  const files = readdirSync(dir).filter((name) => name.endsWith('_structured.csv')).sort();
  const scores: number[] = [];
  const streamedScores: number[] = [];
  let lines = 0;
  let elapsedMs = 0;
  for (const file of files) {
    const { messages, eventIds } = readStructured(join(dir, file));
    const started = performance.now();
    const miner = createMiner(options);
    const ids = miner.addBatch(messages);
    elapsedMs += performance.now() - started;
    lines += messages.length;
    const accuracy = groupingAccuracy(Array.from(ids), eventIds);
    scores.push(accuracy);
    const streamed = streamedAccuracy(messages, eventIds, options);
    streamedScores.push(streamed);
    const truthGroups = new Set(eventIds).size;
    console.log(
      `${file.padEnd(36)} GA ${accuracy.toFixed(3)}  (in batches of ${STREAM_BATCH_LINES}: ${streamed.toFixed(3)})  ` +
        `lines ${messages.length}  templates ${miner.templates().length} (truth ${truthGroups})`,
    );
  }
  console.log(
    `mean GA over ${scores.length} files: ${mean(scores).toFixed(3)} (in batches of ${STREAM_BATCH_LINES}: ${mean(streamedScores).toFixed(3)}); ` +
      `${Math.round(lines / (elapsedMs / 1000))} lines/s on these files (small inputs, includes warm-up)`,
  );
}

const STREAM_BATCH_LINES = 200;

/**
 * GA when the same lines arrive in small batches: ids from earlier batches are kept,
 * so this measures what appending costs, after applying the reported merges.
 */
function streamedAccuracy(messages: readonly string[], eventIds: readonly string[], options: MinerOptions): number {
  const miner = createMiner(options);
  const ids: number[] = [];
  for (let start = 0; start < messages.length; start += STREAM_BATCH_LINES) {
    ids.push(...miner.addBatch(messages.slice(start, start + STREAM_BATCH_LINES)));
  }
  return groupingAccuracy(ids.map((id) => miner.mergedInto(id)), eventIds);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Forty event types in the style of service logs, several sharing leading words as real
 * ones do. Variables: `{n}` integer, `{ip}` address and port, `{hex}` 0x id, `{uuid}`,
 * `{path}`, `{user}` and `{host}` words without digits (30 values each), `{ms}`
 * duration, `{size}` size with a unit, `{date}` a syslog-style date.
 */
const SYNTHETIC_TEMPLATES = [
  'Accepted connection from {ip}',
  'Accepted password for {user} from {ip} port {n} ssh2',
  'Failed password for invalid user {user} from {ip} port {n} ssh2',
  'Connection closed by {ip} [preauth]',
  'session opened for user {user} by (uid={n})',
  'session closed for user {user}',
  'Received block {hex} of size {n} from {ip}',
  'Deleting block {hex} file {path}',
  'PacketResponder {n} for block {hex} terminating',
  'Starting job {uuid} for user {user} on {host}',
  'Job {uuid} finished in {ms} with status {n}',
  'Job {uuid} failed: timeout after {ms}',
  'GET {path} HTTP/1.1 200 {size}',
  'POST {path} HTTP/1.1 500 {size}',
  'cache miss for key user:{n}:profile',
  'cache hit ratio {n} percent over {n} requests',
  'worker {n} heartbeat ok, queue depth {n}',
  'worker {n} restarted after crash, exit code {n}',
  'Stored block broadcast_{n} in memory (estimated size {size}, free {size})',
  'Removed broadcast_{n} on {ip} in memory (size: {size}, free: {size})',
  'Disk quota exceeded for {user} on volume {path}',
  'Mounted volume {path} on {host}',
  'User {user} logged in from {host} at {date}',
  'User {user} logged out',
  'Retrying request {uuid} (attempt {n} of 5)',
  'Request {uuid} completed in {ms}',
  'TLS handshake with {host} failed: certificate expired',
  'Certificate for {host} expires in {n} days',
  'Scheduled backup of {path} started',
  'Backup of {path} completed: {size} written in {ms}',
  'Exception in thread worker-{n}: java.lang.NullPointerException',
  'GC pause {ms}, heap {size} -> {size}',
  'Leader election started, term {n}',
  'Elected leader {ip} for term {n}',
  'Snapshot {n} written to {path}',
  'Follower {ip} is {n} entries behind',
  'Rate limit exceeded for client {ip}: {n} requests in {ms}',
  'Invalid configuration value for timeout: {n}',
  'Shutting down gracefully',
  'Configuration reloaded by {user}',
];

const SYNTHETIC_NAMES = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert',
  'sybil', 'trent', 'victor', 'walter', 'yolanda', 'zed', 'amber', 'brook', 'cedar', 'dune', 'ember', 'fjord', 'glade', 'harbor', 'isle',
];
const SIZE_UNITS = ['B', 'KB', 'MB', 'GB'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syntheticLine(template: string, random: () => number): string {
  const integer = (below: number) => Math.floor(random() * below);
  const pick = <T>(values: readonly T[]): T => values[integer(values.length)]!;
  const hex = (digits: number) => Array.from({ length: digits }, () => '0123456789abcdef'[integer(16)]).join('');
  return template.replace(/\{(\w+)\}/g, (_, kind: string) => {
    switch (kind) {
      case 'n': return String(integer(100_000));
      case 'ip': return `10.${integer(256)}.${integer(256)}.${integer(256)}:${1024 + integer(60_000)}`;
      case 'hex': return `0x${hex(12)}`;
      case 'uuid': return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
      case 'path': return `/var/lib/app/${pick(SYNTHETIC_NAMES)}/${hex(6)}.dat`;
      case 'user': return pick(SYNTHETIC_NAMES);
      case 'host': return `${pick(SYNTHETIC_NAMES)}.example.com`;
      case 'ms': return `${(random() * 1000).toFixed(1)}ms`;
      case 'size': return `${(random() * 1000).toFixed(1)} ${pick(SIZE_UNITS)}`;
      case 'date': return `${pick(MONTHS)} ${1 + integer(28)} ${String(integer(24)).padStart(2, '0')}:${String(integer(60)).padStart(2, '0')}:${String(integer(60)).padStart(2, '0')}`;
      default: throw new Error(`unknown variable ${kind}`);
    }
  });
}

function measureSpeed(lineCount: number, batchLines: number, options: MinerOptions): void {
  const random = createRandom(42);
  const miner = createMiner(options);
  // Wall time suffers when other processes share the cores; CPU time (all threads of
  // this process, so garbage collection included) is the steadier figure.
  let miningMs = 0;
  let miningCpuMs = 0;
  let peakHeapBytes = 0;
  const ids = new Int32Array(lineCount);
  const truth = new Array<string>(lineCount);
  for (let start = 0; start < lineCount; start += batchLines) {
    const size = Math.min(batchLines, lineCount - start);
    const batch = new Array<string>(size);
    for (let line = 0; line < size; line++) {
      const template = Math.floor(random() * SYNTHETIC_TEMPLATES.length);
      truth[start + line] = String(template);
      batch[line] = syntheticLine(SYNTHETIC_TEMPLATES[template]!, random);
    }
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    ids.set(miner.addBatch(batch), start);
    const cpu = process.cpuUsage(cpuStarted);
    miningMs += performance.now() - started;
    miningCpuMs += (cpu.user + cpu.system) / 1000;
    peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  }
  const resolvedIds = Array.from(ids, (id) => miner.mergedInto(id));
  const counted = miner.templates().reduce((sum, template) => sum + template.count, 0);
  console.log(
    `synthetic: ${lineCount} lines from ${SYNTHETIC_TEMPLATES.length} templates in batches of ${batchLines}: ` +
      `${Math.round(lineCount / (miningMs / 1000))} lines/s wall, ${Math.round(lineCount / (miningCpuMs / 1000))} lines per CPU second (mining only), GA ${groupingAccuracy(resolvedIds, truth).toFixed(3)}, ` +
      `${miner.templates().length} templates, ${miner.merges().length} merges, counts sum to ${counted} of ${lineCount} lines`,
  );
  console.log(
    `memory: heap after a batch at most ${(peakHeapBytes / 2 ** 20).toFixed(0)} MiB (includes the generated lines and id arrays), ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; miner state as JSON ${(JSON.stringify(miner.state()).length / 1024).toFixed(1)} KiB`,
  );
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const dir = process.argv[2] !== undefined && !process.argv[2].startsWith('--') ? process.argv[2] : 'test/fixtures/loghub';
const options: MinerOptions = {};
const threshold = argument('--distinct');
if (threshold !== undefined) options.variableMinDistinct = Number(threshold);
measureAccuracy(dir, options);
measureSpeed(Number(argument('--lines') ?? 1_000_000), Number(argument('--batch') ?? 100_000), options);
