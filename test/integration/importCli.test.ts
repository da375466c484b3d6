import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { jsonLines, repoRoot, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';
import { createServiceLogGenerator, formatCsvHeader, formatCsvLine } from '../../src/shared/synth/serviceLog';

const work = tempDataDir('logscope-import-cli-');

describe('logscope import: the same instants in every computer zone', () => {
  const withOffset = path.join(work, 'offsets.csv');
  const zoneless = path.join(work, 'zoneless.jsonl');
  fs.writeFileSync(withOffset, 'time,v\n2024-03-10T06:30:00Z,1\n2024-03-10T12:00:00+09:00,2\n2024-03-10T01:59:59-05:00,3\n');
  fs.writeFileSync(zoneless, '{"time":"2024-03-10 01:30:00","v":1}\n{"time":"2024-03-10 03:30:00","v":2}\n');

  it.each(['UTC', 'Asia/Seoul', 'America/New_York'])('under TZ=%s', async (zone) => {
    const dataDir = path.join(work, `zone-${zone.replace('/', '-')}`);
    const offsets = jsonLines((await runCli(['import', withOffset, '--json', '--data-dir', dataDir], { env: { TZ: zone } })).stdout)[0] as Record<string, unknown>;
    expect(offsets).toMatchObject({ tz: null, time_min: '2024-03-10T03:00:00.000Z', time_max: '2024-03-10T06:59:59.000Z' });
    // Zone-less times follow --tz, whatever the computer's zone (New York's DST starts at 02:00 that day).
    const local = jsonLines((await runCli(['import', zoneless, '--tz', 'America/New_York', '--json', '--data-dir', dataDir], { env: { TZ: zone } })).stdout)[0] as Record<string, unknown>;
    expect(local).toMatchObject({ tz: 'America/New_York', time_min: '2024-03-10T06:30:00.000Z', time_max: '2024-03-10T07:30:00.000Z' });
  });

  it('without --tz reads zone-less times in the computer zone', async () => {
    const dataDir = path.join(work, 'zone-default');
    const result = jsonLines((await runCli(['import', zoneless, '--json', '--data-dir', dataDir], { env: { TZ: 'Asia/Seoul' } })).stdout)[0];
    expect(result).toMatchObject({ tz: 'Asia/Seoul', time_min: '2024-03-09T16:30:00.000Z' });
  });
});

describe('logscope import: several files and the JSON keys scripts rely on', () => {
  it('prints one object per file and exits 1 when one failed, with the others imported', async () => {
    const dataDir = path.join(work, 'several');
    const good = path.join(work, 'good.csv');
    const empty = path.join(work, 'empty.csv');
    fs.writeFileSync(good, 'time,v\n2024-01-01T00:00:00Z,1\n');
    fs.writeFileSync(empty, '');
    const result = await runCli(['import', good, empty, '--json', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    const [first, second] = jsonLines(result.stdout) as Record<string, unknown>[];
    for (const key of ['file', 'dataset', 'format', 'encoding', 'columns', 'time_column', 'level_column', 'tz', 'lines', 'rows', 'rejected', 'skipped', 'duplicate', 'time_min', 'time_max']) {
      expect(first, key).toHaveProperty(key);
    }
    expect(second).toMatchObject({ file: 'empty.csv', error: { code: 'file_empty' } });
    const again = await runCli(['import', good, '--json', '--data-dir', dataDir]);
    expect(again.status).toBe(0);
    expect(jsonLines(again.stdout)[0]).toMatchObject({ duplicate: true, rows: 0 });
  });

  it('detect prints the same keys without importing', async () => {
    const dataDir = path.join(work, 'detect');
    const file = path.join(work, 'detect.csv');
    fs.writeFileSync(file, 'time;level;message\n2024-01-01T00:00:00Z;INFO;hello\n');
    const result = await runCli(['detect', file, '--json', '--data-dir', dataDir]);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ format: 'csv', delimiter: ';', time_column: 'time', rows: 1, dataset: 'detect' });
    const listed = await runCli(['datasets', '--json', '--data-dir', dataDir]);
    expect(listed.stdout).toBe('');
  });
});

describe('a file the user cannot read', () => {
  it('gives a clear message, not a crash (run as an unprivileged user)', async () => {
    const dataDir = path.join(work, 'unprivileged');
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(work, 'secret.csv');
    fs.writeFileSync(file, 'time,v\n2024-01-01T00:00:00Z,1\n', { mode: 0o600 });
    fs.chmodSync(work, 0o755);
    fs.chownSync(dataDir, 65534, 65534);
    // This Node may live where only its user can reach it (npx's cache under a 0700 home, when
    // npm test runs itself on a supported Node): the unprivileged user runs a copy.
    const node = path.join(work, 'node');
    fs.copyFileSync(process.execPath, node);
    fs.chmodSync(node, 0o755);
    const result = await new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(node, [path.join(repoRoot, 'bin/logscope.js'), 'import', file, '--json', '--data-dir', dataDir], {
        uid: 65534,
        gid: 65534,
        env: { ...process.env, HOME: dataDir },
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout }));
    });
    expect(result.status).toBe(1);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ file: 'secret.csv', error: { code: 'file_unreadable' } });
  });
});

describe('an import killed with SIGKILL', () => {
  it('leaves the whole file or nothing, and the catalogue says which', async () => {
    const file = path.join(work, 'big.csv');
    const out = fs.createWriteStream(file);
    out.write(formatCsvHeader() + '\n');
    for (const record of createServiceLogGenerator({ lines: 400_000, seed: 3 })) out.write(formatCsvLine(record) + '\n');
    await new Promise((resolve) => out.end(resolve));
    // Kill at several moments: while hashing, while DuckDB inserts, around the commit.
    for (const delayMs of [150, 600, 1200, 2000, 3000]) {
      const dataDir = path.join(work, `killed-${delayMs}`);
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin/logscope.js'), 'import', file, '--data-dir', dataDir]);
      // Listened for from the start: a fast import may have finished before the kill.
      const closed = new Promise((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await closed;
      const database = path.join(dataDir, 'datasets.duckdb');
      if (!fs.existsSync(database)) continue;
      const instance = await DuckDBInstance.create(database);
      const connection = await instance.connect();
      // Killed before the catalogue was created (a slow start): nothing can have been committed.
      const catalogued = (await connection.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'logscope' AND table_name = 'source_files'`)).getRows();
      const sources = Number(catalogued[0]![0]) === 0 ? [] : (await connection.runAndReadAll(`SELECT id, rows FROM logscope.source_files`)).getRows();
      const tables = (await connection.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'`)).getRows();
      if (sources.length === 0) {
        // Nothing committed: no dataset table holds any row.
        for (const [table] of tables) {
          expect(Number((await connection.runAndReadAll(`SELECT count(*) FROM main."${String(table)}"`)).getRows()[0]![0])).toBe(0);
        }
      } else {
        expect(sources).toHaveLength(1);
        expect(Number(sources[0]![1])).toBe(400_000);
        expect(Number((await connection.runAndReadAll(`SELECT count(*) FROM main.big`)).getRows()[0]![0])).toBe(400_000);
      }
      connection.closeSync();
      instance.closeSync();
      if (sources.length === 1) {
        // Killed after the commit, perhaps before the lines were written: the next start writes them.
        const numbered = await runCli(['query', 'SELECT count(_ls_line), min(_ls_line), max(_ls_line) FROM big', '--json', '--data-dir', dataDir]);
        expect(jsonLines(numbered.stdout)[0]).toEqual({ 'count(_ls_line)': 400_000, 'min(_ls_line)': 2, 'max(_ls_line)': 400_001 });
      }
    }
  });
});
