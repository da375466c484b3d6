import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import type { DbConnection } from '../../src/main/services/db/database';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import type { ImportResult } from '../../src/shared/api/contract/imports';
import { createServiceLogGenerator, serviceLogFormatter, type ServiceLogFormat } from '../../src/shared/synth/serviceLog';
import { foldEndpoint } from '../../src/shared/charts/fold';
import { ChartQuery, type ChartId, type ChartQueryInput, type ChartResult } from '../../src/shared/charts/spec';
import { chartIds } from '../../src/shared/charts/names';
import { histogramBins } from '../../src/shared/charts/options';
import { LATENCY_MAX_RELATIVE_ERROR } from '../../src/shared/charts/summary';
import { insertDatasetRecord, refreshDatasetStats } from '../../src/main/services/catalog/datasets';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir('logscope-dashboard-');
/** The charts of this issue; the patterns chart (issue 7) needs mined messages and is tested there. */
const standardCharts = chartIds.filter((id) => id !== 'patterns');
const standard = (charts: readonly ChartId[]) => charts.filter((id) => id !== 'patterns');
const files = path.join(dataDir, 'files');
let core: AppCore;
let api: Api;
let bare: DbConnection;
const ids: Record<string, number> = {};

function writeSynthetic(name: string, format: ServiceLogFormat, lines: number, options: { seed?: number; start?: string; days?: number } = {}) {
  const { header, line } = serviceLogFormatter(format);
  const out: string[] = header ? [header] : [];
  for (const record of createServiceLogGenerator({ lines, seed: options.seed ?? 3, start: options.start, days: options.days })) out.push(line(record));
  const file = path.join(files, name);
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}

async function importFile(file: string, options: Record<string, unknown> = {}): Promise<ImportResult> {
  const [item] = await api.call('import.run', { jobId: 'dashboard', files: [{ file: { path: file }, options }], origin: 'command' });
  if (!item?.ok) throw new Error(`import of ${file} failed: ${JSON.stringify(item?.error)}`);
  return item.result;
}

beforeAll(async () => {
  fs.mkdirSync(files, { recursive: true });
  core = await openOwnedCore(dataDir, { seedDemo: true, dashboardSummaryMinReduction: 0 });
  api = createLocalApi(core.rpc, core.events);
  bare = await core.db.connect();
  const imports: [string, string, Record<string, unknown>][] = [
    ['svc_csv', writeSynthetic('svc_csv.csv', 'csv', 40_000), {}],
    ['svc_jsonl', writeSynthetic('svc_jsonl.jsonl', 'jsonl', 10_000, { seed: 4 }), {}],
    ['svc_nginx', writeSynthetic('svc_nginx.log', 'nginx', 10_000, { seed: 5 }), {}],
    ['svc_autumn', writeSynthetic('svc_autumn.csv', 'csv', 30_000, { seed: 6, start: '2024-10-30T00:00:00Z' }), {}],
  ];
  for (const [name, file, options] of imports) {
    const result = await importFile(file, { ...options, dataset: { kind: 'new', name } });
    ids[name] = result.datasetId!;
  }
  ids.demo = (await api.call('datasets.list', {})).find((d) => d.name === 'demo_service')!.id;
  ids.syslog = await createSyslogDataset();
});
afterAll(async () => {
  bare?.dispose();
  await core?.dispose();
});

/**
 * A plain syslog (time, host, program, pid, message) built from LogHub's Linux sample with
 * SQL, so the test does not depend on how the importer parses syslog.
 */
async function createSyslogDataset(): Promise<number> {
  const structured = path.resolve(import.meta.dirname, '../fixtures/loghub/Linux_2k.log_structured.csv');
  const catalog = await core.db.connection('catalog');
  return catalog.transaction(async (tx) => {
    await tx.run(
      `CREATE TABLE main.syslog AS
       SELECT strptime('2024 ' || "Month" || ' ' || "Date" || ' ' || "Time", '%Y %b %d %H:%M:%S') AS time,
              "Level" AS host, "Component" AS program, TRY_CAST("PID" AS BIGINT) AS pid, "Content" AS message
       FROM read_csv($file, header = true, all_varchar = true)`,
      { file: structured },
    );
    const id = await insertDatasetRecord(tx, { name: 'syslog', timeColumn: 'time', now: new Date() });
    await refreshDatasetStats(tx, { id, name: 'syslog', timeColumn: 'time' }, new Date());
    return id;
  });
}

const chart = (input: Omit<ChartQueryInput, 'datasetId'> & { dataset: string }, signal?: AbortSignal): Promise<ChartResult> => {
  const { dataset, ...rest } = input;
  return api.call('dashboard.chart', { ...rest, datasetId: ids[dataset]! }, { signal });
};

interface RankedEndpoints {
  top: { endpoint: string; count: number; p95: number }[];
  slow: { endpoint: string; count: number; p95: number }[];
  covered: number;
}

/** The endpoint charts' answer folded in TypeScript and aggregated in JavaScript: nothing shared with the service's SQL. */
function rankEndpoints(raw: unknown[][]): RankedEndpoints {
  const byEndpoint = new Map<string, number[]>();
  for (const [p, latency] of raw) {
    const endpoint = foldEndpoint(String(p));
    const list = byEndpoint.get(endpoint) ?? [];
    list.push(Number(latency));
    byEndpoint.set(endpoint, list);
  }
  const p95 = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = 0.95 * (sorted.length - 1);
    const lo = Math.floor(at);
    return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo);
  };
  const ranked = [...byEndpoint.entries()].map(([endpoint, values]) => ({ endpoint, count: values.length, p95: p95(values) }));
  return {
    top: [...ranked].sort((a, b) => b.count - a.count || (a.endpoint < b.endpoint ? -1 : 1)).slice(0, 20),
    slow: ranked.filter((e) => e.count >= 10).sort((a, b) => b.p95 - a.p95 || (a.endpoint < b.endpoint ? -1 : 1)).slice(0, 20),
    covered: raw.length,
  };
}

function expectRanked(top: ChartResult, slow: ChartResult, expected: RankedEndpoints) {
  expect(top.rows.map((r) => [r[0], r[1]])).toEqual(expected.top.map((e) => [e.endpoint, e.count]));
  top.rows.forEach((row, i) => expect(row[2] as number).toBeCloseTo(expected.top[i]!.p95, 6));
  expect(slow.rows.map((r) => r[0])).toEqual(expected.slow.map((e) => e.endpoint));
  slow.rows.forEach((row, i) => {
    expect(row[1] as number).toBeCloseTo(expected.slow[i]!.p95, 6);
    expect(row[2]).toBe(expected.slow[i]!.count);
  });
}

/** Rows of an independent query on a connection of the test's own. */
async function sql(text: string, params: Record<string, string | number> = {}): Promise<unknown[][]> {
  return (await bare.all(text, params)).rows.map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('column roles', () => {
  it.each([
    ['demo', 8],
    ['svc_csv', 8],
    ['svc_jsonl', 8],
    ['svc_nginx', 8],
  ])('gives %s every chart', async (dataset, count) => {
    const roles = await api.call('dashboard.roles', { datasetId: ids[dataset]! });
    expect(standard(roles.charts)).toHaveLength(count);
    for (const id of standard(roles.charts)) {
      const result = await chart({ dataset, chart: id, zone: 'Asia/Seoul' });
      expect(result.covered, `${dataset} ${id}`).toBeGreaterThan(0);
      expect(result.rows.length, `${dataset} ${id}`).toBeGreaterThan(0);
      expect(result.rows.length * Math.max(1, result.columns.length)).toBeLessThanOrEqual(10_000 * 4);
    }
  });

  it('reads nginx request time as seconds', async () => {
    const roles = await api.call('dashboard.roles', { datasetId: ids.svc_nginx! });
    expect(roles.roles.duration?.unit).toBe('s');
  });

  it('gives a plain syslog only the charts its roles allow', async () => {
    const roles = await api.call('dashboard.roles', { datasetId: ids.syslog! });
    expect(roles.roles.time).not.toBeNull();
    expect(roles.roles.status).toBeNull();
    expect(roles.roles.duration).toBeNull();
    expect(roles.roles.endpoint).toBeNull();
    expect(roles.charts).toEqual(expect.arrayContaining(['events', 'heatmap']));
    expect(roles.charts).not.toContain('latency');
    expect(roles.charts).not.toContain('top-endpoints');
    const refused = await chart({ dataset: 'syslog', chart: 'latency', zone: 'UTC' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('chart_roles_missing');
  });

  it('keeps the user’s choice per dataset, checks it, and goes back to the detected roles', async () => {
    const datasetId = ids.svc_jsonl!;
    const detected = await api.call('dashboard.roles', { datasetId });
    const chosen = await api.call('dashboard.setRoles', { datasetId, roles: { ...detected.roles, endpoint: null, status: null } });
    expect(chosen.custom).toBe(true);
    expect(standard(chosen.charts)).not.toContain('top-endpoints');
    expect((await api.call('dashboard.roles', { datasetId })).roles.endpoint).toBeNull();
    const wrong = await api.call('dashboard.setRoles', { datasetId, roles: { ...detected.roles, time: ['message'] } }).catch((e: unknown) => e);
    expect((wrong as AppError).code).toBe('role_column_invalid');
    const reset = await api.call('dashboard.setRoles', { datasetId, roles: null });
    expect(reset.custom).toBe(false);
    expect(reset.roles).toEqual(detected.roles);
  });
});

describe('each chart against an independent computation', () => {
  const zone = 'Asia/Seoul';
  // Buckets by ICU (timezone() on TIMESTAMPTZ), the slow way the dashboard avoids.
  const local = `timezone('${zone}', time::TIMESTAMPTZ)`;

  it('counts events per hour and status class', async () => {
    const result = await chart({ dataset: 'svc_csv', chart: 'events', zone, widthPx: 1000 });
    expect(result.bucketMs).toBe(3_600_000);
    const expected = await sql(
      `SELECT epoch_ms(timezone('${zone}', date_trunc('hour', ${local}))) AS b, status // 100, count(*) FROM svc_csv GROUP BY ALL ORDER BY 1, 2`,
    );
    expect(result.rows.map((r) => [r[0], r[1], r[3]])).toEqual(expected);
    expect(result.covered).toBe(40_000);
    expect(result.buckets).toHaveLength(7 * 24);
  });

  it('computes latency percentiles per bucket, exactly when scanning', async () => {
    // A chip keeps the chart off the per-minute summary: the exact scan.
    const result = await chart({ dataset: 'svc_csv', chart: 'latency', zone, widthPx: 1000, filters: [{ field: 'statusClass', value: 2 }] });
    expect(result.approximate).toBe(false);
    const expected = await sql(
      `SELECT epoch_ms(timezone('${zone}', date_trunc('hour', ${local}))), quantile_cont(latency_ms, 0.5), quantile_cont(latency_ms, 0.95),
         quantile_cont(latency_ms, 0.99), count(*) FROM svc_csv WHERE status BETWEEN 200 AND 299 GROUP BY 1 ORDER BY 1`,
    );
    expect(result.rows.length).toBe(expected.length);
    result.rows.forEach((row, i) => {
      expect(row[0]).toBe(expected[i]![0]);
      for (const k of [1, 2, 3]) expect(row[k] as number).toBeCloseTo(expected[i]![k] as number, 6);
      expect(row[4]).toBe(expected[i]![4]);
    });
  });

  it('computes latency percentiles per bucket from the summary within its stated error', async () => {
    await core.dashboard.prepareSummary(ids.svc_csv!);
    const result = await chart({ dataset: 'svc_csv', chart: 'latency', zone, widthPx: 1000 });
    expect(result.approximate).toBe(true);
    // The order statistic of rank ⌊p·(n−1)⌋, which the histogram's bucket holds.
    const at = (p: number) => `list_sort(list(latency_ms))[floor(${p} * (count(*) - 1))::BIGINT + 1]`;
    const expected = await sql(
      `SELECT epoch_ms(timezone('${zone}', date_trunc('hour', ${local}))), ${at(0.5)}, ${at(0.95)}, ${at(0.99)}, count(*) FROM svc_csv GROUP BY 1 ORDER BY 1`,
    );
    expect(result.rows.length).toBe(expected.length);
    result.rows.forEach((row, i) => {
      expect(row[0]).toBe(expected[i]![0]);
      for (const k of [1, 2, 3]) {
        const truth = expected[i]![k] as number;
        expect(Math.abs((row[k] as number) - truth)).toBeLessThanOrEqual(truth * LATENCY_MAX_RELATIVE_ERROR + 1e-9);
      }
      expect(row[4]).toBe(expected[i]![4]);
    });
  });

  it('computes the 5xx share per bucket', async () => {
    const result = await chart({ dataset: 'svc_csv', chart: 'errors', zone, widthPx: 1000 });
    const expected = await sql(
      `SELECT epoch_ms(timezone('${zone}', date_trunc('hour', ${local}))), count(*) FILTER (WHERE status >= 500), count(*) FROM svc_csv GROUP BY 1 ORDER BY 1`,
    );
    expect(result.rows).toEqual(expected);
    expect(result.basis).toBe('status');
  });

  it('counts status codes', async () => {
    const result = await chart({ dataset: 'svc_csv', chart: 'status', zone });
    expect(result.rows).toEqual(await sql(`SELECT status, count(*) FROM svc_csv GROUP BY 1 ORDER BY 1`));
  });

  it('ranks endpoints by requests and by p95, with ids folded', async () => {
    const expected = rankEndpoints(await sql(`SELECT path, latency_ms FROM svc_csv`));
    const result = await chart({ dataset: 'svc_csv', chart: 'top-endpoints', zone });
    expectRanked(result, await chart({ dataset: 'svc_csv', chart: 'slow-endpoints', zone }), expected);
  });

  it('ranks the endpoints of a brushed range exactly, from the endpoint index alone, and follows a changed duration unit', async () => {
    const range = { from: '2024-03-05T06:30:00.000Z', to: '2024-03-06T17:45:30.500Z' };
    const inRange = `SELECT path, latency_ms FROM svc_csv WHERE time >= $from::TIMESTAMP AND time < $to::TIMESTAMP`;
    const params = { from: range.from.replace('T', ' ').replace('Z', ''), to: range.to.replace('T', ' ').replace('Z', '') };
    const expected = rankEndpoints(await sql(inRange, params));
    expect(expected.top.reduce((n, e) => n + e.count, 0)).toBeGreaterThan(1000);
    const top = await chart({ dataset: 'svc_csv', chart: 'top-endpoints', zone, range });
    const slow = await chart({ dataset: 'svc_csv', chart: 'slow-endpoints', zone, range });
    expect(top.covered).toBe(expected.covered);
    expectRanked(top, slow, expected);
    const statement = await core.dashboard.chartSql(ChartQuery.parse({ datasetId: ids.svc_csv!, chart: 'top-endpoints', zone, range }), new AbortController().signal);
    expect(statement.sql).not.toContain('POSITIONAL JOIN');
    expect(statement.sql).toContain('"_ls_time" >= $rangeFrom::TIMESTAMP');

    // The index copies durations in ms under the roles it was built for: seconds are 1000 times as long.
    const roles = await api.call('dashboard.roles', { datasetId: ids.svc_csv! });
    await api.call('dashboard.setRoles', { datasetId: ids.svc_csv!, roles: { ...roles.roles, duration: { column: ['latency_ms'], unit: 's' } } });
    try {
      const inSeconds = await chart({ dataset: 'svc_csv', chart: 'top-endpoints', zone, range });
      inSeconds.rows.forEach((row, i) => expect(row[2] as number).toBeCloseTo(expected.top[i]!.p95 * 1000, 3));
    } finally {
      await api.call('dashboard.setRoles', { datasetId: ids.svc_csv!, roles: null });
    }
  });

  it('counts events by weekday and hour in the zone', async () => {
    const result = await chart({ dataset: 'svc_csv', chart: 'heatmap', zone });
    // ISO weekday (Monday 1) → Monday 0.
    const expected = await sql(`SELECT (isodow(${local}) - 1) * 24 + hour(${local}) AS how, count(*) FROM svc_csv GROUP BY 1 ORDER BY 1`);
    expect(result.rows).toEqual(expected);
  });

  it('bins latencies on a log scale', async () => {
    const result = await chart({ dataset: 'svc_csv', chart: 'histogram', zone });
    const latencies = (await sql(`SELECT latency_ms FROM svc_csv`)).map((r) => Number(r[0]));
    const bins = histogramBins(result).filter((b) => !b.zero);
    for (const bin of bins) {
      const count = latencies.filter((v) => v >= bin.lowMs * (1 - 1e-12) && v < bin.highMs! * (1 - 1e-12)).length;
      expect(bin.count, `${bin.lowMs}–${bin.highMs}`).toBe(count);
    }
    expect(bins.reduce((sum, b) => sum + b.count, 0) + latencies.filter((v) => v <= 0).length).toBe(40_000);
  });

  it('exports a chart’s data as CSV with instants in the zone', async () => {
    const file = await api.call('dashboard.export', { query: { datasetId: ids.svc_csv!, chart: 'errors', zone }, format: 'csv' });
    const text = Buffer.from(file.base64, 'base64').toString('utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('bucket_start,errors,total,error_rate,threshold,unusual');
    expect(lines[1]).toMatch(/^2024-03-04T09:00:00\+09:00,\d+,\d+,/);
    expect(lines).toHaveLength(7 * 24 + 1);
    expect(file.fileName).toBe('svc_csv-errors-20240304-0900-20240311-0859.csv');
  });
});

describe('time zones', () => {
  it('shifts the hour-of-day heatmap by exactly nine hours between Asia/Seoul and UTC', async () => {
    const seoul = await chart({ dataset: 'svc_csv', chart: 'heatmap', zone: 'Asia/Seoul' });
    const utc = await chart({ dataset: 'svc_csv', chart: 'heatmap', zone: 'UTC' });
    const cells = (r: ChartResult) => {
      const counts = new Array<number>(168).fill(0);
      for (const [how, n] of r.rows) counts[Number(how)] = Number(n);
      return counts;
    };
    const s = cells(seoul);
    const u = cells(utc);
    expect(s.some((n, i) => n !== u[i])).toBe(true);
    for (let how = 0; how < 168; how++) expect(s[(how + 9) % 168], `hour ${how}`).toBe(u[how]);
  });

  const hourly = { widthPx: 200 };

  it('has 23 hourly buckets on the day New York clocks go forward', async () => {
    // 2024-03-10 00:00 EST to 2024-03-11 00:00 EDT.
    const range = { from: '2024-03-10T05:00:00.000Z', to: '2024-03-11T04:00:00.000Z' };
    const result = await chart({ dataset: 'svc_csv', chart: 'events', zone: 'America/New_York', range, options: { stackBy: 'none' }, ...hourly });
    expect(result.bucketMs).toBe(3_600_000);
    expect(result.buckets).toHaveLength(23);
    const expected = await sql(
      `SELECT epoch_ms(date_trunc('hour', time)), count(*) FROM svc_csv WHERE time >= '2024-03-10 05:00' AND time < '2024-03-11 04:00' GROUP BY 1 ORDER BY 1`,
    );
    expect(result.rows.map((r) => [r[0], r[3]])).toEqual(expected);
  });

  it('has 25 hourly buckets on the day they go back, the repeated 01:00 twice', async () => {
    const range = { from: '2024-11-03T04:00:00.000Z', to: '2024-11-04T05:00:00.000Z' };
    const result = await chart({ dataset: 'svc_autumn', chart: 'events', zone: 'America/New_York', range, options: { stackBy: 'none' }, ...hourly });
    expect(result.buckets).toHaveLength(25);
    expect(result.rows.length).toBe(25);
    expect(result.buckets![1]).toBe(Date.parse('2024-11-03T05:00:00Z'));
    expect(result.buckets![2]).toBe(Date.parse('2024-11-03T06:00:00Z'));
    const day = await sql(`SELECT count(*) FROM svc_autumn WHERE time >= '2024-11-03 04:00' AND time < '2024-11-04 05:00'`);
    expect(result.covered).toBe(day[0]![0]);
  });

  it('puts day buckets at local midnight, a DST day being one bucket', async () => {
    // Three weeks on 200 pixels: day buckets.
    const range = { from: '2024-10-27T04:00:00.000Z', to: '2024-11-17T05:00:00.000Z' };
    const result = await chart({ dataset: 'svc_autumn', chart: 'events', zone: 'America/New_York', range, options: { stackBy: 'none' }, widthPx: 200 });
    expect(result.bucketMs).toBe(86_400_000);
    const expected = await sql(
      `SELECT epoch_ms(timezone('America/New_York', date_trunc('day', timezone('America/New_York', time::TIMESTAMPTZ)))), count(*) FROM svc_autumn GROUP BY 1 ORDER BY 1`,
    );
    expect(result.rows.map((r) => [r[0], r[3]])).toEqual(expected);
    expect(result.buckets).toHaveLength(21);
    expect(result.buckets).toContain(Date.parse('2024-11-03T04:00:00Z'));
    expect(result.buckets).toContain(Date.parse('2024-11-04T05:00:00Z'));
  });

  it('shifts buckets of zones whose offset is not whole hours', async () => {
    const result = await chart({ dataset: 'svc_csv', chart: 'events', zone: 'Asia/Kolkata', options: { stackBy: 'none' }, widthPx: 1000 });
    const expected = await sql(
      `SELECT epoch_ms(timezone('Asia/Kolkata', date_trunc('hour', timezone('Asia/Kolkata', time::TIMESTAMPTZ)))), count(*) FROM svc_csv GROUP BY 1 ORDER BY 1`,
    );
    expect(result.rows.map((r) => [r[0], r[3]])).toEqual(expected);
  });

  it('refuses an unknown zone', async () => {
    const error = await chart({ dataset: 'svc_csv', chart: 'events', zone: 'Mars/Olympus' }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('timezone_invalid');
  });
});

describe('filters', () => {
  const base = { dataset: 'svc_csv', chart: 'status' as ChartId, zone: 'Asia/Seoul' };
  const covered = async (extra: Partial<ChartQueryInput>) => (await chart({ ...base, ...extra })).covered;
  const count = async (where: string) => Number((await sql(`SELECT count(*) FROM svc_csv WHERE ${where}`))[0]![0]);

  it('filters by range, chips (OR within a field, AND across) and message search', async () => {
    expect(await covered({ range: { from: '2024-03-05T00:00:00.000Z', to: '2024-03-06T00:00:00.000Z' } })).toBe(
      await count(`time >= '2024-03-05' AND time < '2024-03-06'`),
    );
    expect(await covered({ filters: [{ field: 'statusClass', value: 5 }] })).toBe(await count('status >= 500 AND status < 600'));
    expect(await covered({ filters: [{ field: 'status', value: 404 }, { field: 'status', value: 503 }] })).toBe(await count('status IN (404, 503)'));
    expect(await covered({ filters: [{ field: 'level', value: 'ERROR' }, { field: 'method', value: 'POST' }] })).toBe(
      await count(`level = 'ERROR' AND method = 'POST'`),
    );
    expect(await covered({ filters: [{ field: 'duration', minMs: 100, maxMs: 1000 }] })).toBe(await count('latency_ms >= 100 AND latency_ms < 1000'));
    expect(await covered({ filters: [{ field: 'weekdayHour', weekday: 0, hour: 9 }] })).toBe(
      await count(`isodow(timezone('Asia/Seoul', time::TIMESTAMPTZ)) = 1 AND hour(timezone('Asia/Seoul', time::TIMESTAMPTZ)) = 9`),
    );
    expect(await covered({ search: { text: 'TIMEOUT calling', regex: false } })).toBe(await count(`lower(message) LIKE '%timeout calling%'`));
    expect(await covered({ search: { text: '^결제 .* 실패', regex: true } })).toBe(await count(`regexp_matches(message, '^결제 .* 실패')`));
    // Characters that mean something to a regular expression are plain in a substring search.
    expect(await covered({ search: { text: '(attempt', regex: false } })).toBe(await count(`contains(message, '(attempt')`));
  });

  it('filters by a folded endpoint', async () => {
    const raw = await sql(`SELECT path FROM svc_csv`);
    const expected = raw.filter(([p]) => foldEndpoint(String(p)) === '/api/v1/orders/{id}').length;
    expect(expected).toBeGreaterThan(0);
    expect(await covered({ filters: [{ field: 'endpoint', value: '/api/v1/orders/{id}' }] })).toBe(expected);
  });

  it('says so when a regular expression is not valid', async () => {
    const error = await chart({ ...base, search: { text: 'time(d out', regex: true } }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('search_pattern_invalid');
  });

  it('cancels a chart whose caller gave up', async () => {
    const controller = new AbortController();
    const pending = chart({ dataset: 'svc_csv', chart: 'latency', zone: 'UTC', search: { text: 'x', regex: false } }, controller.signal);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect((error as AppError).code).toBe('cancelled');
    // The connection is free for the next one.
    expect((await chart({ dataset: 'svc_csv', chart: 'status', zone: 'UTC' })).covered).toBe(40_000);
  });
});

describe('the rows behind the filter state', () => {
  const state = { datasetId: 0, zone: 'Asia/Seoul' };
  const rows = (input: Record<string, unknown>) => api.call('dashboard.rows', { ...state, datasetId: ids.svc_csv!, limit: 50, ...input });
  const count = async (where: string, params: Record<string, string | number> = {}) => Number((await sql(`SELECT count(*) FROM svc_csv WHERE ${where}`, params))[0]![0]);
  const text = ['method', 'path', 'client_ip', 'user_agent', '"user"', 'level', 'message'];
  const anyText = (value: string) => `(${text.map((c) => `coalesce(contains(lower(${c}), '${value}'), false)`).join(' OR ')})`;

  it('counts what the charts count, for the same range, chips and search', async () => {
    const filterState = {
      range: { from: '2024-03-05T00:00:00.000Z', to: '2024-03-07T00:00:00.000Z' },
      filters: [{ field: 'statusClass' as const, value: 5 }],
      search: { text: 'orders', regex: false, column: null },
    };
    const page = await rows(filterState);
    const charted = await chart({ dataset: 'svc_csv', chart: 'status', zone: 'Asia/Seoul', ...filterState });
    expect(page.total).toBe(charted.covered);
    expect(page.total).toBe(await count(`time >= '2024-03-05' AND time < '2024-03-07' AND status >= 500 AND status < 600 AND ${anyText('orders')}`));
    expect(page.total).toBeGreaterThan(0);
    expect(page.rows).toHaveLength(Math.min(50, page.total));
    const statusAt = page.columns.findIndex((c) => c.name === 'status');
    expect(page.rows.every((row) => Number(row[statusAt]) >= 500)).toBe(true);
  });

  it('searches every text column, a field, a quoted phrase and an exclusion', async () => {
    expect((await rows({ search: { text: 'status:503' } })).total).toBe(await count('status = 503'));
    expect((await rows({ search: { text: 'status:>=500 -path:orders' } })).total).toBe(await count(`status >= 500 AND NOT contains(lower(path), 'orders')`));
    expect((await rows({ search: { text: '"timeout calling"' } })).total).toBe(await count(anyText('timeout calling')));
    expect((await rows({ search: { text: 'POST -error' } })).total).toBe(await count(`${anyText('post')} AND NOT ${anyText('error')}`));
    expect((await rows({ search: { text: 'orders', column: ['path'] } })).total).toBe(await count(`contains(lower(path), 'orders')`));
  });

  it('adds the grid’s quick search and column filters on top, and keeps its sort', async () => {
    const page = await rows({
      filters: [{ field: 'column', column: ['method'], op: 'eq', value: 'GET' }],
      quick: { text: 'status:404' },
      sort: { column: ['latency_ms'], direction: 'desc' },
    });
    expect(page.total).toBe(await count(`method = 'GET' AND status = 404`));
    const latency = page.columns.findIndex((c) => c.name === 'latency_ms');
    const values = page.rows.map((row) => Number(row[latency]));
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('words a search it cannot run before any chart runs it', async () => {
    const check = (search: Record<string, unknown>) => api.call('dashboard.checkSearch', { datasetId: ids.svc_csv!, search: { text: 'x', ...search } });
    expect(await check({ text: 'time(d out', regex: true })).toMatchObject({ ok: false, code: 'search_pattern_invalid' });
    // RE2, not JavaScript: a look-ahead compiles in the browser but not in DuckDB.
    expect(await check({ text: 'a(?=b)', regex: true })).toMatchObject({ ok: false, code: 'search_pattern_invalid' });
    expect(await check({ text: 'status:abc' })).toMatchObject({ ok: false, code: 'search_value_not_number', params: { field: 'status' } });
    expect(await check({ text: '"open' })).toMatchObject({ ok: false, code: 'search_quote_unclosed' });
    expect(await check({ text: 'status:503 orders' })).toEqual({ ok: true, columns: [['status'], ...text.map((c) => [c.replaceAll('"', '')])] });
    const error = await rows({ search: { text: 'time(d out', regex: true } }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('search_pattern_invalid');
  });

  it('exports the rows it shows as CSV safe for spreadsheets and as exact JSON lines', async () => {
    const file = path.join(files, 'formulas.csv');
    fs.writeFileSync(file, 'time,path,note\n2024-03-04 09:00:00,/a,=HYPERLINK("http://x")\n2024-03-04 09:01:00,/b,+1\n2024-03-04 09:02:00,/c,plain\n');
    const result = await importFile(file, { dataset: { kind: 'new', name: 'formulas' } });
    const exported = async (format: 'csv' | 'jsonl') => {
      const out = await api.call('dashboard.exportRows', { datasetId: result.datasetId!, zone: 'UTC', search: { text: '-plain' }, format });
      return { ...out, text: Buffer.from(out.base64, 'base64').toString('utf8') };
    };
    const csv = await exported('csv');
    expect(csv.rows).toBe(2);
    expect(csv.truncated).toBe(false);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv.text).toContain(`'+1`);
    expect(csv.text).not.toContain('plain');
    const jsonl = await exported('jsonl');
    const lines = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.note)).toEqual(['=HYPERLINK("http://x")', '+1']);
    expect(jsonl.fileName).toBe('formulas-rows.jsonl');
  });
});

describe('when a dataset changes', () => {
  it('follows rows appended by an import, endpoint index included', async () => {
    const before = await chart({ dataset: 'svc_jsonl', chart: 'top-endpoints', zone: 'UTC' });
    expect(before.covered).toBe(10_000);
    const more = writeSynthetic('svc_jsonl_more.jsonl', 'jsonl', 2_000, { seed: 9 });
    await importFile(more, { dataset: { kind: 'existing', datasetId: ids.svc_jsonl } });
    const after = await chart({ dataset: 'svc_jsonl', chart: 'top-endpoints', zone: 'UTC' });
    expect(after.covered).toBe(12_000);
    const filtered = await chart({ dataset: 'svc_jsonl', chart: 'status', zone: 'UTC', filters: [{ field: 'endpoint', value: '/health' }] });
    const expected = (await sql(`SELECT path FROM svc_jsonl`)).filter(([p]) => foldEndpoint(String(p)) === '/health').length;
    expect(filtered.covered).toBe(expected);
  });
});

describe('chart files', () => {
  it.each(standardCharts)('draws %s as SVG and PNG', async (id) => {
    const svg = await api.call('dashboard.export', { query: { datasetId: ids.demo!, chart: id, zone: 'Asia/Seoul' }, format: 'svg', language: 'ko', width: 800, height: 400 });
    const text = Buffer.from(svg.base64, 'base64').toString('utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('demo_service');
    expect(text).not.toMatch(/animation|@keyframes/);
    const png = await api.call('dashboard.export', { query: { datasetId: ids.demo!, chart: id, zone: 'Asia/Seoul' }, format: 'png', width: 800, height: 400, scale: 1 });
    const bytes = Buffer.from(png.base64, 'base64');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([800, 400]);
  });
});
