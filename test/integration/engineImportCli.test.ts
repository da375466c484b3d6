import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';

// `logscope import --engine`: the local import (detection, rejects, provenance), then the
// rows into ClickHouse 18.16, where the dataset then lives.
const work = tempDataDir('logscope-engine-import-cli-');
const dataDir = path.join(work, 'data');
let server: ClickHouseServer;

beforeAll(async () => {
  server = await startClickHouse();
  const added = await runCli(['engine', 'add', 'team', '--url', server.url, '--user', server.admin.user, '--credentials-file', path.join(work, 'team.pw'), '--data-dir', dataDir], {
    input: `${server.admin.password}\n`,
  });
  expect(added.status, added.stderr).toBe(0);
});

afterAll(async () => {
  await server?.stop();
});

describe('logscope import --engine', () => {
  const file = path.join(work, 'access.csv');
  const more = path.join(work, 'access-2.csv');
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(file, 'time,path,status\n2024-03-01T09:00:00Z,/a,200\n2024-03-01T09:00:01Z,/b,503\n2024-03-01T09:00:02Z,/a,200\n');
  fs.writeFileSync(more, 'time,path,status\n2024-03-01T10:00:00Z,/c,404\n');

  it('When a file is imported with --engine, Then its rows land in ClickHouse with their provenance, and the dataset is linked there', async () => {
    const result = await runCli(['import', file, '--dataset', 'web', '--engine', 'team', '--json', '--data-dir', dataDir]);
    expect(result.status, result.stderr).toBe(0);
    const [imported, pushed] = jsonLines(result.stdout) as Record<string, unknown>[];
    expect(imported).toMatchObject({ dataset: 'web', rows: 3, rejected: 0 });
    expect(pushed).toEqual({ push: { engine: 'team', dataset: 'web', table: 'web', rows: 3, duplicates: 0, without_time: 0 } });
    expect((await server.exec(`SELECT path, status, _ls_line FROM web ORDER BY time FORMAT TSV`)).trim().split('\n')).toEqual(['/a\t200\t2', '/b\t503\t3', '/a\t200\t4']);
    const listed = jsonLines((await runCli(['datasets', '--json', '--data-dir', dataDir])).stdout) as Record<string, unknown>[];
    expect(listed.find((d) => d.name === 'web')).toMatchObject({ engine: 'team' });
  });

  it('When another file follows, Then only its rows are sent; the first file again sends nothing', async () => {
    const second = await runCli(['import', more, '--dataset', 'web', '--engine', 'team', '--json', '--data-dir', dataDir]);
    expect(second.status, second.stderr).toBe(0);
    const next = jsonLines(second.stdout) as Record<string, unknown>[];
    expect(next[1]).toEqual({ push: { engine: 'team', dataset: 'web', table: 'web', rows: 1, duplicates: 3, without_time: 0 } });
    const again = jsonLines((await runCli(['import', file, '--dataset', 'web', '--engine', 'team', '--json', '--data-dir', dataDir])).stdout) as Record<string, unknown>[];
    expect(again[0]).toMatchObject({ duplicate: true, rows: 0 });
    expect(again[1]).toMatchObject({ push: { rows: 0, duplicates: 4 } });
    expect((await server.exec(`SELECT count() FROM web`)).trim()).toBe('4');
  });

  it('When the connection does not exist, Then nothing is imported and the error names it', async () => {
    const result = await runCli(['import', path.join(work, 'access.csv'), '--dataset', 'other', '--engine', 'nobody', '--data-dir', dataDir]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('nobody');
    const listed = jsonLines((await runCli(['datasets', '--json', '--data-dir', dataDir])).stdout) as Record<string, unknown>[];
    expect(listed.map((d) => d.name)).not.toContain('other');
  });
});
