// Each chart of the scale part's dashboard alone, whole range and brushed (the last tenth),
// scanning the rows and with the per-minute summary: which chart reads what, and where a
// brush's time goes. Median of the rounds, from the service call to the chart's data, both
// through the dashboard service the same way (the API's own cost is in scaleDashboard.ts).
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
const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit, dashboardSummaryMinReduction: 0 });
if ('served' in core) throw new Error('data folder is served elsewhere');
const dataset = (await createLocalApi(core.rpc, core.events).call('datasets.list', {})).find((d) => d.name === 'bench_service');
if (!dataset?.timeMin || !dataset.timeMax) throw new Error('no bench_service dataset with times: run the import first');
const datasetId = dataset.id;
const end = Date.parse(dataset.timeMax) + 1;
const lastTenth = { from: new Date(end - (end - Date.parse(dataset.timeMin)) / 10).toISOString(), to: new Date(end).toISOString() };
type Query = Omit<ChartQueryInput, 'datasetId'>;
const signal = new AbortController().signal;
const scan = createDashboardService({ db: core.db, events: core.events, clock: systemClock, log: silentLogger, summaries: false });
await core.dashboard.prepareSummary(datasetId);

async function timed(ask: (q: Query) => Promise<{ approximate: boolean }>, q: Query) {
  await ask(q); // warm: the endpoint index, the context
  const ms: number[] = [];
  let approximate = false;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    approximate = (await ask(q)).approximate;
    ms.push(performance.now() - started);
  }
  return { ms: median(ms), approximate };
}
const viaScan = (q: Query) => scan.chart(ChartQuerySchema.parse({ ...q, datasetId }), signal);
const viaSummary = (q: Query) => core.dashboard.chart(ChartQuerySchema.parse({ ...q, datasetId }), signal);
const charts: Record<string, unknown>[] = [];
for (const q of benchCharts()) {
  const brushed = { ...q, range: lastTenth };
  const row: Record<string, unknown> = { chart: q.chart };
  row.scanMs = (await timed(viaScan, q)).ms;
  row.scanBrushMs = (await timed(viaScan, brushed)).ms;
  const summary = await timed(viaSummary, q);
  row.summaryMs = summary.ms;
  row.summaryBrushMs = (await timed(viaSummary, brushed)).ms;
  charts.push(row);
}
await scan.dispose();
await core.dispose();
finishChild({ rows: dataset.rows, charts });
