import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import type { DbConnection } from '../../src/main/services/db/database';
import { aggregates, customChartTypes, type CustomChartSpecInput } from '../../src/shared/charts/customSpec';
import type { DashboardLayoutInput } from '../../src/shared/charts/layout';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { insertDatasetRecord, refreshDatasetStats } from '../../src/main/services/catalog/datasets';
import { openOwnedCore, tempDataDir } from './support/dataDir';

/**
 * Saved dashboards and custom charts (issue 8) through the contract, on a real data
 * folder: the builder's SQL against an independent query, SQL charts confined like the
 * console, files drawn by the main process, and the saved dashboard after a restart.
 */

const dataDir = tempDataDir('logscope-dashboards-');
let core: AppCore;
let api: Api;
let bare: DbConnection;
let demoId: number;
let otherId: number;
const zone = 'Asia/Seoul';

async function open() {
  core = await openOwnedCore(dataDir, { seedDemo: true });
  api = createLocalApi(core.rpc, core.events);
  bare = await core.db.connect();
}
async function close() {
  bare?.dispose();
  await core?.dispose();
}

beforeAll(async () => {
  await open();
  demoId = (await api.call('datasets.list', {})).find((d) => d.name === demoDatasetName)!.id;
  // A second dataset with a Korean name, made with SQL.
  const catalog = await core.db.connection('catalog');
  otherId = await catalog.transaction(async (tx) => {
    await tx.run(`CREATE TABLE main."주문_로그" AS SELECT * FROM main.${demoDatasetName} LIMIT 500`);
    const id = await insertDatasetRecord(tx, { name: '주문_로그', timeColumn: 'time', now: new Date() });
    await refreshDatasetStats(tx, { id, name: '주문_로그', timeColumn: 'time' }, new Date());
    return id;
  });
});
afterAll(close);

const chart = (spec: CustomChartSpecInput, extra: Record<string, unknown> = {}) => api.call('dashboards.chart', { datasetId: demoId, chart: spec, zone, ...extra });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Rows of an independent query on a connection of the test's own. */
async function sql(text: string): Promise<unknown[][]> {
  return (await bare.all(text)).rows.map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('the chart builder', () => {
  it('counts per hour in the user’s zone, by level, as an independent query does', async () => {
    const result = await chart({ kind: 'builder', type: 'stacked-bar', x: { kind: 'time', bucket: 3_600_000 }, groupBy: ['level'] });
    expect(result.xKind).toBe('bucket');
    expect(result.covered).toBe(30_000);
    expect(result.buckets).toHaveLength(7 * 24);
    expect(result.sql).toContain('GROUP BY ALL');
    const expected = await sql(
      `SELECT epoch_ms(date_trunc('hour', time)), level, count(*) FROM main.${demoDatasetName} GROUP BY ALL ORDER BY 1, 2`,
    );
    const order = (rows: unknown[][]) => [...rows].sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])));
    expect(order(result.rows.map((r) => [r[0], r[1], r[3]]))).toEqual(order(expected));
  });

  it('takes the p95 of a column per endpoint under the dashboard’s filter chips', async () => {
    const result = await chart(
      { kind: 'builder', type: 'bar', x: { kind: 'column', column: ['method'] }, y: ['latency_ms'], aggregate: 'p95' },
      { filters: [{ field: 'statusClass', value: 2 }] },
    );
    const expected = await sql(
      `SELECT method, quantile_cont(latency_ms, 0.95) FROM main.${demoDatasetName} WHERE status >= 200 AND status < 300 GROUP BY 1 ORDER BY count(*) DESC, 1`,
    );
    expect(result.rows.map((r) => [r[0], r[3]])).toEqual(expected);
    expect(result.params).toMatchObject({ f0: 200, f1: 300 });
  });

  it('draws every type with every aggregate on real data', async () => {
    for (const type of customChartTypes) {
      for (const aggregate of aggregates) {
        const x = type === 'histogram' ? { kind: 'column' as const, column: ['latency_ms'] } : type === 'pie' ? { kind: 'column' as const, column: ['method'] } : { kind: 'time' as const };
        const result = await chart({
          kind: 'builder',
          type,
          x,
          y: ['latency_ms'],
          aggregate,
          groupBy: type === 'heatmap' || type === 'scatter' ? ['client_ip'] : null,
          filters: [{ column: ['path'], op: 'contains', value: '/API/' }],
        });
        expect(result.rows.length, `${type} ${aggregate}`).toBeGreaterThan(0);
        expect(result.covered, `${type} ${aggregate}`).toBeGreaterThan(0);
      }
    }
  });

  it('says which field is missing or wrong', async () => {
    const heatmap = await failure(chart({ kind: 'builder', type: 'heatmap', x: { kind: 'time' } }));
    expect(heatmap.code).toBe('chart_spec_invalid');
    expect(heatmap.params.reason).toBe('group_required');
    const gone = await failure(chart({ kind: 'builder', type: 'bar', x: { kind: 'column', column: ['no such'] } }));
    expect(gone.code).toBe('column_not_found');
    const instants = await failure(chart({ kind: 'builder', type: 'bar', x: { kind: 'time' }, y: ['time'], aggregate: 'avg' }));
    expect(instants.params).toMatchObject({ reason: 'y_not_numeric', column: 'time' });
  });
});

describe('charts of a console query', () => {
  const levels = `SELECT level, count(*) AS n, avg(latency_ms) AS "평균 ms" FROM ${demoDatasetName} GROUP BY level ORDER BY n DESC`;

  it('charts the result of a query the console allows', async () => {
    const result = await chart({ kind: 'sql', type: 'bar', sql: `${levels};`, x: 'level', y: ['n', '평균 ms'] });
    expect(result.columns).toEqual(['level', 'n', '평균 ms']);
    expect(result.rows).toHaveLength(4);
    expect(result.shape).toEqual({ x: 0, ys: [1, 2], series: null, other: null });
    expect(result.covered).toBe(4);
    const histogram = await chart({ kind: 'sql', type: 'histogram', sql: `SELECT latency_ms FROM ${demoDatasetName}`, x: 'latency_ms' });
    expect(histogram.covered).toBe(30_000);
    expect(histogram.rows.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(30_000);
  });

  it('draws the first rows of a long result and says so', async () => {
    const result = await chart({ kind: 'sql', type: 'scatter', sql: `SELECT time, latency_ms FROM ${demoDatasetName}`, x: 'time', y: ['latency_ms'] });
    expect(result.rows).toHaveLength(5000);
    expect(result.truncated).toBe(true);
    expect(result.xKind).toBe('time');
  });

  it('refuses what the console refuses, before anything is read', async () => {
    // A named pipe blocks whoever opens it: a chart that bound read_text(fifo) would hang.
    const fifo = path.join(dataDir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const read = await failure(chart({ kind: 'sql', type: 'table', sql: `SELECT * FROM read_text('${fifo}')` }));
    expect(read.code).toBe('query_refused');
    expect(read.params.detail).toBe('read_text');
    const attach = await failure(chart({ kind: 'sql', type: 'table', sql: `ATTACH '${path.join(dataDir, 'x.db')}' AS x` }));
    expect(attach.params.reason).toBe('not_a_query');
    // A column name cannot smuggle a statement into the wrapper: it is quoted.
    const sneaky = await failure(chart({ kind: 'sql', type: 'bar', sql: levels, x: 'level" FROM read_text(\'/etc/passwd\') --', y: ['n'] }));
    expect(sneaky.code).toBe('query_failed');
  });

  it('checks a saved chart’s SQL again each time it runs', async () => {
    const spec = { kind: 'sql' as const, type: 'table' as const, sql: 'SELECT count(*) AS n FROM "주문_로그"' };
    expect((await chart(spec)).rows).toEqual([[500]]);
    await api.call('datasets.rename', { datasetId: otherId, name: 'orders' });
    try {
      // The old name is no dataset any more: refused, not run against whatever holds it.
      const refused = await failure(chart(spec));
      expect(refused.code).toBe('query_refused');
      expect(refused.params.reason).toBe('table_not_allowed');
    } finally {
      await api.call('datasets.rename', { datasetId: otherId, name: '주문_로그' });
    }
  });
});

describe('exports of custom charts', () => {
  const builder: CustomChartSpecInput = { kind: 'builder', type: 'line', x: { kind: 'time', bucket: 86_400_000 }, y: ['latency_ms'], aggregate: 'p99' };

  it('draws PNG and SVG files in the main process, Korean included', async () => {
    const png = await api.call('dashboards.export', { query: { datasetId: demoId, chart: builder, zone }, format: 'png', title: '일별 p99 지연', language: 'ko' });
    const bytes = Buffer.from(png.base64, 'base64');
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(png.width).toBe(2400);
    expect(png.fileName).toBe('demo_service-일별_p99_지연.png');
    const svg = await api.call('dashboards.export', {
      query: { datasetId: demoId, chart: { kind: 'sql', type: 'donut', sql: `SELECT level, count(*) AS n FROM ${demoDatasetName} GROUP BY 1`, x: 'level', y: ['n'] }, zone },
      format: 'svg',
      title: 'Levels',
    });
    const text = Buffer.from(svg.base64, 'base64').toString('utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('demo_service · Levels');
    expect(text).toContain('ERROR');
  });

  it('writes the data as CSV with bucket starts in the zone', async () => {
    const csv = await api.call('dashboards.export', { query: { datasetId: demoId, chart: builder, zone }, format: 'csv' });
    const lines = Buffer.from(csv.base64, 'base64').toString('utf8').replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe('bucket_start,p99(latency_ms)');
    expect(lines[1]).toMatch(/^2024-03-04T00:00:00\+09:00,\d/);
    expect(lines).toHaveLength(1 + 8);
  });
});

describe('saved dashboards', () => {
  it('starts as the default dashboard', async () => {
    const saved = await api.call('dashboards.get', { datasetId: demoId });
    expect(saved.saved).toBe(false);
    expect(saved.layout.items.filter((i) => i.kind === 'standard')).toHaveLength(9);
  });

  it('keeps charts, order, sizes and the filter across a restart, and lists what the report takes', async () => {
    await api.call('dashboards.addChart', {
      datasetId: demoId,
      title: '레벨별 p95',
      spec: { kind: 'builder', type: 'line', x: { kind: 'time' }, y: ['latency_ms'], aggregate: 'p95', groupBy: ['level'] },
      wide: true,
    });
    const added = await api.call('dashboards.addChart', {
      datasetId: demoId,
      title: 'SQL levels',
      spec: { kind: 'sql', type: 'pie', sql: `SELECT level, count(*) AS n FROM ${demoDatasetName} GROUP BY 1`, x: 'level', y: ['n'] },
    });
    const [builderChart, sqlChart] = added.layout.items.filter((i) => i.kind === 'custom');
    expect(builderChart).toMatchObject({ wide: true, height: 'normal', chart: { title: '레벨별 p95' } });
    // Arrange: the SQL chart first, the heatmap hidden, the events short, a filter and a search.
    const standard = added.layout.items.filter((i) => i.kind === 'standard');
    const layout: DashboardLayoutInput = {
      items: [
        sqlChart!,
        ...standard.map((i) => (i.chart === 'heatmap' ? { ...i, hidden: true } : i.chart === 'events' ? { ...i, height: 'short' as const } : i)),
        builderChart!,
      ],
      filter: {
        period: 'selected',
        range: { from: '2024-03-05T00:00:00.000Z', to: '2024-03-06T00:00:00.000Z' },
        filters: [{ field: 'level', value: 'ERROR' }],
        search: { text: '결제', regex: false },
      },
    };
    const saved = await api.call('dashboards.save', { datasetId: demoId, layout });
    expect(saved.saved).toBe(true);

    await close();
    await open();

    const restored = await api.call('dashboards.get', { datasetId: demoId });
    expect(restored.saved).toBe(true);
    expect(restored.layout).toEqual(saved.layout);
    expect(restored.layout.filter.search).toEqual({ text: '결제', regex: false, column: null });
    expect(restored.layout.items[0]).toMatchObject({ kind: 'custom', chart: { title: 'SQL levels' } });

    const charts = await core.layouts.dashboardLayout(demoId);
    expect(charts.map((c) => (c.kind === 'standard' ? c.chart : c.chart.title))).toEqual([
      'SQL levels', 'events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'histogram', 'patterns', '레벨별 p95',
    ]);
    expect(await api.call('dashboards.layout', { datasetId: demoId })).toEqual(charts);
    // The restored custom chart still runs.
    const first = charts[0]!;
    if (first.kind !== 'custom') throw new Error('expected a custom chart first');
    expect((await chart(first.chart.spec)).rows).toHaveLength(4);
  });

  it('copies a dashboard onto another dataset with new chart ids, and resets one', async () => {
    const copied = await api.call('dashboards.copy', { datasetId: demoId, toDatasetId: otherId });
    const source = await api.call('dashboards.get', { datasetId: demoId });
    expect(copied.layout.items.map((i) => (i.kind === 'custom' ? i.chart.title : i.chart))).toEqual(
      source.layout.items.map((i) => (i.kind === 'custom' ? i.chart.title : i.chart)),
    );
    const ids = (layout: typeof copied.layout) => layout.items.flatMap((i) => (i.kind === 'custom' ? [i.chart.id] : []));
    expect(ids(copied.layout).some((id) => ids(source.layout).includes(id))).toBe(false);
    expect(copied.layout.filter).toEqual(source.layout.filter);

    const reset = await api.call('dashboards.reset', { datasetId: otherId });
    expect(reset.saved).toBe(false);
    expect(reset.layout.items.some((i) => i.kind === 'custom')).toBe(false);
    expect((await api.call('dashboards.get', { datasetId: demoId })).saved).toBe(true);
  });

  it('reads what it can of a saved dashboard a later version wrote', async () => {
    const catalog = await core.db.connection('catalog');
    await catalog.run(`UPDATE logscope.dashboard_layouts SET layout = $layout WHERE dataset_id = $id`, {
      id: demoId,
      layout: JSON.stringify({ version: 1, items: [{ kind: 'standard', chart: 'latency' }, { kind: 'standard', chart: 'future-chart' }], filter: { period: 'bogus' } }),
    });
    const read = await api.call('dashboards.get', { datasetId: demoId });
    expect(read.layout.items).toEqual([{ kind: 'standard', chart: 'latency', hidden: false, wide: false, height: 'normal' }]);
    expect(read.layout.filter.period).toBe('all');
  });

  it('forgets a deleted dataset’s dashboard', async () => {
    await api.call('dashboards.copy', { datasetId: demoId, toDatasetId: otherId });
    await api.call('datasets.delete', { datasetId: otherId });
    const catalog = await core.db.connection('catalog');
    await expect.poll(async () => (await catalog.all(`SELECT count(*) FROM logscope.dashboard_layouts WHERE dataset_id = $id`, { id: otherId })).rows[0]?.[0]).toBe(0n);
    const missing = await failure(api.call('dashboards.get', { datasetId: otherId }));
    expect(missing.code).toBe('dataset_not_found');
    // The dashboard service drops its own state of the dataset on the same connection, after
    // this: closing the database under a running statement would take the process down.
    await catalog.all(`SELECT 1`);
  });
});
