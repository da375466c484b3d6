// The dashboard of the `scale` part on a data folder that dashboardImport.ts filled: the
// first chart and the whole dashboard after opening the dataset, the same warm, and a
// brushed range (the last tenth of the time range), each from the API call to the last
// chart's data; then the very statements on plain connections of the same database.
// Twice: scanning the rows (a dashboard service without summaries, on the same database)
// and with the per-minute summary (issue 19), built once and timed, then read warm and,
// after reopening the data folder, cold.
import { openAppCore } from '../../../src/main/app';
import { createLocalApi } from '../../../src/main/transport/local';
import { ChartQuery as ChartQuerySchema, type ChartQueryInput } from '../../../src/shared/charts/spec';
import { benchCharts } from '../dashboardQueries';
import { finishChild, median } from '../lib';
import { createDashboardService } from '../../../src/main/services/dashboard/dashboard';
import { systemClock } from '../../../src/main/services/clock';
import { silentLogger } from '../../../src/main/services/logger';

const [dataDir, memoryLimit, roundsText = '3'] = process.argv.slice(2) as [string, string, string?];
const rounds = Number(roundsText);
async function open() {
  // The summary is read at any size here (the app reads it once it is 4× smaller than the rows), to compare.
  const opened = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit, dashboardSummaryMinReduction: 0 });
  if ('served' in opened) throw new Error('data folder is served elsewhere');
  return opened;
}
let core = await open();
let api = createLocalApi(core.rpc, core.events);
const dataset = (await api.call('datasets.list', {})).find((d) => d.name === 'bench_service');
if (!dataset?.timeMin || !dataset.timeMax) throw new Error('no bench_service dataset with times: run the import first');
const datasetId = dataset.id;
const end = Date.parse(dataset.timeMax) + 1;
const lastTenth = { from: new Date(end - (end - Date.parse(dataset.timeMin)) / 10).toISOString(), to: new Date(end).toISOString() };

type Query = Omit<ChartQueryInput, 'datasetId'>;
const charts = benchCharts();
const brushed: Query[] = charts.map((q) => ({ ...q, range: lastTenth }));

const signal = new AbortController().signal;
/** The scan: the same service without summaries, called as the API handler calls it. */
let scanService = createDashboardService({ db: core.db, events: core.events, clock: systemClock, log: silentLogger, summaries: false });
type Ask = (q: Query) => Promise<unknown>;
const viaApi: Ask = (q) => api.call('dashboard.chart', { ...q, datasetId });
const viaScan: Ask = (q) => scanService.chart(ChartQuerySchema.parse({ ...q, datasetId }), signal);

/** Every chart at once, as the dashboard asks; ms to the first and to the last result. */
async function dashboard(queries: Query[], ask: Ask = viaApi): Promise<{ firstMs: number; lastMs: number }> {
  const started = performance.now();
  let firstMs = Infinity;
  await Promise.all(
    queries.map((q) =>
      ask(q).then(() => {
        firstMs = Math.min(firstMs, performance.now() - started);
      }),
    ),
  );
  return { firstMs, lastMs: performance.now() - started };
}

// Scan first, before anything builds the summary.
const cold = await dashboard(charts, viaScan);
const warm: number[] = [];
const brush: number[] = [];
for (let r = 0; r < rounds; r++) {
  warm.push((await dashboard(charts, viaScan)).lastMs);
  brush.push((await dashboard(brushed, viaScan)).lastMs);
}

const buildStarted = performance.now();
await core.dashboard.prepareSummary(datasetId);
const summaryBuildMs = performance.now() - buildStarted;
const summaryRows = Number((await (await core.db.connection('catalog')).all(`SELECT count(*) FROM logscope."summary_${datasetId}"`)).rows[0]?.[0]);
const summaryWarm: number[] = [];
const summaryBrush: number[] = [];
const summaryBrushFirst: number[] = [];
for (let r = 0; r < rounds; r++) {
  summaryWarm.push((await dashboard(charts)).lastMs);
  const b = await dashboard(brushed);
  summaryBrush.push(b.lastMs);
  summaryBrushFirst.push(b.firstMs);
}

// The same SQL, bare: two plain connections, as many as the dashboard service uses.
const sqlOf = (queries: Query[]) => Promise.all(queries.map((q) => scanService.chartSql(ChartQuerySchema.parse({ ...q, datasetId }), signal)));
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
await scanService.dispose();
await core.dispose();

// Opening the dataset again, its summary on disk: what a user sees the next time.
core = await open();
api = createLocalApi(core.rpc, core.events);
scanService = createDashboardService({ db: core.db, events: core.events, clock: systemClock, log: silentLogger, summaries: false });
const summaryCold = await dashboard(charts);
await scanService.dispose();
await core.dispose();

finishChild({
  rows: dataset.rows,
  firstChartMs: cold.firstMs,
  coldDashboardMs: cold.lastMs,
  warmDashboardMs: median(warm),
  brushMs: median(brush),
  bareWarmMs: median(bareWarm),
  bareBrushMs: median(bareBrush),
  summaryBuildMs,
  summaryRows,
  summaryFirstChartMs: summaryCold.firstMs,
  summaryColdDashboardMs: summaryCold.lastMs,
  summaryWarmDashboardMs: median(summaryWarm),
  summaryBrushMs: median(summaryBrush),
  summaryBrushFirstMs: median(summaryBrushFirst),
});
