import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { lastPeriod } from '../../src/shared/report/period';
import { openOwnedCore, tempDataDir } from './support/dataDir';

/**
 * "Last 24 h" is one window, half-open, for the dashboard and the report (issue 18: they
 * counted 3,091 and 3,090 rows): the dashboard's period buttons take `lastPeriod`, the
 * report resolves its period with it, and both count the rows DuckDB counts in it.
 */
const dataDir = tempDataDir('logscope-window-');
let core: AppCore;
let api: Api;

beforeAll(async () => {
  core = await openOwnedCore(dataDir, { seedDemo: true });
  api = createLocalApi(core.rpc, core.events);
});
afterAll(async () => {
  await core?.dispose();
});

describe('one window for the dashboard and the report', () => {
  it.each([
    ['24h', 'Asia/Seoul'],
    ['7d', 'Asia/Kolkata'],
    ['24h', 'UTC'],
  ] as const)('counts the same rows for the last %s in %s as the report and as DuckDB', async (kind, zone) => {
    const demo = (await api.call('datasets.list', {})).find((d) => d.name === 'demo_service')!;
    const { range } = lastPeriod(kind, demo.timeMax!, new Date(), zone);
    const from = new Date(range.fromMs).toISOString();
    const to = new Date(range.toMs).toISOString();

    // The dashboard: what "Last 24 h" puts in the filter state, counted by a chart and by the Rows grid.
    const chart = await api.call('dashboard.chart', { datasetId: demo.id, chart: 'status', zone, range: { from, to }, widthPx: 1000 });
    const grid = await api.call('dashboard.rows', { datasetId: demo.id, zone, range: { from, to }, limit: 1 });
    // The report of the same period, made now.
    const report = await api.call('reports.preview', { spec: { datasetId: demo.id, period: { kind }, zone, language: 'en' } });
    // DuckDB on its own, half-open.
    const counted = await api.call('query.run', { sql: `SELECT count(*) FROM demo_service WHERE time >= TIMESTAMPTZ '${from}' AND time < TIMESTAMPTZ '${to}'`, limit: 1 });

    const rows = Number(counted.rows[0]![0]);
    expect(rows).toBeGreaterThan(1000);
    expect(report.range).toEqual({ from, to });
    expect(chart.covered).toBe(rows);
    expect(grid.total).toBe(rows);
    expect(report.figures.events).toBe(rows);
  });
});
