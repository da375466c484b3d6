import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/api/errors';
import { createClickHouseEngine, type ClickHouseEngine } from '../../src/main/services/engine/clickhouse';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

let server: ClickHouseServer;
let admin: ClickHouseEngine;
let reader: ClickHouseEngine;

beforeAll(async () => {
  server = await startClickHouse();
  await server.exec(`CREATE TABLE hits (t DateTime('UTC'), path String, status UInt16) ENGINE = MergeTree ORDER BY t`);
  await server.exec(`INSERT INTO hits VALUES ('2024-03-01 09:00:00', '/a', 200), ('2024-03-01 09:00:30', '/b', 503)`);
  const connect = (u: { user: string; password: string }) =>
    createClickHouseEngine({ name: 'test', url: server.url, username: u.user, password: u.password, database: 'default' });
  admin = connect(server.admin);
  reader = connect(server.reader);
});

afterAll(async () => {
  await admin?.close();
  await reader?.close();
  await server?.stop();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

// Table functions such as numbers() are forbidden under readonly=1; system.numbers is not.
const slowQuery = `SELECT count() FROM (SELECT number FROM system.numbers LIMIT 1000000000000) WHERE NOT ignore(sipHash64(number))`;

/** The rows of system.processes running `queryId`, seen by the admin. */
async function running(queryId: string): Promise<number> {
  const body = await server.exec(`SELECT count() FROM system.processes WHERE query_id = '${queryId}'`);
  return Number(body.trim());
}

/** Waits until the server lists the query as running: the event the cancel tests start from. */
async function untilRunning(queryId: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if ((await running(queryId)) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`${queryId} never appeared in system.processes`);
}

describe('ClickHouse engine over HTTP (server 18.16)', () => {
  it('When connected, Then it reports the server version, zone and read-only profile', async () => {
    expect(await admin.info()).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+/), timeZone: expect.stringMatching(/^(Etc\/)?UTC$/), isReadonlyProfile: false });
    expect((await reader.info()).isReadonlyProfile).toBe(true);
  });

  it('When a query returns typed values, Then cells are typed like DuckDB cells', async () => {
    const result = await admin.query(
      `SELECT toUInt64(42) AS n, toInt64(-5) AS neg, toUInt64(18446744073709551615) AS big, 1.5 AS x, 'it''s' AS s,
              toDateTime('2024-03-01 09:15:02', 'UTC') AS t, [1, 2] AS arr, NULL AS nothing`,
    );
    expect(result.columns).toEqual([
      { name: 'n', type: 'UInt64' },
      { name: 'neg', type: 'Int64' },
      { name: 'big', type: 'UInt64' },
      { name: 'x', type: 'Float64' },
      { name: 's', type: 'String' },
      { name: 't', type: "DateTime('UTC')" },
      { name: 'arr', type: 'Array(UInt8)' },
      { name: 'nothing', type: 'Nullable(Nothing)' },
    ]);
    expect(result.rows).toEqual([[42, -5, '18446744073709551615', 1.5, "it's", '2024-03-01T09:15:02.000Z', '[1,2]', null]]);
    expect(result.truncated).toBe(false);
    expect(result.queryId).toMatch(/^logscope-/);
  });

  it('When the result has more rows than maxRows, Then it is cut there and says so', async () => {
    const result = await admin.query(`SELECT number FROM system.numbers LIMIT 200000`, { maxRows: 1000 });
    expect(result.rows).toHaveLength(1000);
    expect(result.rows[999]).toEqual([999]);
    expect(result.truncated).toBe(true);
  });

  it.each([
    ['INSERT INTO hits VALUES (now(), \'/x\', 200)'],
    ['DROP TABLE hits'],
    ['CREATE TABLE other (n UInt8) ENGINE = Memory'],
  ])('When an admin connection runs %s, Then the server itself refuses it (readonly=1 per query)', async (sql) => {
    const error = await failure(admin.query(sql));
    expect(error.code).toBe('engine_write_refused');
    expect(String(error.params.message)).toMatch(/readonly mode/);
    expect((await admin.query(`SELECT count() FROM hits`)).rows).toEqual([[2]]);
    expect((await admin.query(`EXISTS TABLE other`)).rows).toEqual([[0]]);
  });

  it('When a read-only-profile user writes, Then the server refuses it too (no settings sent)', async () => {
    const error = await failure(reader.query(`INSERT INTO hits VALUES (now(), '/x', 200)`));
    expect(error.code).toBe('engine_write_refused');
    expect((await reader.query(`SELECT count() FROM hits`)).rows).toEqual([[2]]);
  });

  it('When the server fails after the first blocks were produced, Then the error surfaces instead of a short result', async () => {
    const sql = `SELECT number, throwIf(number = 300000) FROM system.numbers LIMIT 400000`;
    for (const engine of [admin, reader]) {
      const error = await failure(engine.query(sql, { maxRows: 500_000 }));
      expect(error.code).toBe('engine_query_failed');
      expect(error.params.serverCode).toBe(395);
      expect(String(error.params.message)).toMatch(/throwIf/);
    }
  });

  it('When the user cancels, Then the query is killed on the server, not only abandoned', async () => {
    for (const engine of [admin, reader]) {
      const queryId = `cancel-${engine === admin ? 'admin' : 'reader'}-${Date.now()}`;
      const controller = new AbortController();
      const pending = engine.query(slowQuery, {
        signal: controller.signal,
        queryId,
      });
      await untilRunning(queryId);
      controller.abort();
      const error = await failure(pending);
      expect(error.code).toBe('cancelled');
      expect(await running(queryId)).toBe(0);
    }
  });

  it('When a query runs past its time limit, Then the server stops it and says how long it had', async () => {
    const queryId = `timeout-${Date.now()}`;
    const error = await failure(
      admin.query(slowQuery, { timeoutMs: 1000, queryId }),
    );
    expect(error.code).toBe('engine_timeout');
    expect(error.params.seconds).toBe(1);
    expect(await running(queryId)).toBe(0);
  });

  it('When the schema is read, Then it lists the tables of the database with their columns', async () => {
    const tables = await reader.schema();
    expect(tables).toContainEqual({
      schema: 'default',
      name: 'hits',
      columns: [
        { name: 't', type: "DateTime('UTC')" },
        { name: 'path', type: 'String' },
        { name: 'status', type: 'UInt16' },
      ],
    });
  });

  it('When rows are streamed in, Then instants land as DateTime and every row is counted', async () => {
    await server.exec(`CREATE TABLE streamed (t DateTime('UTC'), path String, status UInt16) ENGINE = MergeTree ORDER BY t`);
    function* rows() {
      for (let i = 0; i < 10_000; i++) yield { t: new Date(Date.UTC(2024, 2, 1, 0, 0, i)).toISOString(), path: `/p${i % 7}`, status: 200 + (i % 3) };
    }
    expect(await admin.insertRows('streamed', rows())).toEqual({ rows: 10_000 });
    const result = await admin.query(`SELECT count(), min(t), max(t), uniqExact(path) FROM streamed`);
    expect(result.rows).toEqual([[10_000, '2024-03-01T00:00:00.000Z', '2024-03-01T02:46:39.000Z', 7]]);
  });

  it('When the password is wrong or the database is missing, Then the failure has its own code', async () => {
    const wrong = createClickHouseEngine({ name: 'x', url: server.url, username: 'default', password: 'nope', database: 'default' });
    const missing = createClickHouseEngine({ name: 'x', url: server.url, username: server.admin.user, password: server.admin.password, database: 'nowhere' });
    const closed = createClickHouseEngine({ name: 'x', url: 'http://127.0.0.1:1', username: 'default', password: '', database: 'default' });
    try {
      expect((await failure(wrong.info())).code).toBe('engine_auth_failed');
      expect((await failure(missing.info())).code).toBe('engine_database_not_found');
      expect((await failure(closed.info())).code).toBe('engine_unreachable');
    } finally {
      await Promise.all([wrong.close(), missing.close(), closed.close()]);
    }
  });
});
