import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import type { FilePreview, ImportResult } from '../../src/shared/api/contract/imports';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir();
const files = path.join(dataDir, 'files');
const loghub = path.resolve(import.meta.dirname, '../fixtures/loghub');
let core: AppCore;
let api: Api;

beforeAll(async () => {
  fs.mkdirSync(files);
  core = await openOwnedCore(dataDir);
  api = createLocalApi(core.rpc, core.events);
});
afterAll(async () => core?.dispose());

const write = (name: string, content: string | Buffer, modified?: Date) => {
  const file = path.join(files, name);
  fs.writeFileSync(file, content);
  if (modified) fs.utimesSync(file, modified, modified);
  return file;
};
const lines = (...text: string[]) => text.join('\n') + '\n';

type Item = { ok: true; result: ImportResult } | { ok: false; file: string; error: { code: string; params: Record<string, unknown> } };

async function importAll(file: string, options: Record<string, unknown> = {}, ref: Record<string, unknown> = { path: file }): Promise<Item[]> {
  return (await api.call('import.run', { jobId: 'formats', files: [{ file: ref as { path: string }, options }], origin: 'command' })) as Item[];
}

async function importOne(file: string, options: Record<string, unknown> = {}): Promise<ImportResult> {
  const [item] = await importAll(file, options);
  if (!item?.ok) throw new AppError(((item as { error: { code: string } }).error.code ?? 'internal') as never, (item as { error: { params: object } }).error.params as never);
  return item.result;
}

async function previewOf(file: string, options: Record<string, unknown> = {}): Promise<FilePreview> {
  const [item] = await api.call('import.preview', { files: [{ path: file }], options: [options] });
  if (!item?.ok) throw new Error(JSON.stringify(item));
  return item.preview;
}

const rows = async (sql: string) => (await api.call('query.run', { sql, limit: 10_000 })).rows;
const accounted = (r: ImportResult) => r.rows + r.joined + r.rejected + r.skipped;

async function zipOf(members: [string, Buffer | string][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of members) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('the loghub samples: every line accounted for, time and level found', () => {
  it.each([
    ['Apache_2k.log', 'log', 'level'],
    ['HDFS_2k.log', 'log', 'level'],
    ['Zookeeper_2k.log', 'log', 'level'],
    // The Linux sample's "Level" column in the ground truth is the host name: its lines carry no level.
    ['Linux_2k.log', 'syslog', null],
  ])('%s', async (name, format, levelColumn) => {
    const dataset = `hub_${name.split('_')[0]!.toLowerCase()}`;
    const result = await importOne(path.join(loghub, name), { dataset: { kind: 'new', name: dataset }, timeZone: 'UTC' });
    const truth = await importOne(path.join(loghub, `${name}_structured.csv`), { dataset: { kind: 'new', name: `${dataset}_truth` }, timeZone: 'UTC' });
    expect(result).toMatchObject({ format, lines: 2000, rows: truth.rows, rejected: 0, skipped: 0, joined: 0, timeColumn: 'time', timeUnparsed: 0, levelColumn });
    expect(accounted(result)).toBe(result.lines);
    // Line by line against the ground truth: the message (Logscope reads Apache's [client …]
    // and syslog tags the sample's parser left in it as columns of their own: never text
    // lost), and the level where lines have one.
    const client = name.startsWith('Apache') ? `coalesce('[client ' || l.client || '] ', '') || ` : '';
    const [mismatches] = await rows(
      `SELECT count(*) FILTER (WHERE NOT contains(${client}l.message, trim(t.Content))),
              ${levelColumn ? `count(*) FILTER (WHERE l.level <> upper(t.Level) AND NOT (l.level = 'WARN' AND upper(t.Level) = 'WARNING'))` : '0'},
              count(*)
       FROM ${dataset} l JOIN ${dataset}_truth t ON t.LineId = l._ls_line`,
    );
    expect(mismatches).toEqual([0, 0, 2000]);
  });

  it('reads the times the ground truth gives', async () => {
    expect(await rows(`SELECT time FROM hub_apache ORDER BY _ls_line LIMIT 1`)).toEqual([['2005-12-04T04:47:44.000Z']]);
    expect(await rows(`SELECT time FROM hub_hdfs ORDER BY _ls_line LIMIT 1`)).toEqual([['2008-11-09T20:36:15.000Z']]);
    expect(await rows(`SELECT time FROM hub_zookeeper ORDER BY _ls_line LIMIT 1`)).toEqual([['2015-07-29T17:41:44.747Z']]);
    expect(await rows(`SELECT strftime(time, '%m-%d %H:%M:%S') FROM hub_linux ORDER BY _ls_line LIMIT 1`)).toEqual([['06-14 15:16:01']]);
  });
});

describe('multi-line entries', () => {
  it('join stack-trace lines to the entry before them, which remembers the lines it spans', async () => {
    const file = write(
      'billing.log',
      lines(
        'leftover line from before the restart',
        '2024-03-04 09:15:02,123 [main] INFO  com.example.App - started',
        '2024-03-04 09:15:03,001 [worker-1] ERROR com.example.Db - query failed',
        'java.sql.SQLException: timeout',
        '\tat com.example.Db.run(Db.java:42)',
        '',
        'Caused by: java.net.SocketTimeoutException: read timed out',
        '\t... 2 more',
        '2024-03-04 09:15:04,500 [main] WARN  com.example.App - slow',
        '',
        '2024-03-04 09:15:05,000 [main] INFO  com.example.App - done',
      ),
    );
    const preview = await previewOf(file, { timeZone: 'UTC' });
    expect(preview).toMatchObject({ format: 'log', multiline: true, sampleJoined: 4, timeLayout: '2024-03-04 09:15:02,123' });
    expect(preview.pattern).toContain('(?<level>');
    const result = await importOne(file, { timeZone: 'UTC' });
    expect(result).toMatchObject({ format: 'log', lines: 11, rows: 5, joined: 4, skipped: 2, rejected: 0, levelColumn: 'level' });
    expect(accounted(result)).toBe(result.lines);
    expect(await rows(`SELECT _ls_line, _ls_lines, level, message FROM billing ORDER BY _ls_line`)).toEqual([
      [1, 1, null, 'leftover line from before the restart'],
      [2, 1, 'INFO', 'started'],
      [3, 6, 'ERROR', 'query failed\njava.sql.SQLException: timeout\n\tat com.example.Db.run(Db.java:42)\n\nCaused by: java.net.SocketTimeoutException: read timed out\n\t... 2 more'],
      [9, 1, 'WARN', 'slow'],
      [11, 1, 'INFO', 'done'],
    ]);
  });

  it('join Python tracebacks to their entry', async () => {
    const result = await importOne(write('worker.log', lines('INFO:root:start', 'ERROR:app:failed', 'Traceback (most recent call last):', '  File "x.py", line 1', 'ValueError: bad', 'INFO:root:end')));
    expect(result).toMatchObject({ format: 'python', rows: 3, joined: 3, levelColumn: 'level', timeColumn: null });
    expect(await rows(`SELECT _ls_lines, level FROM worker ORDER BY _ls_line`)).toEqual([
      [1, 'INFO'],
      [4, 'ERROR'],
      [1, 'INFO'],
    ]);
  });
});

describe('times and levels written unusually', () => {
  it('reads a 12-hour clock with AM/PM as the 24-hour time it means: 12 AM is midnight, 12 PM noon', async () => {
    const file = write('twelve.log', lines('2031-02-03T09:10:11.5 PM UTC <42>NOTICE:fw:rules loaded', '2031-02-03T12:00:00 AM UTC <42>DEBUG:fw:tick', '2031-02-03T12:30:00 PM UTC <42>INFO:fw:noon'));
    const result = await importOne(file, { dataset: { kind: 'new', name: 'twelve' } });
    expect(result).toMatchObject({ format: 'log', rows: 3, rejected: 0, timeUnparsed: 0 });
    expect(await rows(`SELECT strftime(time, '%Y-%m-%d %H:%M:%S.%g'), level FROM twelve ORDER BY _ls_line`)).toEqual([
      ['2031-02-03 21:10:11.500', 'NOTICE'],
      ['2031-02-03 00:00:00.000', 'DEBUG'],
      ['2031-02-03 12:30:00.000', 'INFO'],
    ]);
  });

  it('reads a two-letter level with its PRI beside level words in the same field', async () => {
    const file = write('pri.log', lines('2031-02-03T04:05:06Z info svc[10] ready', '2031-02-03T04:05:07Z warning svc[10] slow', '2031-02-03T04:05:08Z Er(163) svc[10] gone'));
    const result = await importOne(file, { dataset: { kind: 'new', name: 'pri' } });
    expect(result).toMatchObject({ rows: 3, rejected: 0 });
    expect(await rows(`SELECT level FROM pri ORDER BY _ls_line`)).toEqual([['INFO'], ['WARN'], ['ERROR']]);
  });
});

describe('timestamps without a year', () => {
  it('take the year of the file modification time, and the year before across December → January', async () => {
    const file = write('router.log', lines('Dec 31 23:59:58 gw cron[1]: before', 'Jan  1 00:00:01 gw cron[2]: after', '<34>Jan  1 00:00:02 gw su: denied'), new Date('2025-01-01T01:00:00Z'));
    const preview = await previewOf(file, { timeZone: 'UTC' });
    expect(preview.assumedTime).toEqual({ kind: 'year', source: 'file_modified', reference: '2025-01-01T01:00:00.000Z', value: '2025', sampleRolledBack: 1 });
    const result = await importOne(file, { timeZone: 'UTC' });
    expect(result).toMatchObject({ format: 'syslog', timeMin: '2024-12-31T23:59:58.000Z', timeMax: '2025-01-01T00:00:02.000Z' });
    expect(await rows(`SELECT level, facility, process, pid FROM router ORDER BY _ls_line`)).toEqual([
      [null, null, 'cron', 1],
      [null, null, 'cron', 2],
      ['CRITICAL', 'auth', 'su', null],
    ]);
  });

  it('take the mail date for an attachment, and the browser lastModified for an upload', async () => {
    const content = lines('03-17 16:13:38.811  1702  2395 D WindowManager: opening', '03-17 16:13:38.819  1702  8671 E PowerManager: acquire');
    const mailed = await core.imports.importFile({
      path: write('phone-mail.txt', content, new Date('2030-06-01T00:00:00Z')),
      name: 'phone.txt',
      origin: 'mail',
      lastModified: Date.parse('2021-05-01T00:00:00Z'),
      options: { timeZone: 'UTC', dataset: { kind: 'new', name: 'phone_mail' } },
    });
    expect(mailed).toMatchObject({ format: 'logcat', timeMin: '2021-03-17T16:13:38.811Z', levelColumn: 'level' });
    const uploadId = 'upload-formats-0001';
    fs.writeFileSync(path.join(dataDir, 'uploads', uploadId), content.replace('D Window', 'W Window'));
    const [uploaded] = await importAll('', { timeZone: 'UTC', dataset: { kind: 'new', name: 'phone_upload' } }, { uploadId, name: 'phone.txt', lastModified: Date.parse('2019-04-01T00:00:00Z') });
    expect(uploaded).toMatchObject({ ok: true, result: { timeMin: '2019-03-17T16:13:38.811Z' } });
  });
});

describe('encodings', () => {
  it('reads a CP949 CSV exported on Korean Windows, Korean headers intact', async () => {
    const csv = '시간,레벨,메시지\n2024-03-01 09:00:00,INFO,서버가 시작되었습니다\n2024-03-01 09:00:01,ERROR,디스크 공간 부족\n';
    const file = write('점검.csv', iconv.encode(csv, 'cp949'));
    expect((await previewOf(file)).encoding).toBe('euc-kr');
    const result = await importOne(file, { timeZone: 'Asia/Seoul', dataset: { kind: 'new', name: '점검' } });
    expect(result).toMatchObject({ format: 'csv', encoding: 'euc-kr', rows: 2, timeColumn: '시간', levelColumn: '레벨', timeMin: '2024-03-01T00:00:00.000Z' });
    expect(result.columns.map((c) => c.name)).toEqual(['시간', '레벨', '메시지']);
    expect(await rows(`SELECT 메시지 FROM 점검 ORDER BY _ls_line`)).toEqual([['서버가 시작되었습니다'], ['디스크 공간 부족']]);
  });

  it('reads UTF-16 (both byte orders), Latin-1, and an encoding the user names', async () => {
    const le = await importOne(write('wide.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('2024-03-04 09:15:02 INFO 한글 started\r\n2024-03-04 09:15:03 ERROR failed\r\n', 'utf16le')])));
    expect(le).toMatchObject({ format: 'log', encoding: 'utf-16le', rows: 2, lines: 2 });
    expect(await rows(`SELECT message FROM wide ORDER BY _ls_line`)).toEqual([['한글 started'], ['failed']]);
    const be = await importOne(write('wide-be.csv', iconv.encode('time,v\n2024-01-01T00:00:00Z,1\n', 'utf16be')));
    expect(be).toMatchObject({ format: 'csv', encoding: 'utf-16be', rows: 1 });
    const latin = await importOne(write('cities.csv', iconv.encode('name,city\nJosé,São Paulo\nZoë,Kraków\n', 'latin1')));
    expect(latin).toMatchObject({ encoding: 'windows-1252', rows: 2 });
    expect(await rows(`SELECT city FROM cities ORDER BY _ls_line`)).toEqual([['São Paulo'], ['Kraków']]);
    const forced = await importOne(write('forced.csv', iconv.encode('a,b\n1,é\n', 'latin1')), { encoding: 'latin1', dataset: { kind: 'new', name: 'forced' } });
    expect(forced.encoding).toBe('windows-1252');
    expect((await importAll(write('bad-label.csv', 'a,b\n1,2\n'), { encoding: 'klingon' }))[0]).toMatchObject({ ok: false, error: { code: 'encoding_unknown' } });
  });

  it('keeps the undecodable lines of a file that mixes encodings as rejects', async () => {
    const file = write('mixed-enc.log', Buffer.concat([Buffer.from('2024-03-04 09:15:02 INFO 정상 줄\n'), iconv.encode('2024-03-04 09:15:03 INFO 깨진 줄\n', 'cp949'), Buffer.from('2024-03-04 09:15:04 INFO 다시 정상\n')]));
    const result = await importOne(file);
    expect(result).toMatchObject({ encoding: 'utf-8', rows: 2, rejected: 1, lines: 3 });
    expect(await rows(`SELECT _ls_line FROM mixed_enc ORDER BY 1`)).toEqual([[1], [3]]);
    const [reject] = await rows(`SELECT line, reason FROM logscope.rejects WHERE dataset = 'mixed_enc'`);
    expect(reject?.[0]).toBe(2);
    expect(String(reject?.[1])).toMatch(/INVALID ENCODING/);
  });
});

describe('access logs', () => {
  it('type every field, keep request times in seconds, and recover what the split refuses', async () => {
    const file = write(
      'shop-access.log',
      lines(
        '203.0.113.7 - - [04/Mar/2024:09:15:02 +0900] "GET /api/items?page=2 HTTP/1.1" 200 1532 "-" "Mozilla/5.0" 0.012 0.010',
        '203.0.113.8 - bob [04/Mar/2024:09:15:03 +0900] "POST /api/cart HTTP/1.1" 500 0 "https://shop/" "curl/8" 1.500 -',
        '',
        '203.0.113.9 - - [04/Mar/2024:09:15:04 +0900] "GET /a\\x22b HTTP/1.1" 404 12 "-" "ua" 0.001 0.001',
        '\u0016\u0003\u0001 not an access line',
        '203.0.113.10 - - [04/Mar/2024:09:15:05 +0900] "GET /unclosed HTTP/1.1" 200 5 "-" "ua 0.002 0.002',
        '203.0.113.11 - - [04/Mar/2024:09:15:06 +0900] "GET /after HTTP/1.1" 200 5 "-" "ua" 0.003 0.003',
        '203.0.113.12 - - [04/Mar/2024:09:15:07 +0900] "GET /last HTTP/1.1" 200 5 "-" "ua" 0.004 0.004',
      ),
    );
    const result = await importOne(file);
    expect(result).toMatchObject({ format: 'nginx', lines: 8, skipped: 1, timeColumn: 'time', timeZone: null });
    expect(accounted(result)).toBe(8);
    // Line 6's user agent lost its closing quote: the fields before it still count.
    expect(result.rows).toBe(6);
    expect(result.rejected).toBe(1);
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'client_ip:VARCHAR', 'ident:VARCHAR', 'user:VARCHAR', 'time:TIMESTAMP', 'method:VARCHAR', 'path:VARCHAR', 'protocol:VARCHAR',
      'status:SMALLINT', 'bytes:BIGINT', 'referer:VARCHAR', 'user_agent:VARCHAR', 'request_time:DOUBLE', 'upstream_response_time:DOUBLE', '_partial:BOOLEAN',
    ]);
    expect(await rows(`SELECT _ls_line, time, method, path, status, request_time FROM shop_access ORDER BY _ls_line`)).toEqual([
      [1, '2024-03-04T00:15:02.000Z', 'GET', '/api/items?page=2', 200, 0.012],
      [2, '2024-03-04T00:15:03.000Z', 'POST', '/api/cart', 500, 1.5],
      [4, '2024-03-04T00:15:04.000Z', 'GET', '/a\\x22b', 404, 0.001],
      [6, '2024-03-04T00:15:05.000Z', 'GET', '/unclosed', 200, null],
      [7, '2024-03-04T00:15:06.000Z', 'GET', '/after', 200, 0.003],
      [8, '2024-03-04T00:15:07.000Z', 'GET', '/last', 200, 0.004],
    ]);
    expect((await rows(`SELECT line FROM logscope.rejects WHERE dataset = 'shop_access' ORDER BY line`)).map((r) => r[0])).toEqual([5]);
    expect(await rows(`SELECT user_agent FROM shop_access WHERE _ls_line = 6`)).toEqual([['ua 0.002 0.002']]);
    const catalog = await core.db.connection('catalog');
    const units = await catalog.all(`SELECT column_name, unit FROM logscope.column_units u JOIN logscope.datasets d ON d.id = u.dataset_id WHERE d.name = 'shop_access' ORDER BY 1`);
    expect(units.rows).toEqual([
      ['request_time', 's'],
      ['upstream_response_time', 's'],
    ]);
  });

  it('reads the file line by line when the split swallows more than it can give back', async () => {
    const line = (i: number, agent: string) => `10.0.0.${i} - - [04/Mar/2024:09:15:0${i} +0900] "GET /${i} HTTP/1.1" 200 5 "-" "${agent}" 0.00${i}`;
    // An unclosed quote in a 20 kB field: DuckDB keeps only the first 10 kB of the refused record.
    const unclosed = `10.0.0.3 - - [04/Mar/2024:09:15:03 +0900] "GET /3 HTTP/1.1" 200 5 "-" "${'x'.repeat(20_000)} 0.003`;
    const result = await importOne(write('swallowed.log', lines(line(1, 'ua'), line(2, 'ua'), unclosed, line(4, 'ua'), line(5, 'ua'))));
    expect(result).toMatchObject({ format: 'nginx', lines: 5, rows: 5, rejected: 0 });
    expect(await rows(`SELECT _ls_line, path, length(user_agent), _partial FROM swallowed ORDER BY _ls_line`)).toEqual([
      [1, '/1', 2, false],
      [2, '/2', 2, false],
      [3, '/3', 20_006, true],
      [4, '/4', 2, false],
      [5, '/5', 2, false],
    ]);
  });

  it('counts an Apache combined line whose user agent was cut off, as awk does', async () => {
    const result = await importOne(
      write(
        'apache-combined.log',
        lines(
          '192.0.2.1 - - [10/Oct/2023:13:55:36 -0700] "GET /a HTTP/1.1" 200 2326 "http://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
          '192.0.2.2 - - [10/Oct/2023:13:55:37 -0700] "GET /b HTTP/1.1" 503 0 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWe',
          '192.0.2.3 - - [10/Oct/2023:13:55:38 -0700] "GET /c HTTP/1.1" 503 0 "-" "curl/8.4.0"',
        ),
      ),
    );
    expect(result).toMatchObject({ lines: 3, rows: 3, rejected: 0 });
    expect(await rows(`SELECT status, count(*) FROM apache_combined GROUP BY status ORDER BY status`)).toEqual([
      [200, 1],
      [503, 2],
    ]);
    expect(await rows(`SELECT user_agent FROM apache_combined WHERE path = '/b'`)).toEqual([['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWe']]);
    // The cut line is marked partial; the whole ones are not.
    expect(await rows(`SELECT path, _partial FROM apache_combined ORDER BY _ls_line`)).toEqual([
      ['/a', false],
      ['/b', true],
      ['/c', false],
    ]);
  });

  it('reads Apache common with "-" bytes and a vhost first with %D microseconds', async () => {
    const common = await importOne(
      write(
        'apache-common.log',
        lines(
          '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 304 -',
          '127.0.0.1 - - [10/Oct/2000:13:55:37 -0700] "GET / HTTP/1.0" 200 2326',
          // Apache escapes a quote as \" — which DuckDB's split refuses; the recovery reads it.
          '127.0.0.1 - - [10/Oct/2000:13:55:38 -0700] "GET /say\\"hi\\" HTTP/1.0" 404 209',
        ),
      ),
    );
    expect(common).toMatchObject({ format: 'apache', rows: 3, rejected: 0, timeMin: '2000-10-10T20:55:36.000Z' });
    expect(await rows(`SELECT user, path, bytes, _ls_line FROM apache_common ORDER BY _ls_line`)).toEqual([
      ['frank', '/a.gif', 0, 1],
      [null, '/', 2326, 2],
      [null, '/say\\"hi\\"', 209, 3],
    ]);
    const vhost = await importOne(write('vhost-access.log', lines('www.example.com:443 1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 512 "-" "curl/8.0" 1234')));
    expect(vhost.format).toBe('apache');
    expect(await rows(`SELECT vhost, request_time FROM vhost_access`)).toEqual([['www.example.com:443', 0.001234]]);
  });
});

describe('a format of the user own', () => {
  it('reads lines with named groups, saves the pattern by name, and offers it again', async () => {
    const pattern = '^job=(?<job>\\d+) state=(?<state>\\w+) took=(?<took_ms>\\d+)ms (?<message>.*)$';
    const content = lines('job=1 state=done took=12ms all good', 'job=2 state=failed took=40ms disk full', '  details of job 2', 'job=3 state=done took=7ms fine');
    const result = await importOne(write('jobs.txt', content), { pattern, patternName: 'jobs' });
    expect(result).toMatchObject({ format: 'pattern', rows: 3, joined: 1 });
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['job:BIGINT', 'state:VARCHAR', 'took_ms:BIGINT', 'message:VARCHAR']);
    expect(await rows(`SELECT job, message FROM jobs WHERE job = 2`)).toEqual([[2, 'disk full\n  details of job 2']]);
    const listed = await api.call('formats.list', {});
    expect(listed.patterns.map((p) => [p.name, p.pattern])).toEqual([['jobs', pattern]]);
    expect(listed.formats.map((f) => f.format)).toContain('syslog5424');
    const again = await previewOf(write('jobs-2.txt', content.replaceAll('job=', 'job=1')));
    expect(again).toMatchObject({ format: 'pattern', patternName: 'jobs', options: { format: 'pattern', patternName: 'jobs' } });
    expect((await importAll(write('jobs-3.txt', 'x\n'), { patternName: 'nope' }))[0]).toMatchObject({ ok: false, error: { code: 'pattern_not_found' } });
    expect((await importAll(write('jobs-4.txt', 'x\n'), { pattern: '(?<a>x)(?=y)' }))[0]).toMatchObject({ ok: false, error: { code: 'pattern_invalid' } });
    expect(await api.call('formats.remove', { name: 'jobs' })).toEqual({ removed: true });
  });

  it('is one way to force a format; --format forces any other', async () => {
    const result = await importOne(write('forced-lines.log', lines('2024-03-04 09:15:02 INFO a', '', '2024-03-04 09:15:03 INFO b')), { format: 'lines' });
    expect(result).toMatchObject({ format: 'lines', rows: 2, skipped: 1, timeColumn: null });
    expect(await rows(`SELECT line, _ls_line FROM forced_lines ORDER BY _ls_line`)).toEqual([
      ['2024-03-04 09:15:02 INFO a', 1],
      ['2024-03-04 09:15:03 INFO b', 3],
    ]);
  });
});

describe('gzip and zip', () => {
  const javaLog = lines('2024-03-04 09:15:02,123 [main] INFO  c.e.A - one', '2024-03-04 09:15:03,123 [main] INFO  c.e.A - two');

  it('reads a .gz as its content: the same content is the same file, whatever the container', async () => {
    const gz = await importOne(write('svc.log.gz', zlib.gzipSync(javaLog)), { dataset: { kind: 'new', name: 'svc' } });
    expect(gz).toMatchObject({ file: 'svc.log.gz', format: 'log', rows: 2, dataset: 'svc' });
    expect(await importOne(write('svc.log', javaLog))).toMatchObject({ duplicate: true, rows: 0, dataset: 'svc' });
  });

  it('imports every member of a zip as a source of its own; names are labels, never paths', async () => {
    const zipped = await zipOf([
      ['logs/app.log', lines('2024-03-04 09:15:02 INFO zipped app')],
      ['보고서.csv', iconv.encode('시간,값\n2024-03-01 09:00:00,1\n', 'cp949')],
      ['rotated/app.log.1.gz', zlib.gzipSync(lines('2024-03-03 09:15:02 INFO rotated'))],
      ['XX/XX/XX/tmp/escaped.log', lines('2024-03-04 09:15:02 INFO escaped')],
      ['__MACOSX/._app.log', 'resource fork'],
    ]);
    // yazl refuses to write `../` names; a hostile archive has them.
    const hostile = Buffer.from(zipped.toString('latin1').replaceAll('XX/XX/XX/tmp', '../../../tmp'), 'latin1');
    const items = await importAll(write('week.zip', hostile), { timeZone: 'UTC' });
    expect(items.map((i) => (i.ok ? [i.result.file, i.result.member, i.result.format, i.result.rows] : [i.file, i.error.code]))).toEqual([
      ['week.zip/logs/app.log', 'logs/app.log', 'log', 1],
      ['week.zip/보고서.csv', '보고서.csv', 'csv', 1],
      ['week.zip/rotated/app.log.1.gz', 'rotated/app.log.1.gz', 'log', 1],
      ['week.zip/../../../tmp/escaped.log', '../../../tmp/escaped.log', 'log', 1],
    ]);
    expect(items.every((i) => i.ok && i.result.archive === 'week.zip')).toBe(true);
    expect(fs.existsSync('/tmp/escaped.log')).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, 'tmp')).filter((f) => !f.endsWith('.tmp'))).toEqual([]);
    expect((await api.call('datasets.list', {})).map((d) => d.name)).toEqual(expect.arrayContaining(['app', '보고서', 'escaped']));
  });

  it('previews each member, and one member can be imported alone', async () => {
    const file = write('pair.zip', await zipOf([['a.log', lines('2024-03-04 09:15:02 INFO a')], ['b.csv', 't,v\n2024-01-01T00:00:00Z,1\n']]));
    const previews = await api.call('import.preview', { files: [{ path: file }], options: [{}] });
    expect(previews.map((p) => (p.ok ? [p.preview.file.name, p.preview.format, p.preview.archive] : null))).toEqual([
      ['pair.zip/a.log', 'log', { name: 'pair.zip', member: 'a.log' }],
      ['pair.zip/b.csv', 'csv', { name: 'pair.zip', member: 'b.csv' }],
    ]);
    const single = await importAll(file, { dataset: { kind: 'new', name: 'pair_b' } }, { path: file, member: 'b.csv' });
    expect(single).toMatchObject([{ ok: true, result: { member: 'b.csv', rows: 1 } }]);
    const error = await core.imports.importFile({ path: file, origin: 'mail' }).then(() => null, (e: unknown) => e as AppError);
    expect(error).toMatchObject({ code: 'archive_has_members', params: { count: 2 } });
    const head = fs.readFileSync(file).toString('base64');
    const [fromBrowser] = await api.call('import.preview', { files: [{ name: 'pair.zip', size: 10, lastModified: null, headBase64: head }], options: [] });
    expect(fromBrowser).toMatchObject({ ok: false, error: { code: 'archive_preview_unavailable' } });
  });
});

describe('hostile input: a clear message, nothing written outside the data folder', () => {
  const code = async (file: string, options: Record<string, unknown> = {}) => {
    const [item] = await importAll(file, options);
    return item?.ok ? 'imported' : item?.error.code;
  };

  it('a 0-byte .gz, a truncated .gz, a corrupt .zip, an empty zip', async () => {
    expect(await code(write('empty.log.gz', ''))).toBe('file_empty');
    const gz = zlib.gzipSync(lines(...Array.from({ length: 5000 }, (_, i) => `2024-03-04 09:15:02 INFO line ${i} ${'x'.repeat(i % 50)}`)));
    expect(await code(write('cut.log.gz', gz.subarray(0, gz.length >> 1)))).toBe('archive_corrupt');
    expect(await code(write('broken.zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)])))).toBe('archive_corrupt');
    expect(await code(write('nothing.zip', await zipOf([])))).toBe('archive_empty');
    expect((await api.call('datasets.list', {})).map((d) => d.name)).not.toContain('cut');
  });

  it('archives that unpack past the limits, checked while inflating', async () => {
    const zeros = zlib.gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x41));
    expect(await code(write('bomb.log.gz', zeros))).toBe('archive_ratio_exceeded');
    expect(await code(write('big.log.gz', zlib.gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x41))), { maxUnpackedBytes: 1024 * 1024 })).toBe('archive_too_large');
    expect(await code(write('bomb.zip', await zipOf([['bomb.log', Buffer.alloc(40 * 1024 * 1024, 0x41)]])))).toBe('archive_ratio_exceeded');
    expect(fs.readdirSync(path.join(dataDir, 'tmp')).filter((f) => !f.endsWith('.tmp'))).toEqual([]);
  });

  it('NUL bytes inside lines, mixed CRLF and LF, a line of several megabytes', async () => {
    const crashed = await importOne(
      write('crashed.log', Buffer.concat([Buffer.from('2024-03-04 09:15:02 INFO before crash\n'), Buffer.alloc(4096, 0), Buffer.from('2024-03-04 09:16:00 INFO after reboot\n')])),
    );
    expect(crashed).toMatchObject({ lines: 2, rows: 2, rejected: 0 });
    expect(await rows(`SELECT message FROM crashed ORDER BY _ls_line`)).toEqual([['before crash'], ['after reboot']]);
    const mixed = await importOne(write('endings.csv', 'time,v\r\n2024-01-01T00:00:00Z,1\n2024-01-01T00:00:01Z,2\r\n\n2024-01-01T00:00:02Z,3\n'));
    expect(mixed).toMatchObject({ lines: 5, rows: 3, skipped: 2, rejected: 0 });
    expect(await rows(`SELECT v, _ls_line FROM endings ORDER BY _ls_line`)).toEqual([
      [1, 2],
      [2, 3],
      [3, 5],
    ]);
    const long = await importOne(write('huge-line.log', `2024-03-04 09:15:02 INFO short\n2024-03-04 09:15:03 INFO ${'x'.repeat(9 << 20)}\n2024-03-04 09:15:04 INFO after\n`));
    expect(long).toMatchObject({ lines: 3, rows: 2, rejected: 1 });
    const [reject] = await rows(`SELECT line, reason FROM logscope.rejects WHERE dataset = 'huge_line'`);
    expect(reject?.[0]).toBe(2);
    expect(String(reject?.[1])).toMatch(/LINE SIZE OVER MAXIMUM/);
  });
});
