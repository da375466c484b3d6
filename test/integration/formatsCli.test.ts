import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { importFormats } from '../../src/shared/api/contract/imports';
import { jsonLines, runCli } from './support/cli';
import { tempDataDir } from './support/dataDir';

const work = tempDataDir('logscope-formats-cli-');
const write = (name: string, content: string | Buffer) => {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return file;
};

async function zipOf(members: [string, string | Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of members) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('logscope import: formats, encodings and archives from the command line', () => {
  it('lists every format in --help', async () => {
    const help = await runCli(['import', '--help']);
    expect(help.status).toBe(0);
    for (const format of importFormats) expect(help.stdout).toContain(format);
    expect(help.stdout).toContain('--encoding');
    expect(help.stdout).toContain('--pattern');
  });

  it('prints one JSON object per member of a zip, with the keys scripts rely on', async () => {
    const dataDir = path.join(work, 'zip');
    const file = write(
      'week.zip',
      await zipOf([
        ['app.log', '2024-03-04 09:15:02 INFO started\n2024-03-04 09:15:03 ERROR failed\n'],
        ['access.log.1.gz', zlib.gzipSync('1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 5 "-" "ua" 0.001\n')],
        ['image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
      ]),
    );
    const result = await runCli(['import', file, '--json', '--tz', 'UTC', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    const [log, access, image] = jsonLines(result.stdout) as Record<string, unknown>[];
    for (const key of ['file', 'dataset', 'format', 'encoding', 'columns', 'time_column', 'level_column', 'tz', 'lines', 'rows', 'rejected', 'skipped', 'duplicate', 'time_min', 'time_max']) {
      expect(log, key).toHaveProperty(key);
    }
    expect(log).toMatchObject({ file: 'week.zip/app.log', archive: 'week.zip', member: 'app.log', format: 'log', encoding: 'utf-8', lines: 2, rows: 2, level_column: 'level' });
    expect(access).toMatchObject({ member: 'access.log.1.gz', format: 'nginx', rows: 1, time_min: '2024-03-04T00:15:02.000Z', tz: null });
    expect(image).toMatchObject({ file: 'week.zip/image.png', error: { code: 'file_binary' } });
  });

  it('takes --encoding, --format and --pattern', async () => {
    const dataDir = path.join(work, 'flags');
    const csv = write('export.csv', iconv.encode('이름,값\n가,1\n', 'cp949'));
    const forced = jsonLines((await runCli(['import', csv, '--encoding', 'cp949', '--json', '--data-dir', dataDir])).stdout)[0];
    expect(forced).toMatchObject({ encoding: 'euc-kr', rows: 1, columns: [{ name: '이름', type: 'VARCHAR' }, { name: '값', type: 'BIGINT' }] });
    const log = write('app.log', '2024-03-04 09:15:02 INFO a\n2024-03-04 09:15:03 INFO b\n');
    const lines = jsonLines((await runCli(['import', log, '--format', 'lines', '--dataset', 'raw', '--json', '--data-dir', dataDir])).stdout)[0];
    expect(lines).toMatchObject({ format: 'lines', rows: 2, columns: [{ name: 'line', type: 'VARCHAR' }] });
    const jobs = write('jobs.txt', 'job=1 took=12ms\njob=2 took=40ms\n');
    const pattern = '^job=(?<job>\\d+) took=(?<took_ms>\\d+)ms$';
    const own = jsonLines((await runCli(['import', jobs, '--pattern', pattern, '--pattern-name', 'jobs', '--json', '--data-dir', dataDir])).stdout)[0];
    expect(own).toMatchObject({ format: 'pattern', rows: 2, columns: [{ name: 'job', type: 'BIGINT' }, { name: 'took_ms', type: 'BIGINT' }] });
    const unknown = await runCli(['import', log, '--encoding', 'klingon', '--json', '--data-dir', dataDir]);
    expect(unknown.status).toBe(1);
    expect(jsonLines(unknown.stdout)[0]).toMatchObject({ error: { code: 'encoding_unknown' } });
    expect((await runCli(['import', log, '--format', 'nonsense', '--data-dir', dataDir])).status).toBe(2);
  });

  it('detect shows the year it assumes for timestamps without one', async () => {
    const dataDir = path.join(work, 'detect');
    const file = write('messages', 'Dec 31 23:59:58 gw cron[1]: before\nJan  1 00:00:01 gw cron[2]: after\n');
    fs.utimesSync(file, new Date('2025-01-01T01:00:00Z'), new Date('2025-01-01T01:00:00Z'));
    const result = jsonLines((await runCli(['detect', file, '--json', '--tz', 'UTC', '--data-dir', dataDir])).stdout)[0];
    expect(result).toMatchObject({ format: 'syslog', assumed_time: { kind: 'year', value: '2025', source: 'file_modified', sampleRolledBack: 1 } });
  });
});
