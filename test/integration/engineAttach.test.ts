import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createClickHouseEngine } from '../../src/main/services/engine/clickhouse';
import { duckdbTypeOf } from '../../src/main/services/engine/attach';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { AppError } from '../../src/shared/api/errors';
import type { ChartId } from '../../src/shared/charts/spec';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// A table that already holds logs on a real ClickHouse 18.16 (created and filled through
// the client, as another program would), attached read-only by a read-only user; the same
// rows imported from a CSV file are the local reference the dashboard must agree with.
const dataDir = tempDataDir('logscope-engine-attach-');
const rowCount = 400;
let core: AppCore;
let api: Api;
let server: ClickHouseServer;
let localId: number;

const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
const paths = ['/api/orders', '/api/users/42', '/health', '/api/orders/7/items', "/search?q=it's"];
const rows = Array.from({ length: rowCount }, (_, i) => ({
  ts: new Date(Date.UTC(2026, 10, 2, 8, 0, 0) + i * 97_000).toISOString().replace('.000Z', 'Z'),
  level: levels[i % levels.length]!,
  status: [200, 200, 201, 404, 500, 503][i % 6]!,
  took_ms: 3 + ((i * 37) % 900),
  path: paths[i % paths.length]!,
  message: i % 5 === 4 ? `payment ${i} failed after ${1000 + i} ms` : `request ${i} served`,
}));

async function fail(promise: Promise<unknown>): Promise<AppError> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: AppError) => error,
  );
}

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  await server.exec('CREATE DATABASE IF NOT EXISTS logs');
  await server.exec(
    "CREATE TABLE logs.access (ts DateTime('UTC'), level Nullable(String), status UInt16, took_ms Float64, path String, message String) ENGINE = MergeTree ORDER BY ts",
  );
  const writer = createClickHouseEngine({ name: 'setup', url: server.url, username: server.admin.user, password: server.admin.password, database: 'logs' });
  try {
    await writer.insertRows('access', rows);
  } finally {
    await writer.close();
  }
  const file = join(dataDir, 'access.csv');
  fs.writeFileSync(file, ['ts,level,status,took_ms,path,message', ...rows.map((r) => [r.ts, r.level, r.status, r.took_ms, `"${r.path}"`, r.message].join(','))].join('\n') + '\n');
  const [item] = await api.call('import.run', { jobId: 'local', files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'access_local' } } }], origin: 'command' });
  if (!item?.ok) throw new Error(`import failed: ${JSON.stringify(item?.error)}`);
  localId = item.result.datasetId!;
  // Attaching needs only reads: the read-only user of a cautious administrator.
  await api.call('engines.create', { name: 'team', url: server.url, user: server.reader.user, secret: { store: 'file', path: join(dataDir, 'team.pw'), password: server.reader.password } });
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

describe('attaching an existing ClickHouse table read-only', () => {
  let attachedId: number;

  it('When the tables are listed, Then the logs table shows with its columns in order, and no system table does', async () => {
    const tables = await api.call('engines.tables', { name: 'team' });
    expect(tables.find((t) => t.database === 'logs' && t.table === 'access')).toEqual({
      database: 'logs',
      table: 'access',
      engine: 'MergeTree',
      columns: [
        { name: 'ts', type: "DateTime('UTC')" },
        { name: 'level', type: 'Nullable(String)' },
        { name: 'status', type: 'UInt16' },
        { name: 'took_ms', type: 'Float64' },
        { name: 'path', type: 'String' },
        { name: 'message', type: 'String' },
      ],
    });
    expect(tables.some((t) => t.database === 'system')).toBe(false);
  });

  it('When attached without roles, Then the roles are detected as for the imported file, and rows and time range are counted on the server', async () => {
    const attached = await api.call('engines.attach', { name: 'team', database: 'logs', table: 'access', dataset: 'access' });
    attachedId = attached.datasetId;
    const local = await api.call('dashboard.roles', { datasetId: localId });
    expect(attached.roles).toEqual(local.roles);
    expect(attached.roles.time).toEqual(['ts']);
    expect(attached.roles.duration).toEqual({ column: ['took_ms'], unit: 'ms' });
    expect(attached).toMatchObject({ dataset: 'access', rows: rowCount, timeMin: rows[0]!.ts.replace('Z', '.000Z'), timeMax: rows.at(-1)!.ts.replace('Z', '.000Z') });
    const summary = (await api.call('datasets.list', {})).find((d) => d.id === attachedId)!;
    expect(summary).toMatchObject({ engine: 'team', readOnly: true, rows: rowCount, timeColumn: 'ts' });
  });

  const charts: ChartId[] = ['events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'heatmap', 'histogram'];
  it.each(charts)('When the %s chart is asked of both, Then the attached table answers as the imported rows do', async (chart) => {
    const ask = async (datasetId: number) => {
      const result = await api.call('dashboard.chart', { datasetId, chart, zone: 'Asia/Seoul', range: null, filters: [], widthPx: 900, options: {} });
      return { rows: result.rows, covered: result.covered, buckets: result.buckets, bucketMs: result.bucketMs, basis: result.basis };
    };
    const local = await ask(localId);
    expect(local.covered).toBeGreaterThan(0);
    const { rows: attachedRows, ...attached } = await ask(attachedId);
    const { rows: localRows, ...rest } = local;
    expect(attached).toEqual(rest);
    // Percentiles are interpolated in floating point by two engines: equal to 9 digits, not to the bit.
    expect(attachedRows.length).toBe(localRows.length);
    attachedRows.forEach((row, r) =>
      row.forEach((cell, c) => {
        const want = localRows[r]![c];
        if (typeof want === 'number' && typeof cell === 'number' && !Number.isInteger(want)) expect(cell).toBeCloseTo(want, 9);
        else expect(cell, `row ${r} column ${c}`).toEqual(want);
      }),
    );
  });

  it('When the grid is searched, Then the attached table gives the same rows as the imported ones', async () => {
    const page = async (datasetId: number) =>
      api.call('dashboard.rows', { datasetId, zone: 'UTC', range: null, filters: [], search: { text: 'failed status:>=500', regex: false, column: null }, quick: null, sort: { column: ['ts'], direction: 'asc' }, offset: 0, limit: 20 });
    const [local, attached] = [await page(localId), await page(attachedId)];
    expect(attached.total).toBe(local.total);
    expect(attached.total).toBeGreaterThan(0);
    const pick = (p: typeof local) => p.rows.map((r) => p.columns.filter((c) => !c.name.startsWith('_ls_')).map((c) => r[p.columns.indexOf(c)]));
    expect(pick(attached)).toEqual(pick(local));
  });

  it('When roles are given, Then they replace the detected ones and a column the table lacks is refused, leaving nothing attached', async () => {
    const attached = await api.call('engines.attach', { name: 'team', database: 'logs', table: 'access', dataset: 'access_by_path', roles: { message: ['path'], endpoint: null } });
    expect(attached.roles).toMatchObject({ message: ['path'], endpoint: null, time: ['ts'] });
    const refused = await fail(api.call('engines.attach', { name: 'team', database: 'logs', table: 'access', dataset: 'access_bad', roles: { time: ['when'] } }));
    expect(refused.code).toBe('role_column_invalid');
    expect((await api.call('datasets.list', {})).some((d) => d.name === 'access_bad')).toBe(false);
  });

  it('When an import, a retention policy, a push or the pattern list is asked of it, Then each is refused with a clear code and the server table is unchanged', async () => {
    const file = join(dataDir, 'more.csv');
    fs.writeFileSync(file, 'ts,level,status,took_ms,path,message\n2026-11-03T00:00:00Z,INFO,200,5,/x,extra\n');
    const [byName] = await api.call('import.run', { jobId: 'more', files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'access' } } }], origin: 'command' });
    expect(byName).toMatchObject({ ok: false, error: { code: 'dataset_read_only', params: { name: 'access' } } });
    const [byId] = await api.call('import.run', { jobId: 'more2', files: [{ file: { path: file }, options: { dataset: { kind: 'existing', datasetId: attachedId } } }], origin: 'command' });
    expect(byId).toMatchObject({ ok: false, error: { code: 'dataset_read_only' } });
    expect((await fail(api.call('retention.set', { datasetId: attachedId, keepDays: 7, keepRows: null }))).code).toBe('dataset_read_only');
    expect((await fail(api.call('engines.push', { name: 'team', dataset: 'access' }))).code).toBe('dataset_read_only');
    expect((await fail(api.call('patterns.list', { datasetId: attachedId, range: null, search: null, offset: 0, limit: 10, sparklineBuckets: 0 }))).code).toBe('patterns_unavailable_attached');
    const patternsChart = await fail(api.call('dashboard.chart', { datasetId: attachedId, chart: 'patterns', zone: 'UTC', range: null, filters: [], widthPx: 900, options: {} }));
    expect(patternsChart).toMatchObject({ code: 'patterns_unavailable_attached', params: { name: 'access' } });
    expect((await server.exec('SELECT count() FROM logs.access')).trim()).toBe(String(rowCount));
  });

  it('When a table that does not exist is named, Then it is refused by name', async () => {
    const refused = await fail(api.call('engines.attach', { name: 'team', database: 'logs', table: 'nothing', dataset: 'nothing' }));
    expect(refused).toMatchObject({ code: 'engine_table_not_found', params: { table: 'logs.nothing' } });
  });

  it('When detached, Then only the record goes: the table and its rows stay on the server', async () => {
    expect(await api.call('datasets.delete', { datasetId: attachedId })).toEqual({ deleted: true });
    expect((await api.call('datasets.list', {})).some((d) => d.id === attachedId)).toBe(false);
    expect((await server.exec('SELECT count() FROM logs.access')).trim()).toBe(String(rowCount));
  });
});

describe('ClickHouse column types as the local schema', () => {
  it('When unwrapped, Then times, numbers and text map to the types role detection reads', () => {
    expect(["DateTime('UTC')", 'Nullable(DateTime64(3))', 'Date', 'LowCardinality(Nullable(String))', 'UInt16', 'Int64', 'Float32', 'Decimal(9, 2)', 'Array(String)', "Enum8('a' = 1)"].map(duckdbTypeOf)).toEqual([
      'TIMESTAMP',
      'TIMESTAMP',
      'DATE',
      'VARCHAR',
      'INTEGER',
      'BIGINT',
      'DOUBLE',
      'DOUBLE',
      'VARCHAR',
      'VARCHAR',
    ]);
  });
});
