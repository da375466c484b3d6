import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { systemClock } from '../../src/main/services/clock';
import { createQueryService } from '../../src/main/services/query/query';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { createClickHouseEngine, type ClickHouseEngine } from '../../src/main/services/engine/clickhouse';
import { createDuckDbEngine } from '../../src/main/services/engine/duckdb';
import type { Engine } from '../../src/main/services/engine/engine';
import type { Cell } from '../../src/shared/api/contract';
import { AppError } from '../../src/shared/api/errors';
import {
  buildErrorRateQuery,
  buildLatencyPercentilesQuery,
  buildStatusClassesQuery,
  buildTopEndpointsQuery,
  buildTrafficQuery,
  type CoreSource,
} from '../../src/shared/sql/dialect/coreQueries';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// The same fixture in both engines: the demo dataset (30,000 synthetic service-log rows,
// seed 7) imported into DuckDB by the ordinary importer, then copied row by row into a
// ClickHouse MergeTree table through the engine's insertRows.
const dataDir = tempDataDir();
let core: AppCore;
let duck: Engine;
let server: ClickHouseServer;
let clickhouse: ClickHouseEngine;
let copied: number;

const source = (schema?: string): CoreSource => ({
  table: schema ? { schema, name: demoDatasetName } : { name: demoDatasetName },
  time: 'time',
  status: 'status',
  latency: 'latency_ms',
  endpoint: 'path',
});

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir, { seedDemo: true }), startClickHouse()]);
  duck = createDuckDbEngine({ db: core.db, queries: createQueryService({ db: core.db, clock: systemClock }) });
  clickhouse = createClickHouseEngine({
    name: 'parity',
    url: server.url,
    username: server.admin.user,
    password: server.admin.password,
    database: 'default',
  });
  await server.exec(
    `CREATE TABLE ${demoDatasetName} (time DateTime('UTC'), path String, status Nullable(Int64), latency_ms Nullable(Float64))
     ENGINE = MergeTree ORDER BY time`,
  );
  const rows = await duck.query(`SELECT time, path, status, latency_ms FROM ${demoDatasetName} ORDER BY time`, { maxRows: 1_000_000 });
  expect(rows.truncated).toBe(false);
  const records = rows.rows.map(([time, path, status, latency]) => ({ time, path, status, latency_ms: latency }) as Record<string, Cell>);
  copied = (await clickhouse.insertRows(demoDatasetName, records)).rows;
});

afterAll(async () => {
  await clickhouse?.close();
  await core?.dispose();
  await server?.stop();
});

/** The week the demo covers, on whole seconds (ClickHouse 18.16 keeps seconds; both then select the same rows). */
async function demoRange(): Promise<{ from: Date; to: Date }> {
  const { rows } = await duck.query(`SELECT min(time), max(time) FROM ${demoDatasetName}`);
  const [min, max] = rows[0]!.map((c) => new Date(String(c)).getTime());
  const from = new Date(Math.ceil(min! / 3_600_000) * 3_600_000 + 1_000);
  const to = new Date(Math.floor(max! / 3_600_000) * 3_600_000 - 3_600_000);
  return { from, to };
}

async function both(build: (e: Engine, s: CoreSource) => string) {
  const [d, c] = await Promise.all([duck.query(build(duck, source('main'))), clickhouse.query(build(clickhouse, source()))]);
  return { duckdb: d.rows, clickhouse: c.rows };
}

describe('the same answers from DuckDB and ClickHouse 18.16', () => {
  it('When the demo is copied, Then ClickHouse holds every row', async () => {
    expect(copied).toBe(30_000);
    expect((await clickhouse.query(`SELECT count() FROM ${demoDatasetName}`)).rows).toEqual([[30_000]]);
  });

  it.each([
    [{ unit: 'hour' as const }],
    [{ unit: 'minute' as const, count: 15 }],
    [{ unit: 'day' as const }],
  ])('When traffic is counted per %j, Then both engines give the same buckets', async (bucket) => {
    const range = await demoRange();
    const answer = await both((e, s) => buildTrafficQuery(e.dialect, s, { bucket, range }));
    expect(answer.duckdb.length).toBeGreaterThan(5);
    expect(answer.clickhouse).toEqual(answer.duckdb);
  });

  it('When the error rate is computed per hour, Then both engines agree', async () => {
    const answer = await both((e, s) => buildErrorRateQuery(e.dialect, s, { bucket: { unit: 'hour' } }));
    expect(answer.duckdb.some((row) => Number(row[2]) > 0)).toBe(true);
    expect(answer.clickhouse.map((r) => r.slice(0, 3))).toEqual(answer.duckdb.map((r) => r.slice(0, 3)));
    answer.clickhouse.forEach((row, i) => expect(row[3]).toBeCloseTo(Number(answer.duckdb[i]![3]), 12));
  });

  it('When exact latency percentiles are asked over 30,000 rows, Then both engines give quantile_cont’s values', async () => {
    const range = await demoRange();
    const answer = await both((e, s) =>
      buildLatencyPercentilesQuery(e.dialect, s, { fractions: [0.5, 0.9, 0.95, 0.99], approximate: false, range }),
    );
    const [duckRow, chRow] = [answer.duckdb[0]!, answer.clickhouse[0]!];
    expect(chRow[4]).toBe(duckRow[4]);
    expect(Number(duckRow[4])).toBeGreaterThan(8_192);
    for (let i = 0; i < 4; i++) expect(chRow[i]).toBeCloseTo(Number(duckRow[i]), 9);
  });

  it('When the top endpoints and status classes are listed, Then both engines list the same', async () => {
    const top = await both((e, s) => buildTopEndpointsQuery(e.dialect, s, { limit: 10 }));
    expect(top.duckdb).toHaveLength(10);
    expect(top.clickhouse).toEqual(top.duckdb);
    const classes = await both((e, s) => buildStatusClassesQuery(e.dialect, s));
    expect(classes.duckdb.map((r) => r[0])).toEqual(expect.arrayContaining([200, 500]));
    expect(classes.clickhouse).toEqual(classes.duckdb);
  });
});

describe('the DuckDB engine adapter', () => {
  it('When a query writes, Then the query service’s confinement refuses it before it runs', async () => {
    const error = await duck.query(`DROP TABLE ${demoDatasetName}`).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('query_refused');
    expect((await duck.query(`SELECT count(*) FROM ${demoDatasetName}`)).rows).toEqual([[30_000]]);
  });

  it('When the result is longer than maxRows, Then it is cut and flagged like ClickHouse’s', async () => {
    const result = await duck.query(`SELECT path FROM ${demoDatasetName}`, { maxRows: 10 });
    expect(result.rows).toHaveLength(10);
    expect(result.truncated).toBe(true);
    expect(result.columns).toEqual([{ name: 'path', type: 'VARCHAR' }]);
  });

  it('When the caller aborts, Then the DuckDB statement is interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await duck.query(`SELECT count(*) FROM ${demoDatasetName}`, { signal: controller.signal }).then(() => null, (e: unknown) => e);
    expect((error as AppError).code).toBe('cancelled');
  });

  it('When the schema is read, Then the dataset table is listed with DuckDB’s types', async () => {
    const table = (await duck.schema()).find((t) => t.name === demoDatasetName);
    expect(table?.columns).toContainEqual({ name: 'status', type: expect.stringMatching(/INT/) });
  });
});
