import path from 'node:path';
import { benchDir, measureChild, printTable, repoRoot, saveResults, syntheticLog } from './lib';
import { dataFolderLayout } from '../../src/main/services/dataFolder/paths';

/**
 * The service dashboard (issue 6) on the 5-million-line synthetic CSV:
 * - the whole dashboard's queries through Logscope (contract, dashboard service) against the
 *   same SQL issued bare through @duckdb/node-api, in the same run, and their ratio;
 * - the time from a filter change to the last chart updated (service level, with the
 *   superseded charts cancelled);
 * - bucketing in the user's zone against plain UTC TIMESTAMP (goal: at most 1.2 times);
 * - the six typical queries, and import plus those queries against the reference
 *   figures the issue quotes for DuckDB, pandas, lnav and GoAccess (those tools are not
 *   installed here and cannot be: no PyPI, no package downloads; their figures are quoted,
 *   not measured).
 * The data is loaded with the bare engine (`LOGSCOPE_BENCH_IMPORT=importer` uses Logscope's
 * importer instead).
 */
const lines = Number(process.env.LOGSCOPE_BENCH_LINES ?? 5_000_000);
const importMode = process.env.LOGSCOPE_BENCH_IMPORT === 'importer' ? 'importer' : 'engine';
const rounds = process.env.LOGSCOPE_BENCH_ROUNDS ?? '5';
const memoryLimit = process.env.LOGSCOPE_BENCH_MEMORY ?? '8GB';
const worker = (name: string) => path.join(repoRoot, 'scripts/bench/workers', name);
const dataDir = path.join(benchDir, 'work-dashboard', `data-${lines}`);
const sqlFile = path.join(benchDir, 'work-dashboard', 'statements.json');

const csv = await syntheticLog('csv', lines);
const loaded = await measureChild(worker('dashboardImport.ts'), [importMode, dataDir, csv, memoryLimit]);
const importMs = Number(loaded.result.importMs);

type Logscope = {
  rolesMs: number;
  firstEndpointsMs: number;
  coldDashboardMs: number;
  dashboardMs: number;
  plainDashboardMs: number;
  singleConnectionMs: number;
  plainSequentialMs: number;
  perChartMs: Record<string, number>;
  plainPerChartMs: Record<string, number>;
  filterChangeMs: number;
  filterAloneMs: number;
  sixMs: Record<string, number>;
  sixPlainMs: Record<string, number>;
};
type Bare = { sequentialMs: number; twoConnectionsMs: number; perChartMs: Record<string, number>; sixMs: Record<string, number>; tzMs: Record<string, number> };

// Alternate the two sides, so neither has the warmer cache throughout.
const logscopeRuns: Logscope[] = [];
const bareRuns: Bare[] = [];
for (let pass = 0; pass < 2; pass++) {
  logscopeRuns.push((await measureChild(worker('dashboardLogscope.ts'), [dataDir, sqlFile, rounds, memoryLimit])).result as unknown as Logscope);
  bareRuns.push((await measureChild(worker('dashboardBare.ts'), [dataFolderLayout(dataDir).databaseFile, sqlFile, rounds, memoryLimit])).result as unknown as Bare);
}
const mid = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const of = <T>(runs: T[], pick: (run: T) => number) => mid(runs.map(pick));
const logscope = {
  dashboardMs: of(logscopeRuns, (r) => r.dashboardMs),
  plainDashboardMs: of(logscopeRuns, (r) => r.plainDashboardMs),
  singleConnectionMs: of(logscopeRuns, (r) => r.singleConnectionMs),
  plainSequentialMs: of(logscopeRuns, (r) => r.plainSequentialMs),
  filterChangeMs: of(logscopeRuns, (r) => r.filterChangeMs),
  filterAloneMs: of(logscopeRuns, (r) => r.filterAloneMs),
};
const bare = { sequentialMs: of(bareRuns, (r) => r.sequentialMs), twoConnectionsMs: of(bareRuns, (r) => r.twoConnectionsMs) };
const first = logscopeRuns[0]!;
const s = (ms: number) => ms / 1000;

printTable(`Loading ${lines.toLocaleString('en-US')} CSV lines (${importMode === 'engine' ? 'bare engine, read_csv' : "Logscope's importer"})`, [
  { what: 'import', s: s(importMs), rows: Number(loaded.result.rows), 'peak RSS MB': Math.round(loaded.peakRssMb) },
]);

printTable('The whole dashboard (8 charts, Asia/Seoul, whole range), warm', [
  { what: 'Logscope: all charts at once, as the UI asks (2 connections)', s: s(logscope.dashboardMs) },
  { what: 'bare, interleaved in the same process: the same SQL on 2 connections', s: s(logscope.plainDashboardMs) },
  { what: 'ratio Logscope / bare (goal ≤ 1.2)', s: logscope.dashboardMs / logscope.plainDashboardMs },
  { what: 'Logscope: all at once on 1 connection', s: s(logscope.singleConnectionMs) },
  { what: 'bare, interleaved: one after another on 1 connection', s: s(logscope.plainSequentialMs) },
  { what: 'ratio Logscope / bare, 1 connection', s: logscope.singleConnectionMs / logscope.plainSequentialMs },
  { what: 'bare in its own process (node-api defaults), 2 connections', s: s(bare.twoConnectionsMs) },
  { what: 'bare in its own process, 1 connection', s: s(bare.sequentialMs) },
]);

printTable('Per chart, one at a time (warm, interleaved)', Object.keys(first.perChartMs).map((chart) => {
  const l = of(logscopeRuns, (r) => r.perChartMs[chart]!);
  const b = of(logscopeRuns, (r) => r.plainPerChartMs[chart]!);
  const own = of(bareRuns, (r) => r.perChartMs[chart]!);
  return { chart, 'Logscope s': s(l), 'bare s': s(b), ratio: l / b, 'bare, own process s': s(own) };
}));

printTable('Opening and filtering', [
  { what: 'detect column roles (1,000-row sample)', s: s(first.rolesMs) },
  { what: 'first endpoint chart (builds the endpoint index once)', s: s(first.firstEndpointsMs) },
  { what: 'first whole dashboard after that', s: s(first.coldDashboardMs) },
  { what: 'filter change → last chart updated (previous charts cancelled)', s: s(logscope.filterChangeMs) },
  { what: 'the same filtered dashboard with nothing to cancel', s: s(logscope.filterAloneMs) },
]);

const tzRows: Record<string, string | number>[] = [];
const tzNames = [...new Set(Object.keys(bareRuns[0]!.tzMs).map((k) => k.split('|')[0]!))].filter((n) => !n.startsWith('ICU'));
for (const name of tzNames) {
  const utc = of(bareRuns, (r) => r.tzMs[`${name}|UTC`]!);
  const plain = of(bareRuns, (r) => r.tzMs[`${name}|plain`]!);
  for (const zone of ['Asia/Seoul', 'America/New_York']) {
    const zoned = of(bareRuns, (r) => r.tzMs[`${name}|${zone}`]!);
    tzRows.push({ query: name, zone, 'zone s': s(zoned), 'UTC s': s(utc), 'plain TIMESTAMP s': s(plain), 'zone / UTC': zoned / utc, 'zone / plain': zoned / plain });
  }
}
const icu = of(bareRuns, (r) => r.tzMs['ICU: events per hour in Seoul|plain']!);
const plainHour = of(bareRuns, (r) => r.tzMs['events per hour|plain']!);
tzRows.push({ query: 'events per hour via ICU (timezone() per row)', zone: 'Asia/Seoul', 'zone s': s(icu), 'plain TIMESTAMP s': s(plainHour), 'zone / plain': icu / plainHour });
printTable('Bucketing in the user’s zone (bare engine, the service’s SQL) — goal ≤ 1.2 × plain TIMESTAMP', tzRows);

const sixRows: Record<string, string | number>[] = Object.keys(first.sixMs).map((name) => {
  const l = of(logscopeRuns, (r) => r.sixMs[name]!);
  const b = of(logscopeRuns, (r) => r.sixPlainMs[name]!);
  return { query: name, 'Logscope s': s(l), 'bare s': s(b), ratio: l / b, 'bare, own process s': s(of(bareRuns, (r) => r.sixMs[name]!)) };
});
const sixLogscope = sixRows.reduce((sum, r) => sum + Number(r['Logscope s']), 0);
const sixBare = sixRows.reduce((sum, r) => sum + Number(r['bare s']), 0);
sixRows.push({ query: 'all six', 'Logscope s': sixLogscope, 'bare s': sixBare, ratio: sixLogscope / sixBare });
printTable('The six typical queries (UTC)', sixRows);

// Quoted from the issue ("measured on this kind of machine"); not measured here.
const reference = { duckdb: 5.9, duckdbPlain: 3.6, pandas: 30.4, lnav: 66, goaccess: 82 };
const total = s(importMs) + sixLogscope;
printTable('Import + six queries against the issue’s reference figures (quoted, not measured here)', [
  { what: `Logscope (import ${importMode} + six queries), this machine`, s: total },
  { what: 'DuckDB, quoted (plain TIMESTAMP: 3.6 s)', s: reference.duckdb, 'Logscope faster by': reference.duckdb / total },
  { what: 'pandas read_csv + queries, quoted (goal ≥ 6×)', s: reference.pandas, 'Logscope faster by': reference.pandas / total },
  { what: 'lnav, quoted (goal ≥ 8×)', s: reference.lnav, 'Logscope faster by': reference.lnav / total },
  { what: 'GoAccess, quoted (goal ≥ 8×)', s: reference.goaccess, 'Logscope faster by': reference.goaccess / total },
]);

saveResults('dashboard', {
  lines,
  importMode,
  importMs,
  logscope: logscopeRuns,
  bare: bareRuns,
  summary: {
    dashboardRatio: logscope.dashboardMs / logscope.plainDashboardMs,
    singleConnectionRatio: logscope.singleConnectionMs / logscope.plainSequentialMs,
    dashboardRatioAgainstOwnProcess: logscope.dashboardMs / bare.twoConnectionsMs,
    filterChangeMs: logscope.filterChangeMs,
    tz: tzRows,
    six: sixRows,
    importPlusSixSeconds: total,
    reference,
  },
});
