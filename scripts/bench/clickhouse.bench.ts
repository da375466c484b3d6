import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { openAppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import { ChartQuery } from '../../src/shared/charts/spec';
import { buildClickHouseChartQuery, buildClickHouseHistogramWidthQuery, clickhouseCapabilities, histogramWidth } from '../../src/shared/sql/dialect/charts';
import { startClickHouse } from '../../test/servers/clickhouse';
import { benchCharts } from './dashboardQueries';
import { printTable, saveResults, syntheticLog } from './lib';

/**
 * The ClickHouse side (issue 21), against the test server of `test/servers/clickhouse`
 * (Debian's 18.16, on loopback, in a temporary folder), at sizes up to 1 M rows:
 * - import: Logscope's push of an imported dataset (reading the local copy, hashing,
 *   streaming JSONEachRow) against a bare `@clickhouse/client` insert of the same rows
 *   (already in memory, so the bare side is timed on the insert alone), as rows/s and ratio;
 * - the dashboard's eight standard charts through Logscope's dashboard service on the
 *   linked dataset, against the same ClickHouse SQL (built from the service's own plans)
 *   run bare, as a ratio;
 * - the crossover: the size at which ClickHouse's dashboard is faster than the embedded
 *   DuckDB one on this machine. Reported, not asserted. In one process (the server is a
 *   child of it), rounds alternated, medians.
 * `LOGSCOPE_BENCH_CH_LINES=100000,300000,1000000` sets the sizes.
 */
const sizes = (process.env.LOGSCOPE_BENCH_CH_LINES ?? '100000,300000,1000000').split(',').map(Number);
const rounds = Number(process.env.LOGSCOPE_BENCH_ROUNDS ?? 3);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const server = await startClickHouse();
const bare = createClient({ url: server.url, username: server.admin.user, password: server.admin.password, request_timeout: 600_000 });
// JSONCompact, as Logscope asks: 18.16 has no JSONCompactEachRow.
const version = (await (await bare.query({ query: 'SELECT version()', format: 'JSONCompact' })).json<[string]>()).data[0]![0];
const capabilities = clickhouseCapabilities(version);
const results: Record<string, number | string>[] = [];

try {
  for (const lines of sizes) {
    const csv = await syntheticLog('csv', lines);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-ch-'));
    const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit: '1GB' });
    if ('served' in core) throw new Error('expected to own the data folder');
    try {
      const api = createLocalApi(core.rpc, core.events);
      const name = `svc_${lines}`;
      const [item] = await api.call('import.run', { jobId: 'bench', files: [{ file: { path: csv }, options: { dataset: { kind: 'new', name } } }], origin: 'command' });
      if (!item?.ok) throw new Error(`import failed: ${JSON.stringify(item?.error)}`);
      const datasetId = item.result.datasetId!;
      const queries = benchCharts().map((q) => ChartQuery.parse({ ...q, datasetId }));
      const dashboard = () => Promise.all(queries.map((q) => api.call('dashboard.chart', q)));
      await dashboard(); // warm: roles, the endpoint index
      const duckdbMs: number[] = [];
      for (let r = 0; r < rounds; r++) duckdbMs.push(await timed(dashboard));

      await api.call('engines.create', { name: 'bench', url: server.url, user: server.admin.user, secret: { store: 'file', path: path.join(dataDir, 'bench.pw'), password: server.admin.password } });
      const pushMs = await timed(() => api.call('engines.push', { name: 'bench', dataset: name }));

      // The same rows, as the server holds them, inserted bare into a table of the same shape.
      const ddl = (await server.exec(`SHOW CREATE TABLE ${name}`)).trim().replaceAll("\\'", "'").replace(`default.${name}`, `default.bare_${name}`);
      await server.exec(ddl);
      const rows = await (await bare.query({ query: `SELECT * FROM ${name}`, format: 'JSONEachRow' })).json<Record<string, unknown>>();
      const bareInsertMs = await timed(() => bare.insert({ table: `bare_${name}`, values: rows, format: 'JSONEachRow' }));

      // The dashboard's ClickHouse statements, from the plans the service makes.
      const statements: string[] = [];
      for (const q of queries) {
        const plan = await core.dashboard.chartPlan(q, new AbortController().signal);
        let histogramWidthMs: number | undefined;
        if (plan.chart === 'histogram' && !plan.options.logScale) {
          const widthSql = buildClickHouseHistogramWidthQuery(plan, { table: name, capabilities });
          statements.push(widthSql);
          const [raw] = (await (await bare.query({ query: widthSql, format: 'JSONCompact' })).json<[number | null, number]>()).data;
          histogramWidthMs = histogramWidth(raw && Number(raw[1]) > 0 && raw[0] !== null ? Number(raw[0]) : null);
        }
        statements.push(buildClickHouseChartQuery(plan, { table: name, capabilities, ...(histogramWidthMs === undefined ? {} : { histogramWidthMs }) }).sql);
      }
      const bareDashboard = () => Promise.all(statements.map(async (query) => (await bare.query({ query, format: 'JSONCompact' })).json()));
      await Promise.all([dashboard(), bareDashboard()]);
      const clickhouseMs: number[] = [];
      const bareMs: number[] = [];
      for (let r = 0; r < rounds; r++) {
        clickhouseMs.push(await timed(dashboard));
        bareMs.push(await timed(bareDashboard));
      }
      await server.exec(`DROP TABLE ${name}`);
      await server.exec(`DROP TABLE bare_${name}`);
      results.push({
        rows: lines,
        'push rows/s': Math.round(lines / (pushMs / 1000)),
        'bare insert rows/s': Math.round(lines / (bareInsertMs / 1000)),
        'import ratio': Number((pushMs / bareInsertMs).toFixed(2)),
        'ClickHouse dashboard ms': Math.round(median(clickhouseMs)),
        'bare ClickHouse ms': Math.round(median(bareMs)),
        'query ratio': Number((median(clickhouseMs) / median(bareMs)).toFixed(2)),
        'DuckDB dashboard ms': Math.round(median(duckdbMs)),
      });
    } finally {
      await core.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await bare.close();
  await server.stop();
}

const crossover = results.find((r) => Number(r['ClickHouse dashboard ms']) < Number(r['DuckDB dashboard ms']));
printTable(`ClickHouse ${version} on loopback vs embedded DuckDB (goals: import ≤ 1.15×, queries ≤ 1.2×)`, results);
console.log(crossover ? `\ncrossover: ClickHouse's dashboard is faster from ${crossover.rows} rows` : `\ncrossover: none up to ${sizes[sizes.length - 1]} rows (DuckDB faster at every size)`);
saveResults('clickhouse', { version, results, crossoverRows: crossover ? crossover.rows : null });
