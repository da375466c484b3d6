import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { benchDir, dataDir, measureChild, printTable, repoRoot, saveResults } from './lib';
import { defaultMemoryLimit } from '../../src/main/app';

/**
 * How Logscope grows with the log (issue 19, item 5): `npm run bench -- --scale` imports
 * synthetic CSVs of 0.5 M and 5 M rows (50 M too with `--50m` or LOGSCOPE_BENCH_50M=1,
 * about 12 GB on disk), each through the bare engine and through Logscope's importer at
 * the default memory limit, then opens the dashboard on Logscope's copy and runs the same
 * statements bare. Prints times beside the bare engine as ratios, peak RSS, and how each
 * figure grew from the step before (rows ×10 → time ×10 is linear).
 * The inputs come from `npm run gen` and are kept in bench-output/data for later runs.
 */
const huge = process.argv.includes('--50m') || process.env.LOGSCOPE_BENCH_50M === '1';
/** LOGSCOPE_BENCH_STEPS=500000,2000000 picks other sizes (a loaded machine, a quick look). */
const chosenSteps = process.env.LOGSCOPE_BENCH_STEPS?.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const steps = chosenSteps?.length ? chosenSteps : [500_000, 5_000_000, ...(huge ? [50_000_000] : [])];
const memoryLimit = process.env.LOGSCOPE_MEMORY_LIMIT ?? defaultMemoryLimit();
const rounds = process.env.LOGSCOPE_BENCH_ROUNDS ?? '3';
const work = path.join(benchDir, 'work-scale');
const worker = (name: string) => path.join(repoRoot, 'scripts/bench/workers', name);

/** The step's CSV, written by `npm run gen` once. */
function generated(lines: number): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `scale-${lines}.csv`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial`;
  const gen = spawnSync('npm', ['run', '--silent', 'gen', '--', '--lines', String(lines), '--format', 'csv', '--out', partial], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (gen.status !== 0) throw new Error(`npm run gen failed for ${lines} lines`);
  fs.renameSync(partial, file);
  return file;
}

interface Step {
  rows: number;
  fileMb: number;
  bareImportMs: number;
  importMs: number;
  bareRssMb: number;
  importRssMb: number;
  firstChartMs: number;
  coldDashboardMs: number;
  warmDashboardMs: number;
  bareWarmMs: number;
  brushMs: number;
  bareBrushMs: number;
  dashboardRssMb: number;
  summaryBuildMs: number;
  summaryRows: number;
  summaryFirstChartMs: number;
  summaryColdDashboardMs: number;
  summaryWarmDashboardMs: number;
  summaryBrushMs: number;
  charts: ChartTimes[];
}

/** One chart alone, whole range and brushed, scanning and with the summary (scaleCharts.ts). */
interface ChartTimes {
  chart: string;
  scanMs: number;
  scanBrushMs: number;
  summaryMs: number;
  summaryBrushMs: number;
}

const measured: Step[] = [];
for (const lines of steps) {
  const file = generated(lines);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const bare = await measureChild(worker('bareImport.ts'), ['csv', file, path.join(work, 'bare.duckdb'), memoryLimit]);
  fs.rmSync(path.join(work, 'bare.duckdb'), { force: true });
  const folder = path.join(work, 'logscope');
  const imported = await measureChild(worker('dashboardImport.ts'), ['importer', folder, file, memoryLimit]);
  const shown = await measureChild(worker('scaleDashboard.ts'), [folder, memoryLimit, rounds]);
  const each = await measureChild(worker('scaleCharts.ts'), [folder, memoryLimit, rounds]);
  const n = (v: unknown) => Number(v);
  measured.push({
    rows: n(imported.result.rows),
    fileMb: fs.statSync(file).size / 1e6,
    bareImportMs: n(bare.result.elapsedMs),
    importMs: n(imported.result.importMs),
    bareRssMb: bare.peakRssMb,
    importRssMb: imported.peakRssMb,
    firstChartMs: n(shown.result.firstChartMs),
    coldDashboardMs: n(shown.result.coldDashboardMs),
    warmDashboardMs: n(shown.result.warmDashboardMs),
    bareWarmMs: n(shown.result.bareWarmMs),
    brushMs: n(shown.result.brushMs),
    bareBrushMs: n(shown.result.bareBrushMs),
    dashboardRssMb: shown.peakRssMb,
    summaryBuildMs: n(shown.result.summaryBuildMs),
    summaryRows: n(shown.result.summaryRows),
    summaryFirstChartMs: n(shown.result.summaryFirstChartMs),
    summaryColdDashboardMs: n(shown.result.summaryColdDashboardMs),
    summaryWarmDashboardMs: n(shown.result.summaryWarmDashboardMs),
    summaryBrushMs: n(shown.result.summaryBrushMs),
    charts: each.result.charts as ChartTimes[],
  });
}
fs.rmSync(work, { recursive: true, force: true });

const s = (ms: number) => ms / 1000;
printTable(`Import, CSV, memory_limit ${memoryLimit} (goal: ratio ≤ 1.15, peak RSS < 2 GB)`, measured.map((m) => ({
  rows: m.rows,
  'file MB': Math.round(m.fileMb),
  'bare s': s(m.bareImportMs),
  'Logscope s': s(m.importMs),
  ratio: m.importMs / m.bareImportMs,
  'peak RSS bare MB': Math.round(m.bareRssMb),
  'peak RSS Logscope MB': Math.round(m.importRssMb),
})));
printTable('Dashboard scanning the rows, from the call to the last chart (goal on 50 M: first chart ≤ 1 s, brush ≤ 0.3 s)', measured.map((m) => ({
  rows: m.rows,
  'first chart s': s(m.firstChartMs),
  'cold s': s(m.coldDashboardMs),
  'warm s': s(m.warmDashboardMs),
  'bare s': s(m.bareWarmMs),
  ratio: m.warmDashboardMs / m.bareWarmMs,
  'brush s': s(m.brushMs),
  'bare brush s': s(m.bareBrushMs),
  'brush ratio': m.brushMs / m.bareBrushMs,
  'peak RSS MB': Math.round(m.dashboardRssMb),
})));
printTable('Dashboard with the per-minute summary (time-only charts read it; endpoints and histogram still scan), same run', measured.map((m) => ({
  rows: m.rows,
  'summary rows': m.summaryRows,
  'rows / summary rows': m.rows / m.summaryRows,
  'build s': s(m.summaryBuildMs),
  'first chart s': s(m.summaryFirstChartMs),
  'cold s': s(m.summaryColdDashboardMs),
  'warm s': s(m.summaryWarmDashboardMs),
  'brush s': s(m.summaryBrushMs),
  'first chart ×': m.summaryFirstChartMs / m.firstChartMs,
  'warm ×': m.summaryWarmDashboardMs / m.warmDashboardMs,
  'brush ×': m.summaryBrushMs / m.brushMs,
})));
printTable('Each chart alone, from the call to its data (the summary reads only time-only charts: events, latency, errors, status, heatmap)', measured.flatMap((m) => m.charts.map((c) => ({
  rows: m.rows,
  chart: c.chart,
  'scan ms': Math.round(c.scanMs),
  'scan brush ms': Math.round(c.scanBrushMs),
  'summary ms': Math.round(c.summaryMs),
  'summary brush ms': Math.round(c.summaryBrushMs),
}))));
const growth = measured.slice(1).map((m, i) => {
  const before = measured[i]!;
  const by = (pick: (step: Step) => number) => pick(m) / pick(before);
  return {
    step: `${before.rows.toLocaleString('en-US')} → ${m.rows.toLocaleString('en-US')}`,
    'rows ×': by((x) => x.rows),
    'import ×': by((x) => x.importMs),
    'bare import ×': by((x) => x.bareImportMs),
    'import RSS ×': by((x) => x.importRssMb),
    'dashboard ×': by((x) => x.warmDashboardMs),
    'brush ×': by((x) => x.brushMs),
    'summary first chart ×': by((x) => x.summaryFirstChartMs),
    'summary warm ×': by((x) => x.summaryWarmDashboardMs),
    'summary brush ×': by((x) => x.summaryBrushMs),
  };
});
if (growth.length) printTable('Growth per step (linear: the same factor as rows; flat: 1)', growth);
saveResults('scale', { memoryLimit, rounds: Number(rounds), steps: measured, growth });
