import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// `logscope engine tables|attach|detach` against a real ClickHouse 18.16, as a read-only user.
const work = tempDataDir('logscope-engine-attach-cli-');
const dataDir = path.join(work, 'data');
let server: ClickHouseServer;

beforeAll(async () => {
  server = await startClickHouse();
  await server.exec('CREATE DATABASE IF NOT EXISTS logs');
  await server.exec("CREATE TABLE logs.web (at DateTime('UTC'), path String, status UInt16, took Float64) ENGINE = MergeTree ORDER BY at");
  await server.exec("INSERT INTO logs.web VALUES ('2024-03-01 09:00:00', '/a', 200, 12.5), ('2024-03-01 09:00:01', '/b', 503, 880), ('2024-03-01 09:00:02', '/a', 200, 7)");
  const added = await runCli(['engine', 'add', 'team', '--url', server.url, '--user', server.reader.user, '--credentials-file', path.join(work, 'team.pw'), '--data-dir', dataDir], {
    input: `${server.reader.password}\n`,
  });
  expect(added.status, added.stderr).toBe(0);
});

afterAll(async () => {
  await server?.stop();
});

describe('logscope engine attach', () => {
  it('When the tables are listed, Then logs.web shows with its columns', async () => {
    const result = await runCli(['engine', 'tables', 'team', '--json', '--data-dir', dataDir]);
    expect(result.status, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)).toContainEqual({
      database: 'logs',
      table: 'web',
      engine: 'MergeTree',
      columns: [
        { name: 'at', type: "DateTime('UTC')" },
        { name: 'path', type: 'String' },
        { name: 'status', type: 'UInt16' },
        { name: 'took', type: 'Float64' },
      ],
    });
  });

  it('When attached with roles, Then the dataset is read-only, counted on the server, and its roles are the chosen ones', async () => {
    const result = await runCli(['engine', 'attach', 'team', '--table', 'logs.web', '--dataset', 'web', '--role', 'time=at', '--role', 'latency=took:ms', '--role', 'path=path', '--json', '--data-dir', dataDir]);
    expect(result.status, result.stderr).toBe(0);
    const [attached] = jsonLines(result.stdout) as Record<string, unknown>[];
    expect(attached).toMatchObject({ name: 'team', dataset: 'web', database: 'logs', table: 'web', rows: 3, time_min: '2024-03-01T09:00:00.000Z', time_max: '2024-03-01T09:00:02.000Z', read_only: true });
    expect(attached!.roles).toMatchObject({ time: ['at'], duration: { column: ['took'], unit: 'ms' }, endpoint: ['path'], status: ['status'] });
  });

  it('When a role names no role, Then the command says so and fails before anything is attached', async () => {
    const result = await runCli(['engine', 'attach', 'team', '--table', 'logs.web', '--dataset', 'web2', '--role', 'colour=path', '--data-dir', dataDir]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('no role "colour"');
  });

  it('When a file is imported into it, Then the import is refused as read-only and exits 1', async () => {
    const file = path.join(work, 'more.csv');
    (await import('node:fs')).writeFileSync(file, 'at,path,status,took\n2024-03-01T10:00:00Z,/c,404,3\n');
    const result = await runCli(['import', file, '--dataset', 'web', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('attached read-only');
  });

  it('When detached, Then the dataset goes and the table keeps its rows', async () => {
    const result = await runCli(['engine', 'detach', 'team', '--dataset', 'web', '--data-dir', dataDir]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Detached web; its table on team is unchanged.');
    const listed = jsonLines((await runCli(['datasets', '--json', '--data-dir', dataDir])).stdout) as Record<string, unknown>[];
    expect(listed.some((d) => d.name === 'web')).toBe(false);
    expect((await server.exec('SELECT count() FROM logs.web')).trim()).toBe('3');
  });
});
