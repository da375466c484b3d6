// The dashboard through Logscope: the contract (validation, the RPC server) and the
// dashboard service with its connections, endpoint index and result conversion. Writes the
// SQL it ran to a file, so the bare worker issues exactly the same statements.
import fs from 'node:fs';
import { openAppCore } from '../../../src/main/app';
import { createLocalApi } from '../../../src/main/transport/local';
import { createDashboardService } from '../../../src/main/services/dashboard/dashboard';
import { systemClock } from '../../../src/main/services/clock';
import { silentLogger } from '../../../src/main/services/logger';
import type { ChartQuery, ChartQueryInput as FullQueryInput } from '../../../src/shared/charts/spec';
import { ChartQuery as ChartQuerySchema } from '../../../src/shared/charts/spec';
import { finishChild, median } from '../lib';

/** A chart query of the bench dataset (its id is added here). */
type ChartQueryInput = Omit<FullQueryInput, 'datasetId'>;
import { benchCharts, sixTypical, tzVariants, type BenchSql } from '../dashboardQueries';

const [dataDir, sqlFile, roundsText = '5', memoryLimit = '8GB'] = process.argv.slice(2) as [string, string, string?, string?];
const rounds = Number(roundsText);
const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit });
if ('served' in core) throw new Error('data folder is served elsewhere');
const api = createLocalApi(core.rpc, core.events);
const dataset = (await api.call('datasets.list', {})).find((d) => d.name === 'bench_service');
if (!dataset) throw new Error('no bench_service dataset: run the import first');
const datasetId = dataset.id;
const last24h = { from: new Date(Date.parse(dataset.timeMax!) + 1 - 24 * 3600_000).toISOString(), to: new Date(Date.parse(dataset.timeMax!) + 1).toISOString() };

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
};
const chart = (query: ChartQueryInput, signal?: AbortSignal) => api.call('dashboard.chart', { ...query, datasetId }, { signal });
const dashboard = (queries: ChartQueryInput[], signal?: AbortSignal) => Promise.all(queries.map((q) => chart(q, signal)));

// Cold: roles (detection on a sample), then the first endpoint chart builds the endpoint index.
const [, rolesMs] = await timed(() => api.call('dashboard.roles', { datasetId }));
const [, firstEndpointsMs] = await timed(() => chart({ chart: 'top-endpoints', zone: 'Asia/Seoul' }));
const [, coldDashboardMs] = await timed(() => dashboard(benchCharts()));

// The same statements on plain connections of the same database, without the contract or
// the service, interleaved with Logscope's runs so both see the same load on the machine
// (two cores, shared: a separate process an hour later would measure the neighbours).
const parse = (q: ChartQueryInput): ChartQuery => ChartQuerySchema.parse({ ...q, datasetId });
const noSignal = new AbortController().signal;
const dashboardSql = await Promise.all(benchCharts().map((q) => core.dashboard.chartSql(parse(q), noSignal)));
const plain = [await core.db.connect(), await core.db.connect()];
for (const c of plain) await c.run(`SET enable_progress_bar = false`);
const plainDashboard = (connections: typeof plain) => {
  const tails = connections.map(() => Promise.resolve());
  return Promise.all(
    dashboardSql.map((q, i) => {
      const c = i % connections.length;
      const next = tails[c]!.then(() => connections[c]!.all(q.sql, q.params)).then(() => undefined);
      tails[c] = next;
      return next;
    }),
  );
};
const single = createDashboardService({ db: core.db, events: core.events, clock: systemClock, log: silentLogger, connections: 1 });

// Warm: the whole dashboard as the UI asks for it (all charts at once), and chart by chart.
const concurrent: number[] = [];
const plainConcurrent: number[] = [];
const singleConnection: number[] = [];
const plainSequential: number[] = [];
const perChart = new Map<string, number[]>();
const plainPerChart = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  concurrent.push((await timed(() => dashboard(benchCharts())))[1]);
  plainConcurrent.push((await timed(() => plainDashboard(plain)))[1]);
  singleConnection.push((await timed(() => Promise.all(benchCharts().map((q) => single.chart(parse(q), noSignal)))))[1]);
  plainSequential.push((await timed(() => plainDashboard([plain[0]!])))[1]);
  for (const [i, query] of benchCharts().entries()) {
    const [, ms] = await timed(() => chart(query));
    perChart.set(query.chart, [...(perChart.get(query.chart) ?? []), ms]);
    const [, plainMs] = await timed(() => plain[0]!.all(dashboardSql[i]!.sql, dashboardSql[i]!.params));
    plainPerChart.set(query.chart, [...(plainPerChart.get(query.chart) ?? []), plainMs]);
  }
}
single.dispose();
for (const c of plain) c.dispose();

// A filter change while the previous state's charts are still running: the old ones are
// aborted (DuckDB interrupts them), the new ones run; time to the last new chart.
const stateB = benchCharts().map((q) => ({ ...q, range: last24h, filters: [{ field: 'statusClass' as const, value: 5 }] }));
const filterChange: number[] = [];
const filterAlone: number[] = [];
for (let r = 0; r < rounds; r++) {
  const controller = new AbortController();
  const stateA = benchCharts().map((q) => ({ ...q, search: { text: `round ${r}`, regex: false } }));
  const inFlight = stateA.map((q) => chart(q, controller.signal));
  await Promise.race(inFlight);
  const started = performance.now();
  controller.abort();
  await dashboard(stateB);
  filterChange.push(performance.now() - started);
  await Promise.allSettled(inFlight);
  filterAlone.push((await timed(() => dashboard(stateB.map((q) => ({ ...q, filters: [{ field: 'statusClass' as const, value: 4 }] })))))[1]);
}

// The six typical queries of the issue, through the service and bare, interleaved.
const six = new Map<string, number[]>();
const sixPlain = new Map<string, number[]>();
const sixSql = await Promise.all(sixTypical().map(({ query }) => core.dashboard.chartSql(parse(query), noSignal)));
const sixConnection = await core.db.connect();
await sixConnection.run(`SET enable_progress_bar = false`);
for (let r = 0; r < rounds; r++) {
  for (const [i, { name, query }] of sixTypical().entries()) {
    const [, ms] = await timed(() => chart(query));
    six.set(name, [...(six.get(name) ?? []), ms]);
    const [, plainMs] = await timed(() => sixConnection.all(sixSql[i]!.sql, sixSql[i]!.params));
    sixPlain.set(name, [...(sixPlain.get(name) ?? []), plainMs]);
  }
}
sixConnection.dispose();

// The statements, for the bare worker.
const sqlOf = async (query: ChartQueryInput) => core.dashboard.chartSql(parse(query), noSignal);
const statements: BenchSql = {
  dashboard: await Promise.all(benchCharts().map(async (q) => ({ name: q.chart, ...(await sqlOf(q)) }))),
  six: await Promise.all(sixTypical().map(async ({ name, query }) => ({ name, ...(await sqlOf(query)) }))),
  tz: await Promise.all(tzVariants().map(async ({ name, zone, query }) => ({ name, zone, ...(await sqlOf(query)) }))),
};
fs.writeFileSync(sqlFile, JSON.stringify(statements, null, 1));
await core.dispose();

const medians = (map: Map<string, number[]>) => Object.fromEntries([...map].map(([k, v]) => [k, median(v)]));
finishChild({
  rolesMs,
  firstEndpointsMs,
  coldDashboardMs,
  dashboardMs: median(concurrent),
  plainDashboardMs: median(plainConcurrent),
  dashboardRuns: concurrent,
  singleConnectionMs: median(singleConnection),
  plainSequentialMs: median(plainSequential),
  perChartMs: medians(perChart),
  plainPerChartMs: medians(plainPerChart),
  filterChangeMs: median(filterChange),
  filterAloneMs: median(filterAlone),
  sixMs: medians(six),
  sixPlainMs: medians(sixPlain),
});
