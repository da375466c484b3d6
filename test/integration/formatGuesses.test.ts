import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { FilePreview, ImportResult } from '../../src/shared/api/contract/imports';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir();
const files = path.join(dataDir, 'files');
let core: AppCore;
let api: Api;

beforeAll(async () => {
  fs.mkdirSync(files);
  core = await openOwnedCore(dataDir);
  api = createLocalApi(core.rpc, core.events);
});
afterAll(async () => core?.dispose());

const write = (name: string, lines: string[]) => {
  const file = path.join(files, name);
  fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
  return file;
};

async function previewOf(file: string, options: Record<string, unknown> = {}): Promise<FilePreview> {
  const [item] = await api.call('import.preview', { files: [{ path: file }], options: [options] });
  if (!item?.ok) throw new Error(JSON.stringify(item));
  return item.preview;
}

async function importOne(file: string, options: Record<string, unknown> = {}): Promise<ImportResult> {
  const [item] = await api.call('import.run', { jobId: 'guesses', files: [{ file: { path: file }, options }], origin: 'command' });
  if (!item?.ok) throw new Error(JSON.stringify(item));
  return item.result;
}

const rows = async (sql: string) => (await api.call('query.run', { sql, limit: 10_000 })).rows;

/** A Windows CBS servicing log: a comma after the time, and commas in a third of the messages. */
function servicingLog(count: number): { lines: string[]; levels: Record<string, number> } {
  const messages = [
    'Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack\\cbscore.dll',
    'Session: 30546354_3411484017 initialized by client WindowsUpdateAgent, external staging directory: (null), external registry directory: (null)',
    'Ending TrustedInstaller initialization.',
    'Read out cached package applicability for package: Package_for_KB2999226~31bf3856ad364e35~amd64~~6.1.1.1, ApplicableState: 112, CurrentState:112',
    'SQM: Failed to start upload with file pattern: C:\\Windows\\servicing\\sqm\\*_std.sqm, flags: 0x2 [HRESULT = 0x80004005 - E_FAIL]',
    'Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]',
  ];
  const levels: Record<string, number> = {};
  const lines = Array.from({ length: count }, (_, i) => {
    const level = i % 10 === 3 ? 'Warning' : i % 10 === 7 ? 'Error' : 'Info';
    const canonical = { Info: 'INFO', Warning: 'WARN', Error: 'ERROR' }[level];
    levels[canonical] = (levels[canonical] ?? 0) + 1;
    const second = 30 * 60 + Math.floor(i / 3);
    const time = `2016-09-28 04:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
    const message = i % 2 ? `${String(i).padStart(8, '0')}@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called` : messages[i % messages.length]!;
    return `${time}, ${level.padEnd(22)}${i % 2 ? 'CSI' : 'CBS'}    ${message}`;
  });
  return { lines, levels };
}

describe('a line log with commas is not CSV', () => {
  it('When a Windows servicing log is imported, Then it comes in as a line log with time, level and message, not CSV', async () => {
    const { lines, levels } = servicingLog(2000);
    const file = write('CBS.log', lines);
    const preview = await previewOf(file);
    expect(preview).toMatchObject({ format: 'log', timeColumn: 'time', fits: 1, alternatives: [], sampleRejected: 0 });
    expect(preview.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['time', 'level', 'component', 'message']));
    const result = await importOne(file, { dataset: { kind: 'new', name: 'cbs' }, timeZone: 'UTC' });
    expect(result).toMatchObject({ format: 'log', lines: 2000, rows: 2000, rejected: 0, timeUnparsed: 0, levelColumn: 'level' });
    expect(Object.fromEntries((await rows(`SELECT level, count(*) FROM cbs GROUP BY level`)).map(([l, n]) => [String(l), Number(n)]))).toEqual(levels);
    // The padded word after the level is the component, every line's.
    expect(Object.fromEntries((await rows(`SELECT component, count(*) FROM cbs GROUP BY component`)).map(([c, n]) => [String(c), Number(n)]))).toEqual({ CBS: 1000, CSI: 1000 });
    const [first, second] = await rows(`SELECT strftime(time, '%Y-%m-%d %H:%M:%S'), level, message FROM cbs ORDER BY _ls_line LIMIT 2`);
    expect(first).toEqual(['2016-09-28 04:30:00', 'INFO', expect.stringContaining('Loaded Servicing Stack v6.1.7601.23505 with Core:')]);
    expect(second).toEqual(['2016-09-28 04:30:00', 'INFO', expect.stringMatching(/^00000001@2016\/9\/27:20:30:31\.455 WcpInitialize \(wcp\.dll version 0\.0\.0\.6\) called$/)]);
  });
});

describe('the next guesses, when more than a few lines do not fit', () => {
  // 60 JSON objects and 40 syslog lines, interleaved.
  const mixed = Array.from({ length: 100 }, (_, i) =>
    i % 5 < 3 ? `{"time":"2024-03-04T09:15:${String(i % 60).padStart(2, '0')}Z","n":${i}}` : `Mar  4 09:15:${String(i % 60).padStart(2, '0')} web1 sshd[${i}]: accepted key ${i}`,
  );

  it('When a file is mostly JSON lines, Then the preview says 60 % fit and offers the other readings', async () => {
    const preview = await previewOf(write('mixed.log', mixed));
    expect(preview).toMatchObject({ format: 'jsonl', sampleRejected: 40 });
    expect(preview.fits).toBeCloseTo(0.6);
    // The JSON objects' own times make an inferred line head too: a reading, if a poor one.
    expect(preview.alternatives).toEqual([
      { format: 'log', fits: 0.6 },
      { format: 'syslog', fits: 0.4 },
      { format: 'lines', fits: 1 },
    ]);
  });

  it('When the user takes the next guess, Then it is read so, and the first guess is offered back', async () => {
    const preview = await previewOf(path.join(files, 'mixed.log'), { format: 'syslog' });
    expect(preview).toMatchObject({ format: 'syslog', timeColumn: 'time' });
    expect(preview.fits).toBeCloseTo(0.4);
    expect(preview.alternatives[0]).toEqual({ format: 'jsonl', fits: 0.6 });
  });

  it('When every line fits, Then nothing else is offered', async () => {
    const preview = await previewOf(write('clean.log', mixed.filter((l) => l.startsWith('{'))));
    expect(preview).toMatchObject({ format: 'jsonl', fits: 1, alternatives: [] });
  });
});

describe('lenient fields: a line cut off in its last field', () => {
  it('When an Apache combined line loses its closing quote, Then its fields before the cut count, as awk counts them, marked partial', async () => {
    const statuses = [200, 404, 200, 503, 301, 200, 500, 404, 200, 200];
    const lines = statuses.map((status, i) => {
      const head = `192.0.2.${i} - - [10/Oct/2023:13:55:${String(30 + i).padStart(2, '0')} -0700] "GET /p/${i} HTTP/1.1" ${status} ${100 + i}`;
      // Line 4 is cut inside its user agent, line 8 inside its referer.
      if (i === 3) return `${head} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWe`;
      if (i === 7) return `${head} "http://exam`;
      return `${head} "-" "curl/8.4.0"`;
    });
    const file = write('cut.log', lines);
    const awk = execFileSync('sh', ['-c', `awk '{print $9}' ${file} | sort | uniq -c`], { encoding: 'utf8' });
    const byAwk = Object.fromEntries(awk.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([n, status]) => [Number(status), Number(n)]));
    const result = await importOne(file, { dataset: { kind: 'new', name: 'cut' } });
    // Combined is nginx's default as much as Apache's: either flavour reads it.
    expect(result).toMatchObject({ lines: 10, rows: 10, rejected: 0 });
    expect(Object.fromEntries((await rows(`SELECT status, count(*) FROM cut GROUP BY status`)).map(([s, n]) => [Number(s), Number(n)]))).toEqual(byAwk);
    // A field after the cut was never written: NULL, as a field the line lacks. Each row keeps its own line number.
    expect(await rows(`SELECT _ls_line, path, referer, user_agent FROM cut WHERE _partial ORDER BY _ls_line`)).toEqual([
      [4, '/p/3', null, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWe'],
      [8, '/p/7', 'http://exam', null],
    ]);
    expect(await rows(`SELECT _ls_line, path FROM cut ORDER BY _ls_line`)).toEqual(statuses.map((_, i) => [i + 1, `/p/${i}`]));
    expect(await rows(`SELECT count(*) FROM cut WHERE NOT _partial`)).toEqual([[8]]);
  });
});

describe('logfmt: key=value lines become columns', () => {
  const goLog = [
    'time=2024-03-04T09:15:02.250Z level=info msg="server started" port=8080 took=1.5',
    'time=2024-03-04T09:15:03Z level=warn msg="slow \\"orders\\" query, 250 ms" port=8080 took=250.25',
    'time=2024-03-04T09:15:04Z level=error msg=failed port=8081 took=3 user=alice',
    'panic: runtime error: index out of range',
    'time=2024-03-04T09:15:05Z level=debug msg="port=9 inside a message" port=8082 took=0.5',
  ];

  it('When a Go logfmt file is previewed, Then the user sees its keys as typed columns, and the line that is not logfmt as a reject', async () => {
    const preview = await previewOf(write('service.logfmt', goLog));
    expect(preview).toMatchObject({ format: 'logfmt', timeColumn: 'time', sampleRejected: 1 });
    expect(preview.fits).toBeCloseTo(0.8);
    expect(preview.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'time:TIMESTAMP', 'level:VARCHAR', 'message:VARCHAR', 'port:BIGINT', 'took:DOUBLE', 'other_pairs:VARCHAR',
    ]);
  });

  it('When it is imported, Then values, time and level are read in SQL, extra keys kept as pairs, and the odd line rejected with its number', async () => {
    const result = await importOne(path.join(files, 'service.logfmt'), { dataset: { kind: 'new', name: 'service' }, timeZone: 'UTC' });
    expect(result).toMatchObject({ format: 'logfmt', lines: 5, rows: 4, rejected: 1, timeColumn: 'time', timeUnparsed: 0, levelColumn: 'level' });
    expect(await rows(`SELECT _ls_line, time, level, message, port, took, other_pairs FROM service ORDER BY _ls_line`)).toEqual([
      [1, '2024-03-04T09:15:02.250Z', 'INFO', 'server started', 8080, 1.5, null],
      [2, '2024-03-04T09:15:03.000Z', 'WARN', 'slow "orders" query, 250 ms', 8080, 250.25, null],
      [3, '2024-03-04T09:15:04.000Z', 'ERROR', 'failed', 8081, 3, 'user=alice'],
      [5, '2024-03-04T09:15:05.000Z', 'DEBUG', 'port=9 inside a message', 8082, 0.5, null],
    ]);
    const rejects = await api.call('rejects.page', { datasetId: result.datasetId!, offset: 0, limit: 10 });
    expect(rejects.rows.map((r) => [r.line, r.raw])).toEqual([[4, 'panic: runtime error: index out of range']]);
  });

  it('When fewer than half the lines are pairs, Then it is not guessed logfmt, and forced so it reads the pairs and rejects the rest', async () => {
    const file = write('mostly-text.log', [goLog[0]!, 'plain words one', 'plain words two', goLog[2]!, 'plain words three']);
    expect((await previewOf(file)).format).toBe('lines');
    const forced = await previewOf(file, { format: 'logfmt' });
    expect(forced).toMatchObject({ format: 'logfmt', timeColumn: 'time', sampleRecords: 2, sampleRejected: 3 });
  });

  it('When Heroku router lines carry a head, Then its time is the time column and `at=` the level', async () => {
    const heroku = [
      '2014-01-01T00:00:00.123456+00:00 heroku[router]: at=info method=GET path="/" status=200 bytes=13',
      '2014-01-01T00:00:01.5+00:00 heroku[router]: at=warning method=POST path="/log in" status=503 bytes=0 code=H12',
    ];
    const result = await importOne(write('router.log', heroku), { dataset: { kind: 'new', name: 'router' }, timeZone: 'UTC' });
    expect(result).toMatchObject({ format: 'logfmt', rows: 2, rejected: 0, timeColumn: 'time', levelColumn: 'level' });
    expect(await rows(`SELECT time, level, header, method, path, status, other_pairs FROM router ORDER BY _ls_line`)).toEqual([
      ['2014-01-01T00:00:00.123456Z', 'INFO', 'heroku[router]:', 'GET', '/', 200, null],
      ['2014-01-01T00:00:01.500Z', 'WARN', 'heroku[router]:', 'POST', '/log in', 503, 'code=H12'],
    ]);
  });
});
