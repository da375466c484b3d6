import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import { keywordsRefusedAsTableName } from '../../src/shared/datasetNames';
import { demoDatasetName, demoRecords } from '../../src/main/services/demo/demo';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir();
let core: AppCore;
let api: Api;

beforeAll(async () => {
  core = await openOwnedCore(dataDir, { seedDemo: true });
  api = createLocalApi(core.rpc, core.events);
});
afterAll(async () => core?.dispose());

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe('the demo dataset on a fresh data folder', () => {
  it('is listed with its rows, columns and time range', async () => {
    const [demo] = await api.call('datasets.list', {});
    expect(demo?.name).toBe(demoDatasetName);
    expect(demo?.rows).toBe(demoRecords);
    expect(demo?.timeColumn).toBe('time');
    expect(demo?.columns.find((c) => c.name === 'time')?.type).toBe('TIMESTAMP');
    expect(demo?.timeMin).toMatch(/^2024-03-04T\d\d:\d\d:\d\d\.\d+Z$/);
    expect(Date.parse(demo!.timeMax!)).toBeGreaterThan(Date.parse(demo!.timeMin!));
  });
});

describe('paging through rows', () => {
  it('returns one page at a time in import order, with the total', async () => {
    const [demo] = await api.call('datasets.list', {});
    const first = await api.call('datasets.page', { datasetId: demo!.id, offset: 0, limit: 100 });
    const second = await api.call('datasets.page', { datasetId: demo!.id, offset: 100, limit: 100 });
    expect(first.rows).toHaveLength(100);
    expect(first.total).toBe(demoRecords);
    const timeIndex = first.columns.findIndex((c) => c.name === 'time');
    const lastOfFirst = first.rows[99]![timeIndex] as string;
    const firstOfSecond = second.rows[0]![timeIndex] as string;
    expect(Date.parse(firstOfSecond)).toBeGreaterThanOrEqual(Date.parse(lastOfFirst));
  });

  it('sorts by a column, descending, with NULLs last', async () => {
    const [demo] = await api.call('datasets.list', {});
    const page = await api.call('datasets.page', {
      datasetId: demo!.id,
      offset: 0,
      limit: 50,
      sort: { column: 'latency_ms', direction: 'desc' },
    });
    const latency = page.columns.findIndex((c) => c.name === 'latency_ms');
    const values = page.rows.map((r) => r[latency] as number);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const max = await api.call('query.run', { sql: `SELECT max(latency_ms) FROM ${demoDatasetName}` });
    expect(values[0]).toBe(max.rows[0]![0]);
  });

  it('refuses to sort by a column the dataset does not have', async () => {
    const [demo] = await api.call('datasets.list', {});
    const error = await rejection(api.call('datasets.page', { datasetId: demo!.id, offset: 0, limit: 5, sort: { column: 'nope', direction: 'asc' } }));
    expect(error.code).toBe('column_not_found');
  });

  it('refuses an out-of-contract page size at the boundary', async () => {
    const [demo] = await api.call('datasets.list', {});
    const error = await rejection(api.call('datasets.page', { datasetId: demo!.id, offset: 0, limit: 1_000_000 }));
    expect(error.code).toBe('invalid_input');
  });
});

describe('renaming and deleting', () => {
  it('renames, including a change of letter case only', async () => {
    const [demo] = await api.call('datasets.list', {});
    const renamed = await api.call('datasets.rename', { datasetId: demo!.id, name: '서비스_로그' });
    expect(renamed.name).toBe('서비스_로그');
    const counted = await api.call('query.run', { sql: 'SELECT count(*) FROM 서비스_로그' });
    expect(counted.rows[0]![0]).toBe(demoRecords);
    await api.call('datasets.rename', { datasetId: demo!.id, name: 'Service' });
    const back = await api.call('datasets.rename', { datasetId: demo!.id, name: 'service' });
    expect(back.name).toBe('service');
  });

  it('refuses invalid, reserved and taken names with their own codes', async () => {
    const [demo] = await api.call('datasets.list', {});
    expect((await rejection(api.call('datasets.rename', { datasetId: demo!.id, name: '1st' }))).code).toBe('dataset_name_invalid');
    expect((await rejection(api.call('datasets.rename', { datasetId: demo!.id, name: 'select' }))).code).toBe('dataset_name_reserved');
    const conn = await core.db.connection('catalog');
    await conn.run(`CREATE TABLE main.other AS SELECT 1 AS x`);
    await conn.run(
      `INSERT INTO logscope.datasets (name, name_key, created_at, updated_at) VALUES ('other', 'other', now()::TIMESTAMP, now()::TIMESTAMP)`,
    );
    expect((await rejection(api.call('datasets.rename', { datasetId: demo!.id, name: 'OTHER' }))).code).toBe('dataset_name_taken');
  });

  it('deletes a dataset and its table', async () => {
    const before = await api.call('datasets.list', {});
    const other = before.find((d) => d.name === 'other')!;
    await api.call('datasets.delete', { datasetId: other.id });
    const after = await api.call('datasets.list', {});
    expect(after.map((d) => d.name)).not.toContain('other');
    const error = await rejection(api.call('query.run', { sql: 'SELECT * FROM other' }));
    expect(error.code).toBe('query_refused');
  });
});

describe('the database file across restarts', () => {
  it('reopens with the datasets still there and does not offer the demo again', async () => {
    const [before] = await api.call('datasets.list', {});
    await api.call('datasets.delete', { datasetId: before!.id });
    await core.dispose();
    core = await openOwnedCore(dataDir, { seedDemo: true });
    api = createLocalApi(core.rpc, core.events);
    expect(await api.call('datasets.list', {})).toEqual([]);
    const info = await api.call('app.info', {});
    expect(info.databaseFile.startsWith(dataDir)).toBe(true);
  });
});

describe('dataset names and the engine', () => {
  it('the keywords refused as table names are exactly those this DuckDB refuses', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const keywords = (await connection.runAndReadAll(`SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category <> 'unreserved'`))
      .getRows()
      .map((r) => String(r[0]));
    const refused: string[] = [];
    for (const keyword of keywords) {
      const reader = await connection.runAndReadAll(`SELECT json_serialize_sql($q::VARCHAR)`, { q: `SELECT * FROM ${keyword} WHERE ${keyword}.x = 1` });
      if ((JSON.parse(String(reader.getRows()[0]![0])) as { error: boolean }).error) refused.push(keyword);
    }
    expect(new Set(refused)).toEqual(keywordsRefusedAsTableName);
    connection.closeSync();
    instance.closeSync();
  });
});
