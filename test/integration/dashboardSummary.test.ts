import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { ImportResult } from '../../src/shared/api/contract/imports';
import { createServiceLogGenerator, serviceLogFormatter } from '../../src/shared/synth/serviceLog';
import { ChartQuery, type ChartQueryInput, type ChartResult } from '../../src/shared/charts/spec';
import { LATENCY_MAX_RELATIVE_ERROR } from '../../src/shared/charts/summary';
import { createDashboardService, type DashboardService } from '../../src/main/services/dashboard/dashboard';
import { readSummary } from '../../src/main/services/catalog/summaries';
import { systemClock } from '../../src/main/services/clock';
import { silentLogger } from '../../src/main/services/logger';
import { openOwnedCore, tempDataDir } from './support/dataDir';

/**
 * The per-minute summary (issue 19) answers time-only charts with the same data the scan
 * gives: counts exactly, latency percentiles within the histogram's stated error, in zones
 * with whole-hour, half-hour and 45-minute offsets and across New York's change back from
 * daylight saving time (2024-11-03), and it stays current through imports, retention and
 * a dataset's deletion.
 */
const dataDir = tempDataDir('logscope-summary-');
const files = path.join(dataDir, 'files');
let core: AppCore;
let api: Api;
/** The same dashboard over the same database, without summaries: the exact scan. */
let scan: DashboardService;
let datasetId: number;

function writeCsv(name: string, lines: number, seed: number, start: string) {
  const { header, line } = serviceLogFormatter('csv');
  const out: string[] = header ? [header] : [];
  for (const record of createServiceLogGenerator({ lines, seed, start, days: 7 })) out.push(line(record));
  const file = path.join(files, name);
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}

async function importInto(file: string, dataset: { kind: 'new'; name: string } | { kind: 'existing'; datasetId: number }): Promise<ImportResult> {
  const [item] = await api.call('import.run', { jobId: 'summary', files: [{ file: { path: file }, options: { dataset } }], origin: 'command' });
  if (!item?.ok) throw new Error(`import of ${file} failed: ${JSON.stringify(item?.error)}`);
  return item.result;
}

beforeAll(async () => {
  fs.mkdirSync(files, { recursive: true });
  // The fixture is sparse (a few rows a minute): its summary is read whatever its size.
  core = await openOwnedCore(dataDir, { dashboardSummaryMinReduction: 0 });
  api = createLocalApi(core.rpc, core.events);
  scan = createDashboardService({ db: core.db, events: core.events, clock: systemClock, log: silentLogger, summaries: false });
  const result = await importInto(writeCsv('first.csv', 20_000, 11, '2024-10-30T00:00:00Z'), { kind: 'new', name: 'svc' });
  datasetId = result.datasetId!;
});
afterAll(async () => {
  await scan?.dispose();
  await core?.dispose();
});

const signal = new AbortController().signal;
type Query = Omit<ChartQueryInput, 'datasetId'>;
const both = async (q: Query): Promise<[ChartResult, ChartResult]> => {
  const query = ChartQuery.parse({ ...q, datasetId });
  return [await core.dashboard.chart(query, signal), await scan.chart(query, signal)];
};

const zones = ['UTC', 'Asia/Seoul', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu'];
/** A range that starts and ends inside minutes (a brush), across New York's DST change. */
const brushed = { from: '2024-11-02T20:17:31.250Z', to: '2024-11-04T03:41:07.900Z' };
const countQueries = (zone: string): Query[] => [
  { chart: 'events', zone, widthPx: 1200 },
  { chart: 'events', zone, bucketMs: 60_000, options: { stackBy: 'none' } },
  { chart: 'events', zone, bucketMs: 3_600_000, options: { stackBy: 'level' } },
  { chart: 'events', zone, bucketMs: 86_400_000 },
  { chart: 'events', zone, bucketMs: 1_800_000, range: brushed },
  { chart: 'errors', zone, bucketMs: 3_600_000 },
  { chart: 'errors', zone, bucketMs: 86_400_000, range: brushed },
  { chart: 'status', zone },
  { chart: 'status', zone, range: brushed },
  { chart: 'heatmap', zone },
  { chart: 'heatmap', zone, range: brushed },
];

describe('Given a dataset whose summary is built', () => {
  beforeAll(async () => {
    await core.dashboard.prepareSummary(datasetId);
  });

  it('When time-only count charts are asked in several zones, Then the summary gives exactly the scan’s data', async () => {
    for (const zone of zones) {
      for (const q of countQueries(zone)) {
        const [fromSummary, fromScan] = await both(q);
        expect(fromSummary.rows.length, `${q.chart} ${zone}`).toBeGreaterThan(0);
        expect({ ...fromSummary, elapsedMs: 0 }, `${q.chart} ${zone} ${JSON.stringify(q)}`).toEqual({ ...fromScan, elapsedMs: 0 });
      }
    }
  });

  it('When the summary is current, Then time-only charts read it and charts with a chip do not', async () => {
    // A row no import wrote, in the summary only: seen by summary-backed charts alone.
    const catalog = await core.db.connection('catalog');
    const table = (await readSummary(catalog, datasetId))!.table;
    const minute = Date.parse('2024-11-01T12:34:00Z');
    await catalog.run(`INSERT INTO ${table} VALUES (${minute}, false, 299, 'INFO', NULL, 7)`);
    try {
      const query = (extra: Partial<Query> = {}) => ChartQuery.parse({ datasetId, chart: 'status', zone: 'UTC', ...extra });
      const withPlanted = await core.dashboard.chart(query(), signal);
      expect(withPlanted.rows).toContainEqual([299, 7]);
      const [, fromScan] = await both({ chart: 'status', zone: 'UTC' });
      expect(withPlanted.covered).toBe(fromScan.covered + 7);
      for (const zone of zones) {
        for (const q of countQueries(zone).filter((q) => !q.range)) {
          const [fromSummary, scanned] = await both(q);
          expect(fromSummary.covered, `${q.chart} ${zone} ${JSON.stringify(q)}`).toBe(scanned.covered + 7);
        }
      }
      const chipped = await core.dashboard.chart(query({ filters: [{ field: 'level', value: 'INFO' }] }), signal);
      expect(chipped.rows.some((r) => r[0] === 299)).toBe(false);
    } finally {
      await catalog.run(`DELETE FROM ${table} WHERE status = 299`);
    }
  });

  it('When latency percentiles are asked, Then buckets and counts are exact and each percentile is within the stated error of the order statistic', async () => {
    const bare = await core.db.connect();
    try {
      for (const zone of ['UTC', 'America/New_York', 'Asia/Kathmandu']) {
        for (const q of [{ chart: 'latency', zone, bucketMs: 3_600_000 }, { chart: 'latency', zone, bucketMs: 86_400_000, range: brushed }] as Query[]) {
          const [fromSummary, fromScan] = await both(q);
          expect(fromSummary.approximate).toBe(true);
          expect(fromScan.approximate).toBe(false);
          expect(fromSummary.rows.map((r) => [r[0], r[4]])).toEqual(fromScan.rows.map((r) => [r[0], r[4]]));
          expect(fromSummary.covered).toBe(fromScan.covered);
          // The exact order statistic of rank ⌊p·(n−1)⌋ per bucket, from the rows themselves.
          const sql = (await scan.chartSql(ChartQuery.parse({ ...q, datasetId }), signal)).sql.replace(
            /quantile_cont\(d, \[0\.5, 0\.95, 0\.99\]\)/,
            `[list_sort(list(d))[floor(0.5 * (count(*) - 1))::BIGINT + 1], list_sort(list(d))[floor(0.95 * (count(*) - 1))::BIGINT + 1], list_sort(list(d))[floor(0.99 * (count(*) - 1))::BIGINT + 1]]`,
          );
          const exact = (await bare.all(sql, (await scan.chartSql(ChartQuery.parse({ ...q, datasetId }), signal)).params)).rows;
          expect(exact.length).toBe(fromSummary.rows.length);
          fromSummary.rows.forEach((row, i) => {
            for (const k of [1, 2, 3]) {
              const truth = Number(exact[i]![k]);
              const estimate = Number(row[k]);
              if (truth <= 0) expect(estimate).toBe(0);
              else expect(Math.abs(estimate - truth) / truth).toBeLessThanOrEqual(LATENCY_MAX_RELATIVE_ERROR + 1e-9);
            }
          });
        }
      }
    } finally {
      bare.dispose();
    }
  });

  it('When a chip filters the chart or the bucket is under a minute, Then the exact scan answers (not approximate)', async () => {
    const chipped = await core.dashboard.chart(ChartQuery.parse({ datasetId, chart: 'latency', zone: 'UTC', bucketMs: 3_600_000, filters: [{ field: 'statusClass', value: 5 }] }), signal);
    expect(chipped.approximate).toBe(false);
    const fine = await core.dashboard.chart(
      ChartQuery.parse({ datasetId, chart: 'latency', zone: 'UTC', range: { from: '2024-11-01T10:00:00Z', to: '2024-11-01T10:05:00Z' }, widthPx: 1200 }),
      signal,
    );
    expect(fine.bucketMs).toBeLessThan(60_000);
    expect(fine.approximate).toBe(false);
    // As the app is set up: a summary with nearly a row per row of the log is not read.
    const asShipped = createDashboardService({ db: core.db, events: core.events, clock: systemClock, log: silentLogger });
    try {
      const sparse = await asShipped.chart(ChartQuery.parse({ datasetId, chart: 'latency', zone: 'UTC', bucketMs: 3_600_000 }), signal);
      expect(sparse.approximate).toBe(false);
    } finally {
      await asShipped.dispose();
    }
  });

  it('When a second file is imported into the dataset, Then the summary is current in the same transaction and still matches the scan', async () => {
    await importInto(writeCsv('second.csv', 5_000, 12, '2024-11-02T00:00:00Z'), { kind: 'existing', datasetId });
    const catalog = await core.db.connection('catalog');
    const [record] = (await catalog.all(`SELECT row_count FROM logscope.datasets WHERE id = $id`, { id: datasetId })).rows;
    expect(Number(record![0])).toBe(25_000);
    expect((await readSummary(catalog, datasetId))?.rowCount).toBe(25_000);
    for (const q of countQueries('America/New_York')) {
      const [fromSummary, fromScan] = await both(q);
      expect({ ...fromSummary, elapsedMs: 0 }, JSON.stringify(q)).toEqual({ ...fromScan, elapsedMs: 0 });
    }
    const [events] = await both({ chart: 'events', zone: 'UTC', bucketMs: 86_400_000 });
    expect(events.covered).toBe(25_000);
  });

  it('When retention keeps fewer rows, Then the summary is rebuilt with the rows that are left, and the dataset keeps its chosen roles', async () => {
    const chosen = (await api.call('dashboard.roles', { datasetId })).roles;
    await api.call('dashboard.setRoles', { datasetId, roles: { ...chosen, user: null } });
    await api.call('retention.set', { datasetId, keepDays: null, keepRows: 12_000 });
    const job = await api.call('jobs.create', { name: 'trim', target: { kind: 'retention' }, schedule: { kind: 'cron', expression: '0 3 * * *', timeZone: 'UTC' } });
    await api.call('jobs.runNow', { id: job.id });
    const catalog = await core.db.connection('catalog');
    expect((await readSummary(catalog, datasetId))?.rowCount).toBe(12_000);
    for (const q of countQueries('Asia/Kolkata')) {
      const [fromSummary, fromScan] = await both(q);
      expect({ ...fromSummary, elapsedMs: 0 }, JSON.stringify(q)).toEqual({ ...fromScan, elapsedMs: 0 });
    }
    const [status] = await both({ chart: 'status', zone: 'UTC' });
    expect(status.covered).toBe(12_000);
    const kept = await api.call('dashboard.roles', { datasetId });
    expect(kept.custom).toBe(true);
    expect(kept.roles.user).toBeNull();
  });

  it('When the dataset is deleted, Then its summary table and catalogue row go with it', async () => {
    await api.call('datasets.delete', { datasetId });
    const catalog = await core.db.connection('catalog');
    expect(await readSummary(catalog, datasetId)).toBeNull();
    const left = await catalog.all(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'logscope' AND table_name = $t`, { t: `summary_${datasetId}` });
    expect(Number(left.rows[0]![0])).toBe(0);
    const rows = await catalog.all(`SELECT count(*) FROM logscope.dashboard_summaries WHERE dataset_id = $id`, { id: datasetId });
    expect(Number(rows.rows[0]![0])).toBe(0);
  });
});
