import fs from 'node:fs';
import path from 'node:path';
import { benchDir, measureChild, median, printTable, repoRoot, saveResults, syntheticLog } from './lib';

/**
 * Loader core (issue 4): Logscope's import of 5 million synthetic records against the bare
 * engine's CREATE TABLE AS over the same file, in the same run, as CSV and as JSON lines;
 * with and without Logscope's pass over the file (content hash and line count). Then the
 * memory bound: a 3 GB CSV with DuckDB's memory limit at 1 GB.
 */
const lines = Number(process.env.LOGSCOPE_BENCH_LINES ?? 5_000_000);
const runs = Number(process.env.LOGSCOPE_BENCH_RUNS ?? 3);
const work = path.join(benchDir, 'work');
fs.mkdirSync(work, { recursive: true });
const worker = (name: string) => path.join(repoRoot, 'scripts/bench/workers', name);

const results: Record<string, unknown>[] = [];
for (const format of ['csv', 'jsonl'] as const) {
  const file = await syntheticLog(format, lines);
  const megabytes = fs.statSync(file).size / 1e6;
  const bare: number[] = [];
  const logscope: number[] = [];
  const withoutPass: number[] = [];
  let bareRss = 0;
  let logscopeRss = 0;
  for (let run = 0; run < runs; run++) {
    const b = await measureChild(worker('bareImport.ts'), [format, file, path.join(work, 'bare.duckdb')]);
    bare.push(Number(b.result.elapsedMs));
    bareRss = Math.max(bareRss, b.peakRssMb);
    const l = await measureChild(worker('logscopeImport.ts'), [file, path.join(work, 'logscope')]);
    const phases = l.result.phasesMs as { scan: number; detect: number; load: number };
    logscope.push(Number(l.result.elapsedMs));
    withoutPass.push(Number(l.result.elapsedMs) - phases.scan);
    logscopeRss = Math.max(logscopeRss, l.peakRssMb);
  }
  const row = {
    format,
    'MB': megabytes,
    'bare s': median(bare) / 1000,
    'Logscope s': median(logscope) / 1000,
    'Logscope w/o hash s': median(withoutPass) / 1000,
    'rows/s': Math.round(lines / (median(logscope) / 1000)),
    'MB/s': megabytes / (median(logscope) / 1000),
    'ratio': median(logscope) / median(bare),
    'ratio w/o hash': median(withoutPass) / median(bare),
    'peak RSS bare MB': Math.round(bareRss),
    'peak RSS Logscope MB': Math.round(logscopeRss),
  };
  results.push(row);
}
printTable(`Import of ${lines.toLocaleString('en-US')} records, median of ${runs} (goal: ratio ≤ 1.25, ≤ 1.15 without the hash)`, results as Record<string, string | number>[]);

// Memory stays bounded: a 3 GB CSV with DuckDB's memory limit at 1 GB.
let memory: Record<string, string | number> | null = null;
if (process.env.LOGSCOPE_BENCH_SKIP_3GB !== '1') {
  const big = await syntheticLog('csv', 12_500_000, 2);
  const measured = await measureChild(worker('logscopeImport.ts'), [big, path.join(work, 'logscope-3gb'), '1GB']);
  memory = {
    'file GB': fs.statSync(big).size / 1e9,
    'memory_limit': '1GB',
    'rows': Number(measured.result.rows),
    'seconds': Number(measured.result.elapsedMs) / 1000,
    'peak RSS MB': Math.round(measured.peakRssMb),
  };
  printTable('Memory bound (goal: peak RSS under 2 GB)', [memory]);
}
saveResults('import', { lines, runs, results, memory });
fs.rmSync(work, { recursive: true, force: true });
