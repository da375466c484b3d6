import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { systemClock } from '../../src/main/services/clock';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { createDuckDbEngine } from '../../src/main/services/engine/duckdb';
import { clickhouseType, pushDataset } from '../../src/main/services/engine/push';
import { createClickHouseEngine, type ClickHouseEngine } from '../../src/main/services/engine/clickhouse';
import { createQueryService } from '../../src/main/services/query/query';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { type AppError } from '../../src/shared/api/errors';
import { clickhouseDialect } from '../../src/shared/sql/dialect';
import { buildTrafficQuery } from '../../src/shared/sql/dialect/coreQueries';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// A dataset imported into DuckDB by the ordinary importer (the demo: 30,000 rows), pushed
// to a real ClickHouse 18.16 through the API, twice.
const dataDir = tempDataDir('logscope-push-');
let core: AppCore;
let api: Api;
let server: ClickHouseServer;

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir, { seedDemo: true }), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  const connect = (name: string, u: { user: string; password: string }) =>
    api.call('engines.create', { name, url: server.url, user: u.user, secret: { store: 'file', path: join(dataDir, `${name}.pw`), password: u.password } });
  await connect('writer', server.admin);
  await connect('reader', server.reader);
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

describe('pushing a dataset to ClickHouse', () => {
  it('When pushed, Then every row lands in a MergeTree ordered by time, with the same hourly traffic as DuckDB', async () => {
    expect(await api.call('engines.push', { name: 'writer', dataset: demoDatasetName })).toEqual({ table: demoDatasetName, rows: 30_000, duplicates: 0, withoutTime: 0 });
    const ddl = await server.exec(`SHOW CREATE TABLE ${demoDatasetName}`);
    expect(ddl).toMatch(/ENGINE = MergeTree ORDER BY \(time, _ls_hash\)/);
    expect(ddl).toContain("time DateTime(\\'UTC\\')");

    const duck = createDuckDbEngine({ db: core.db, queries: createQueryService({ db: core.db, clock: systemClock }) });
    const local = await duck.query(buildTrafficQuery(duck.dialect, { table: { schema: 'main', name: demoDatasetName }, time: 'time' }, { bucket: { unit: 'hour' } }), { maxRows: 10_000 });
    const remote = await api.call('engines.query', { name: 'reader', sql: buildTrafficQuery(clickhouseDialect, { table: { name: demoDatasetName }, time: 'time' }, { bucket: { unit: 'hour' } }), maxRows: 10_000 });
    expect(remote.rows.length).toBeGreaterThan(24);
    expect(remote.rows).toEqual(local.rows);
  });

  it('When pushed again, Then nothing is added: every row is a duplicate by content hash', async () => {
    expect(await api.call('engines.push', { name: 'writer', dataset: demoDatasetName })).toEqual({ table: demoDatasetName, rows: 0, duplicates: 30_000, withoutTime: 0 });
    expect((await server.exec(`SELECT count() FROM ${demoDatasetName}`)).trim()).toBe('30000');
  });

  it('When pushed into a table that already holds many rows, Then the server is asked only about the hashes of each page, not for all it holds', async () => {
    const engine = createClickHouseEngine({ name: 'writer', url: server.url, username: server.admin.user, password: server.admin.password, database: 'default' });
    const answered: number[] = [];
    const recording: ClickHouseEngine = {
      ...engine,
      query: async (sql, options) => {
        const result = await engine.query(sql, options);
        answered.push(result.rows.length);
        return result;
      },
    };
    try {
      const progress: number[] = [];
      const pushed = await pushDataset({ db: core.db, engine: recording, dataset: demoDatasetName, onProgress: (p) => progress.push(p.rowsDone) });
      expect(pushed).toEqual({ table: demoDatasetName, rows: 0, duplicates: 30_000, withoutTime: 0 });
      // 30,000 hashes on the server; the old push read them all in one answer.
      expect(answered.filter((n) => n > 0).length).toBeGreaterThanOrEqual(15);
      expect(Math.max(...answered)).toBeLessThanOrEqual(2_000);
      expect(progress).toEqual([10_000, 20_000, 30_000]);
    } finally {
      await engine.close();
    }
  });

  it('When the user is read-only or the dataset unknown, Then the push is refused and nothing is created', async () => {
    const refused = await api.call('engines.push', { name: 'reader', dataset: demoDatasetName, table: 'copy' }).then(() => null, (e: unknown) => e);
    expect((refused as AppError).code).toBe('engine_write_refused');
    expect((await server.exec(`EXISTS TABLE copy`)).trim()).toBe('0');
    const unknown = await api.call('engines.push', { name: 'writer', dataset: 'nothing_here' }).then(() => null, (e: unknown) => e);
    expect((unknown as AppError).code).toBe('dataset_not_found');
  });

  it('When DuckDB types are mapped, Then each gets a type 18.16 stores faithfully', () => {
    expect(clickhouseType('BIGINT', false)).toBe('Nullable(Int64)');
    expect(clickhouseType('DECIMAL(18,3)', false)).toBe('Nullable(Float64)');
    expect(clickhouseType('TIMESTAMP', false)).toBe("Nullable(DateTime('UTC'))");
    expect(clickhouseType('TIMESTAMP', true)).toBe("DateTime('UTC')");
    expect(clickhouseType('STRUCT(ip VARCHAR)', false)).toBe('Nullable(String)');
    expect(clickhouseType('HUGEINT', false)).toBe('Nullable(String)');
  });
});
