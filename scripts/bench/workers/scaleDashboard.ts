// The dashboard of the `scale` part on a data folder that dashboardImport.ts filled: the
// first chart and the whole dashboard after opening the dataset, the same warm, and a
// brushed range (the last tenth of the time range), each from the API call to the last
// chart's data; then the very statements on plain connections of the same database.
import { openAppCore } from '../../../src/main/app';
import { createLocalApi } from '../../../src/main/transport/local';
import { ChartQuery as ChartQuerySchema, type ChartQueryInput } from '../../../src/shared/charts/spec';
import { benchCharts } from '../dashboardQueries';
import { finishChild, median } from '../lib';

const [dataDir, memoryLimit, roundsText = '3'] = process.argv.slice(2) as [string, string, string?];
const rounds = Number(roundsText);
const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit });
if ('served' in core) throw new Error('data folder is served elsewhere');
const api = createLocalApi(core.rpc, core.events);
const dataset = (await api.call('datasets.list', {})).find((d) => d.name === 'bench_service');
if (!dataset?.timeMin || !dataset.timeMax) throw new Error('no bench_service dataset with times: run the import first');
const datasetId = dataset.id;
const end = Date.parse(dataset.timeMax) + 1;
const lastTenth = { from: new Date(end - (end - Date.parse(dataset.timeMin)) / 10).toISOString(), to: new Date(end).toISOString() };

type Query = Omit<ChartQueryInput, 'datasetId'>;
const charts = benchCharts();
const brushed: Query[] = charts.map((q) => ({ ...q, range: lastTenth }));

/** Every chart at once, as the dashboard asks; ms to the first and to the last result. */
async function dashboard(queries: Query[]): Promise<{ firstMs: number; lastMs: number }> {
  const started = performance.now();
  let firstMs = Infinity;
  await Promise.all(
    queries.map((q) =>
      api.call('dashboard.chart', { ...q, datasetId }).then(() => {
        firstMs = Math.min(firstMs, performance.now() - started);
      }),
    ),
  );
  return { firstMs, lastMs: performance.now() - started };
}

const cold = await dashboard(charts);
const warm: number[] = [];
const brush: number[] = [];
for (let r = 0; r < rounds; r++) {
  warm.push((await dashboard(charts)).lastMs);
  brush.push((await dashboard(brushed)).lastMs);
}

// The same SQL, bare: two plain connections, as many as the dashboard service uses.
const signal = new AbortController().signal;
const sqlOf = (queries: Query[]) => Promise.all(queries.map((q) => core.dashboard.chartSql(ChartQuerySchema.parse({ ...q, datasetId }), signal)));
const plain = [await core.db.connect(), await core.db.connect()];
for (const c of plain) await c.run(`SET enable_progress_bar = false`);
async function bare(statements: Awaited<ReturnType<typeof sqlOf>>): Promise<number> {
  const started = performance.now();
  await Promise.all(plain.map((c, k) => statements.filter((_, i) => i % plain.length === k).reduce((tail, s) => tail.then(() => c.all(s.sql, s.params)).then(() => undefined), Promise.resolve())));
  return performance.now() - started;
}
const bareWarm: number[] = [];
const bareBrush: number[] = [];
for (let r = 0; r < rounds; r++) {
  bareWarm.push(await bare(await sqlOf(charts)));
  bareBrush.push(await bare(await sqlOf(brushed)));
}
for (const c of plain) c.dispose();
await core.dispose();

finishChild({
  rows: dataset.rows,
  firstChartMs: cold.firstMs,
  coldDashboardMs: cold.lastMs,
  warmDashboardMs: median(warm),
  brushMs: median(brush),
  bareWarmMs: median(bareWarm),
  bareBrushMs: median(bareBrush),
});
