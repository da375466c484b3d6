import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir();
let core: AppCore;
let api: Api;
let fifo: string;
let secretFile: string;

beforeAll(async () => {
  core = await openOwnedCore(dataDir, { seedDemo: true });
  api = createLocalApi(core.rpc, core.events);
  // A named pipe blocks whoever opens it for reading until a writer comes: a refused query
  // that had bound read_text(fifo) would hang instead of returning.
  fifo = path.join(dataDir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  secretFile = path.join(dataDir, 'secret.csv');
  fs.writeFileSync(secretFile, 'a,b\n1,2\n');
});
afterAll(async () => core?.dispose());

async function refusal(sql: string): Promise<AppError> {
  const error = await api.call('query.run', { sql }).then(() => null, (e: unknown) => e);
  expect(error, sql).toBeInstanceOf(AppError);
  expect((error as AppError).code, sql).toBe('query_refused');
  return error as AppError;
}

describe('read-only confinement of queries', () => {
  it.each([
    ['DROP TABLE demo_service', 'not_a_query'],
    ['DELETE FROM demo_service', 'not_a_query'],
    ['INSERT INTO demo_service SELECT * FROM demo_service', 'not_a_query'],
    ['CREATE TABLE x AS SELECT 1', 'not_a_query'],
    ["COPY demo_service TO '/tmp/x.csv'", 'not_a_query'],
    ["ATTACH '/tmp/other.duckdb' AS other", 'not_a_query'],
    ['INSTALL httpfs', 'not_a_query'],
    ['LOAD httpfs', 'not_a_query'],
    ["SET memory_limit = '1TB'", 'not_a_query'],
    ['PRAGMA database_list', 'not_a_query'],
    ['CALL duckdb_settings()', 'not_a_query'],
    ['SELECT 1; DROP TABLE demo_service', 'not_a_query'],
    ['SELECT 1; SELECT 2', 'several_statements'],
    ["SELECT * FROM read_text('/etc/passwd')", 'function_not_allowed'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'function_not_allowed'],
    ["SELECT * FROM read_parquet('/tmp/x.parquet')", 'function_not_allowed'],
    ["SELECT * FROM glob('/etc/*')", 'function_not_allowed'],
    ["SELECT * FROM query('SELECT 1')", 'function_not_allowed'],
    ['SELECT * FROM duckdb_settings()', 'function_not_allowed'],
    ["SELECT * FROM '/etc/passwd'", 'table_not_allowed'],
    ['SELECT * FROM logscope.settings', 'table_not_allowed'],
    ['SELECT * FROM logscope.datasets', 'table_not_allowed'],
    ['SELECT * FROM system.main.duckdb_tables', 'table_not_allowed'],
    ["SELECT (SELECT count(*) FROM read_text('/etc/passwd')) FROM demo_service", 'function_not_allowed'],
    ["WITH t AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM t", 'function_not_allowed'],
  ])('refuses %s (%s)', async (sql, reason) => {
    const error = await refusal(sql);
    expect(error.params.reason).toBe(reason);
  });

  it('When the SQL does not parse, Then it is a syntax error at a line and column, not a refusal', async () => {
    const sql = 'SELECT level,\n  count(*)\nFORM demo_service';
    const error = await api.call('query.run', { sql }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('query_syntax');
    expect((error as AppError).params).toMatchObject({ line: 3, column: 6, position: sql.indexOf('demo_service') });
    expect(String((error as AppError).params.message)).toMatch(/syntax error at or near "demo_service"/);
  });

  it('refuses reading a file before anything opens it', async () => {
    const error = await refusal(`SELECT * FROM read_text('${fifo}')`);
    expect(error.params.detail).toBe('read_text');
    await refusal(`SELECT * FROM '${secretFile}'`);
  });

  it('says where in the statement the refused part is', async () => {
    const error = await refusal("SELECT * FROM demo_service, read_text('/etc/passwd')");
    expect(error.params.position).toBe("SELECT * FROM demo_service, ".length);
  });

  it('runs queries over datasets: CTEs, joins, subqueries, DESCRIBE, range()', async () => {
    const result = await api.call('query.run', {
      sql: `WITH errors AS (SELECT * FROM ${demoDatasetName} WHERE status >= 500)
            SELECT e.level, count(*) AS n, (SELECT count(*) FROM main.${demoDatasetName}) AS total
            FROM errors e JOIN range(1) r ON true GROUP BY ALL ORDER BY n DESC`,
    });
    expect(result.columns.map((c) => c.name)).toEqual(['level', 'n', 'total']);
    expect(result.rows.length).toBeGreaterThan(0);
    const described = await api.call('query.run', { sql: `DESCRIBE ${demoDatasetName}` });
    expect(described.rows.map((r) => r[0])).toContain('latency_ms');
  });

  it('runs a statement followed by a semicolon and a comment', async () => {
    const result = await api.call('query.run', { sql: 'SELECT 42 AS answer; -- the usual\n' });
    expect(result.rows).toEqual([[42]]);
  });

  it('pages through a materialised result, in order', async () => {
    const result = await api.call('query.run', { sql: 'SELECT * FROM range(2500) t(i) ORDER BY i DESC', limit: 1000 });
    expect(result.total).toBe(2500);
    const page = await api.call('query.page', { resultId: result.resultId, offset: 2000, limit: 1000 });
    expect(page.rows).toHaveLength(500);
    expect(page.rows[0]![0]).toBe(499);
    expect(page.rows.at(-1)![0]).toBe(0);
  });

  it("reports a failing query with DuckDB's message on one line, and where in the statement", async () => {
    const sql = `SELECT level,\n       no_such_column FROM ${demoDatasetName}`;
    const error = await api.call('query.run', { sql }).then(() => null, (e: unknown) => e);
    expect((error as AppError).code).toBe('query_failed');
    expect(String((error as AppError).params.message)).toMatch(/no_such_column/);
    expect(String((error as AppError).params.message)).not.toMatch(/\n|LINE \d/);
    expect((error as AppError).params.position).toBe(sql.indexOf('no_such_column'));
  });

  it('keeps a history of what the console ran, newest first, failures included', async () => {
    await api.call('query.run', { sql: 'SELECT 1 AS a', history: true });
    await api.call('query.run', { sql: 'SELECT nope', history: true }).catch(() => undefined);
    await api.call('query.run', { sql: 'SELECT 2 AS not_kept' });
    const history = await api.call('query.history', {});
    expect(history.slice(0, 2).map((h) => [h.sql, h.rows, h.errorCode])).toEqual([
      ['SELECT nope', null, 'query_failed'],
      ['SELECT 1 AS a', 1, null],
    ]);
  });

  it('offers completion of datasets, their columns, the views and DuckDB functions', async () => {
    const schema = await api.call('query.schema', {});
    const demo = schema.tables.find((t) => t.name === demoDatasetName);
    expect(demo?.kind).toBe('dataset');
    expect(demo?.columns.map((c) => c.name)).toContain('latency_ms');
    expect(schema.tables.find((t) => t.schema === 'logscope' && t.name === 'rejects')?.kind).toBe('view');
    expect(schema.tables.some((t) => t.name === 'settings' || t.name === 'query_history')).toBe(false);
    expect(schema.functions).toEqual(expect.arrayContaining(['quantile_cont', 'date_trunc', 'regexp_extract']));
  });

  it('cancels a running query', async () => {
    const controller = new AbortController();
    const running = api.call('query.run', { sql: 'SELECT count(*) FROM range(100000000000) a' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await running.then(() => null, (e: unknown) => e);
    expect((error as AppError).code).toBe('cancelled');
    const after = await api.call('query.run', { sql: 'SELECT 42' });
    expect(after.rows[0]![0]).toBe(42);
  });
});

describe('exporting a console result', () => {
  it('When a result holds a formula-like text and a double, Then CSV neutralises the text and both formats keep every digit', async () => {
    const result = await api.call('query.run', { sql: `SELECT '=HYPERLINK("http://x")' AS cell, 0.1::DOUBLE + 0.2::DOUBLE AS sum, 1234567 AS n` });
    const csv = await api.call('query.export', { resultId: result.resultId, format: 'csv' });
    expect(csv).toMatchObject({ rows: 1, truncated: false, mimeType: 'text/csv;charset=utf-8' });
    expect(Buffer.from(csv.base64, 'base64').toString('utf8')).toBe('\uFEFFcell,sum,n\r\n"\'=HYPERLINK(""http://x"")",0.30000000000000004,1234567\r\n');
    const jsonl = await api.call('query.export', { resultId: result.resultId, format: 'jsonl' });
    expect(Buffer.from(jsonl.base64, 'base64').toString('utf8')).toBe('{"cell":"=HYPERLINK(\\"http://x\\")","sum":0.30000000000000004,"n":1234567}\n');
  });
});

