import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { CONSOLE_SERVER_ROWS } from '../../src/shared/api/contract/console';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// The SQL console on a real ClickHouse 18.16: the demo dataset pushed there, queried in
// ClickHouse's own SQL through `query.run` with `engine`, confined by the server itself.
const dataDir = tempDataDir('logscope-console-clickhouse-');
let core: AppCore;
let api: Api;
let server: ClickHouseServer;
let table: string;

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir, { seedDemo: true }), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  const connect = (name: string, u: { user: string; password: string }) =>
    api.call('engines.create', { name, url: server.url, user: u.user, secret: { store: 'file', path: join(dataDir, `${name}.pw`), password: u.password } });
  // `team` may write (imports push through it); `reader`'s profile itself sets readonly=1.
  await connect('team', server.admin);
  await connect('reader', server.reader);
  ({ table } = await api.call('engines.push', { name: 'team', dataset: demoDatasetName }));
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Running queries whose text holds `marker`, as the administrator sees them. */
async function running(marker: string): Promise<number> {
  return Number((await server.exec(`SELECT count() FROM system.processes WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.processes%'`)).trim());
}

describe('the SQL console on a ClickHouse connection', () => {
  it('When its schema is asked for, Then it names the server, its database and SQL, the linked dataset and the server’s functions', async () => {
    const schema = await api.call('query.schema', { engine: 'team' });
    expect(schema.engine).toEqual({ connection: 'team', kind: 'clickhouse', version: expect.stringMatching(/^18\.16\./), database: 'default', dialect: 'ClickHouse SQL' });
    const demo = schema.tables.find((t) => t.name === table);
    expect(demo).toMatchObject({ schema: 'default', kind: 'dataset', dataset: demoDatasetName });
    expect(demo?.columns.map((c) => c.name)).toContain('latency_ms');
    expect(schema.functions).toEqual(expect.arrayContaining(['toStartOfHour', 'quantiles', 'uniqExact']));
    expect(schema.functions).not.toContain('date_trunc');

    const local = await api.call('query.schema', {});
    expect(local.engine).toMatchObject({ connection: null, kind: 'duckdb', database: null, dialect: 'DuckDB SQL' });
    expect(local.engine.version).toMatch(/^\d+\.\d+/);
  });

  it('When a ClickHouse query runs, Then it gives DuckDB’s answer for the same rows, pages, exports and is kept in the history', async () => {
    const sql = `SELECT status, count() AS n FROM ${table} GROUP BY status ORDER BY status`;
    const remote = await api.call('query.run', { sql, engine: 'team', limit: 3, history: true });
    const local = await api.call('query.run', { sql: `SELECT status, count(*) AS n FROM ${demoDatasetName} GROUP BY status ORDER BY status`, limit: 1000 });
    expect(remote.truncated).toBe(false);
    expect(remote.columns.map((c) => c.name)).toEqual(['status', 'n']);
    expect(remote.total).toBe(local.total);
    expect(remote.rows).toEqual(local.rows.slice(0, 3));
    const rest = await api.call('query.page', { resultId: remote.resultId, offset: 3, limit: 1000 });
    expect([...remote.rows, ...rest.rows]).toEqual(local.rows);

    const file = await api.call('query.export', { resultId: remote.resultId, format: 'csv' });
    const lines = Buffer.from(file.base64, 'base64').toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('status,n');
    expect(lines.slice(1)).toEqual(local.rows.map((r) => r.join(',')));

    expect((await api.call('query.history', { limit: 1 }))[0]).toMatchObject({ sql, rows: local.total, errorCode: null });
  });

  it('When a query is in ClickHouse’s dialect, Then only the ClickHouse console runs it', async () => {
    const sql = `SELECT toStartOfHour(time) AS hour, countIf(status >= 500) AS errors FROM ${table} GROUP BY hour ORDER BY hour LIMIT 2`;
    const remote = await api.call('query.run', { sql, engine: 'reader' });
    expect(remote.rows).toHaveLength(2);
    expect(String(remote.rows[0]![0])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);
    expect((await failure(api.call('query.run', { sql: sql.replace(table, demoDatasetName) }))).code).toBe('query_failed');
  });

  it('When a result has more rows than the console keeps, Then it is cut there and says so', async () => {
    const result = await api.call('query.run', { sql: `SELECT number FROM system.numbers LIMIT ${CONSOLE_SERVER_ROWS + 5}`, engine: 'team', limit: 10 });
    expect(result.truncated).toBe(true);
    expect(result.total).toBe(CONSOLE_SERVER_ROWS);
    const last = await api.call('query.page', { resultId: result.resultId, offset: CONSOLE_SERVER_ROWS - 1, limit: 10 });
    expect(last.rows).toEqual([[CONSOLE_SERVER_ROWS - 1]]);
  });

  it.each(['team', 'reader'])('When a %s query writes (INSERT, DROP), Then the server refuses it and the table keeps its rows', async (engine) => {
    const before = await server.exec(`SELECT count() FROM ${table}`);
    for (const sql of [`INSERT INTO ${table} (message) VALUES ('written from the console')`, `DROP TABLE ${table}`]) {
      const error = await failure(api.call('query.run', { sql, engine }));
      expect(error.code, sql).toBe('engine_write_refused');
      expect(String(error.params.message), sql).toMatch(/readonly/i);
    }
    expect(await server.exec(`SELECT count() FROM ${table}`)).toBe(before);
  });

  it.each(['team', 'reader'])('When a %s query is cancelled, Then it ends cancelled and the server no longer runs it', async (engine) => {
    const marker = `console_cancel_${engine}_${Date.now()}`;
    // Table functions such as numbers() are refused under readonly=1; system.numbers is not.
    const sql = `SELECT count() AS ${marker} FROM (SELECT number FROM system.numbers LIMIT 10000000000000) WHERE NOT ignore(sipHash64(number))`;
    const controller = new AbortController();
    const pending = api.call('query.run', { sql, engine }, { signal: controller.signal });
    let seen = false;
    for (let i = 0; i < 2_000 && !seen; i++) seen = (await running(marker)) > 0;
    expect(seen).toBe(true);
    controller.abort();
    expect((await failure(pending)).code).toBe('cancelled');
    expect(await running(marker)).toBe(0);
  });

  it('When the connection does not exist, Then the console says so', async () => {
    const error = await failure(api.call('query.run', { sql: 'SELECT 1', engine: 'nowhere' }));
    expect(error.code).toBe('engine_not_found');
    expect(error.params.name).toBe('nowhere');
  });
});
