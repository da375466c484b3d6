import fs from 'node:fs';
import path from 'node:path';
import { benchDir, measureChild, median, printTable, repoRoot, saveResults, syntheticLog } from './lib';

/**
 * Log formats (issue 5): Logscope's import of the synthetic nginx access log (combined plus
 * `$request_time`, every field typed: time, status, bytes, request time, method/path/protocol)
 * against the bare engine's CREATE TABLE AS over the same records written as CSV, in the same
 * run. Then what `_ls_line` costs: the access-log INSERT alone, with and without its
 * `row_number()`, with DuckDB's memory limit at 1 GB (the loader core's memory bound).
 */
const lines = Number(process.env.LOGSCOPE_BENCH_LINES ?? 5_000_000);
const runs = Number(process.env.LOGSCOPE_BENCH_RUNS ?? 3);
const work = path.join(benchDir, 'work-formats');
fs.mkdirSync(work, { recursive: true });
const worker = (name: string) => path.join(repoRoot, 'scripts/bench/workers', name);

const nginx = await syntheticLog('nginx', lines);
const csv = await syntheticLog('csv', lines);
const nginxMb = fs.statSync(nginx).size / 1e6;
const csvMb = fs.statSync(csv).size / 1e6;

const bare: number[] = [];
const logscope: number[] = [];
const load: number[] = [];
let bareRss = 0;
let logscopeRss = 0;
let imported: Record<string, unknown> = {};
for (let run = 0; run < runs; run++) {
  const b = await measureChild(worker('bareImport.ts'), ['csv', csv, path.join(work, 'bare.duckdb')]);
  bare.push(Number(b.result.elapsedMs));
  bareRss = Math.max(bareRss, b.peakRssMb);
  const l = await measureChild(worker('logscopeImport.ts'), [nginx, path.join(work, 'logscope')]);
  logscope.push(Number(l.result.elapsedMs));
  load.push(Number((l.result.phasesMs as { load: number }).load));
  logscopeRss = Math.max(logscopeRss, l.peakRssMb);
  imported = l.result;
}
const seconds = (ms: number[]) => median(ms) / 1000;
const ratioRows = [
  {
    import: 'bare engine: CSV, CREATE TABLE AS read_csv',
    MB: csvMb,
    's': seconds(bare),
    'rows/s': Math.round(lines / seconds(bare)),
    'MB/s': csvMb / seconds(bare),
    'peak RSS MB': Math.round(bareRss),
    ratio: 1,
  },
  {
    import: 'Logscope: nginx access log, typed',
    MB: nginxMb,
    's': seconds(logscope),
    'rows/s': Math.round(lines / seconds(logscope)),
    'MB/s': nginxMb / seconds(logscope),
    'peak RSS MB': Math.round(logscopeRss),
    ratio: median(logscope) / median(bare),
  },
];
printTable(`nginx import of ${lines.toLocaleString('en-US')} records vs the same records as CSV, median of ${runs} (goal: ratio ≤ 2)`, ratioRows);
console.log(`Logscope rows ${String(imported.rows)}, rejected ${String(imported.rejected)}; DuckDB's part (load) median ${seconds(load).toFixed(1)} s`);

const lineRows: Record<string, string | number>[] = [];
const labels = {
  none: 'without _ls_line',
  window: 'row_number() OVER () in the INSERT',
  'in-transaction': 'numbered by insertion order in the same transaction',
  'after-commit': 'numbered by insertion order once committed (Logscope)',
} as const;
for (const mode of ['none', 'window', 'in-transaction', 'after-commit'] as const) {
  const times: number[] = [];
  let rss = 0;
  for (let run = 0; run < runs; run++) {
    const m = await measureChild(worker('formatsEngine.ts'), [nginx, path.join(work, `engine-${mode}.duckdb`), mode, '1GB']);
    times.push(Number(m.result.elapsedMs));
    rss = Math.max(rss, m.peakRssMb);
  }
  lineRows.push({ insert: labels[mode], memory_limit: '1GB', 's': seconds(times), 'rows/s': Math.round(lines / seconds(times)), 'MB/s': nginxMb / seconds(times), 'peak RSS MB': Math.round(rss) });
}
for (const row of lineRows) row.ratio = Number(row.s) / Number(lineRows[0]!.s);
printTable('What _ls_line costs: the access-log INSERT alone, one transaction, memory_limit 1 GB', lineRows);

saveResults('formats', { lines, runs, import: ratioRows, lineNumbers: lineRows });
fs.rmSync(work, { recursive: true, force: true });
