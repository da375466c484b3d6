import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createServiceLogGenerator, serviceLogFormatter, type ServiceLogFormat } from '../../src/shared/synth/serviceLog';

/**
 * The benchmark's shared parts. Every figure is measured in a fresh child process (so
 * peak RSS belongs to the measured work alone), Logscope side by side with the bare
 * engine in the same run, and reported as a ratio. Nothing here is a test: no
 * thresholds, only numbers for people to read.
 */
export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const benchDir = process.env.LOGSCOPE_BENCH_DIR ?? path.join(repoRoot, 'bench-output');
export const dataDir = path.join(benchDir, 'data');

/** The synthetic log of `lines` lines in `format`, generated once and kept for later runs. */
export async function syntheticLog(format: ServiceLogFormat, lines: number, seed = 1): Promise<string> {
  fs.mkdirSync(dataDir, { recursive: true });
  const extension = format === 'nginx' ? 'log' : format;
  const file = path.join(dataDir, `service-${lines}-${seed}.${extension}`);
  if (fs.existsSync(file)) return file;
  const { header, line } = serviceLogFormatter(format);
  const partial = `${file}.partial`;
  const chunks = (function* () {
    if (header) yield header + '\n';
    let batch = '';
    let count = 0;
    for (const record of createServiceLogGenerator({ lines, seed })) {
      batch += line(record) + '\n';
      if (++count % 2000 === 0) {
        yield batch;
        batch = '';
      }
    }
    if (batch) yield batch;
  })();
  await pipeline(Readable.from(chunks), fs.createWriteStream(partial));
  fs.renameSync(partial, file);
  return file;
}

export interface ChildMeasurement {
  /** What the child printed as its last JSON line. */
  result: Record<string, unknown>;
  wallMs: number;
  peakRssMb: number;
}

/**
 * Runs `node --import tsx SCRIPT ARGS` and reads the child's own peak RSS
 * (`process.resourceUsage().maxRSS`), which it prints as `maxRssKb` in its last JSON line.
 */
export function measureChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildMeasurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${path.basename(script)} exited with ${code}`));
      const last = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      const result = last ? (JSON.parse(last) as Record<string, unknown>) : {};
      resolve({ result, wallMs, peakRssMb: Number(result.maxRssKb ?? 0) / 1024 });
    });
  });
}

/** For a measured child: print the result with this process's peak RSS as the last line. */
export function finishChild(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
}

/** Median of several runs, the figure a bench reports. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? formatNumber(v) : (v ?? ''));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(cell(r[c])).length)));
  const line = (values: string[]) => '| ' + values.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(`\n### ${title}\n`);
  console.log(line(columns));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(columns.map((c) => String(cell(row[c])))));
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Saves a part's figures, so the README and closing notes quote measured numbers. */
export function saveResults(part: string, results: unknown): void {
  fs.mkdirSync(benchDir, { recursive: true });
  fs.writeFileSync(path.join(benchDir, `${part}.json`), JSON.stringify(results, null, 2) + '\n');
}
