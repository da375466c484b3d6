import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import type { ImportResult } from '../../src/shared/api/contract/imports';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { numberPendingSource, recordPendingLineNumbers } from '../../src/main/services/importer/lineNumbers';
import type { DbStatements } from '../../src/main/services/db/database';
import { lineShifts } from '../../src/shared/imports/plan';

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

const write = (name: string, content: string | Buffer) => {
  const file = path.join(files, name);
  fs.writeFileSync(file, content);
  return file;
};

async function importOne(file: string, options: Record<string, unknown> = {}): Promise<ImportResult> {
  const [item] = await api.call('import.run', { jobId: 'test', files: [{ file: { path: file }, options }], origin: 'command' });
  if (!item?.ok) throw new AppError((item?.error.code ?? 'internal') as never, (item?.error.params ?? {}) as never);
  return item.result;
}

async function importError(file: string, options: Record<string, unknown> = {}): Promise<{ code: string; params: Record<string, unknown> }> {
  const [item] = await api.call('import.run', { jobId: 'test', files: [{ file: { path: file }, options }], origin: 'command' });
  expect(item?.ok).toBe(false);
  return (item as { error: { code: string; params: Record<string, unknown> } }).error;
}

const rows = async (sql: string) => (await api.call('query.run', { sql, limit: 10_000 })).rows;

describe('delimited text', () => {
  it('imports CSV with a header, types the columns and finds the time with its offset', async () => {
    const file = write(
      'shop-2024-03-01.csv',
      'time,status,latency_ms,path\n2024-03-01T00:00:00Z,200,12.5,/a\n2024-03-01T09:30:00+09:00,500,30,"/b,c"\n2024-03-01T02:00:00.250Z,404,7,/d\n',
    );
    const result = await importOne(file);
    expect(result).toMatchObject({ dataset: 'shop', format: 'csv', timeColumn: 'time', timeZone: null, lines: 4, rows: 3, rejected: 0, skipped: 1 });
    expect(result.columns).toEqual([
      { name: 'time', type: 'TIMESTAMP' },
      { name: 'status', type: 'BIGINT' },
      { name: 'latency_ms', type: 'DOUBLE' },
      { name: 'path', type: 'VARCHAR' },
    ]);
    expect(result.timeMin).toBe('2024-03-01T00:00:00.000Z');
    expect(result.timeMax).toBe('2024-03-01T02:00:00.250Z');
    // 09:30+09:00 is 00:30 UTC; each row remembers its line.
    expect(await rows(`SELECT time, path, _ls_line FROM shop ORDER BY _ls_line`)).toEqual([
      ['2024-03-01T00:00:00.000Z', '/a', 2],
      ['2024-03-01T00:30:00.000Z', '/b,c', 3],
      ['2024-03-01T02:00:00.250Z', '/d', 4],
    ]);
  });

  it('appends the next daily file to the same dataset', async () => {
    const file = write('shop-2024-03-02.csv', 'time,status,latency_ms,path\n2024-03-02T00:00:00Z,200,1,/e\n');
    const result = await importOne(file);
    expect(result.dataset).toBe('shop');
    expect((await api.call('datasets.list', {})).find((d) => d.name === 'shop')?.rows).toBe(4);
  });

  it.each([
    ['tab', 'tsv', '\t'],
    ['semicolon', 'csv', ';'],
    ['pipe', 'csv', '|'],
  ])('detects %s separated values', async (label, format, delimiter) => {
    const header = ['time', 'level', 'message'].join(delimiter);
    const body = [
      ['2024-03-01T00:00:00Z', 'INFO', 'started'],
      ['2024-03-01T00:00:01Z', 'WARN', 'slow disk'],
      ['2024-03-01T00:00:02Z', 'ERROR', 'failed to write'],
    ]
      .map((r) => r.join(delimiter))
      .join('\n');
    const result = await importOne(write(`sep_${label}.log`, `${header}\n${body}\n`), { dataset: { kind: 'new', name: `sep_${label}` } });
    expect(result).toMatchObject({ format, rows: 3, timeColumn: 'time', levelColumn: 'level' });
  });

  it('reads a file without a header when told so, and a quoted field spanning lines', async () => {
    const result = await importOne(write('noheader.csv', '1,"first\nsecond",x\n2,plain,y\n'), { header: false, dataset: { kind: 'new', name: 'noheader' } });
    expect(result.rows).toBe(2);
    expect(await rows(`SELECT column1 FROM noheader ORDER BY _ls_line`)).toEqual([['first\nsecond'], ['plain']]);
  });

  it('keeps unreadable lines as rejects with line number and reason, and numbers the rest by their real line', async () => {
    const result = await importOne(
      write('bad.csv', 'time,code,name\n2024-01-01T00:00:00Z,1,a\n\n2024-01-01T00:00:01Z,2\n2024-01-01T00:00:02Z,3,c,extra\n2024-01-01T00:00:03Z,4,d\n'),
      { dataset: { kind: 'new', name: 'bad' } },
    );
    expect(result).toMatchObject({ lines: 6, rows: 2, rejected: 2, skipped: 2 });
    expect(await rows(`SELECT name, _ls_line FROM bad ORDER BY _ls_line`)).toEqual([
      ['a', 2],
      ['d', 6],
    ]);
    const rejects = await rows(`SELECT line, reason, raw FROM logscope.rejects WHERE dataset = 'bad' ORDER BY line`);
    expect(rejects.map((r) => r[0])).toEqual([4, 5]);
    expect(String(rejects[0]![1])).toMatch(/MISSING COLUMNS|TOO FEW/);
    expect(String(rejects[1]![1])).toMatch(/TOO MANY COLUMNS/);
    expect(rejects[1]![2]).toBe('2024-01-01T00:00:02Z,3,c,extra');
  });

  it('renames a column that uses Logscope own prefix', async () => {
    const result = await importOne(write('prefixed.csv', 'time,_ls_line\n2024-01-01T00:00:00Z,7\n'), { dataset: { kind: 'new', name: 'prefixed' } });
    expect(result.columns.map((c) => c.name)).toEqual(['time', 'ls_line']);
    expect(await rows(`SELECT ls_line, _ls_line FROM prefixed`)).toEqual([[7, 2]]);
  });
});

describe('JSON lines', () => {
  it('flattens nested objects into columns and keeps deep or repeated values as JSON', async () => {
    const lines = [
      { ts: '2024-03-01T00:00:00Z', level: 'INFO', client: { ip: '10.0.0.1', geo: { city: '서울', pos: { lat: 37.5 } } }, tags: ['a'] },
      { ts: '2024-03-01T00:00:01Z', level: 'ERROR', client: { ip: '10.0.0.2', geo: { city: 'Busan', pos: { lat: 35.1 } } }, tags: [] },
    ];
    const result = await importOne(write('nested.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    expect(result.format).toBe('jsonl');
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'ts:TIMESTAMP',
      'level:VARCHAR',
      'client_ip:VARCHAR',
      'client_geo_city:VARCHAR',
      'client_geo_pos:JSON',
      'tags:JSON',
    ]);
    expect(await rows(`SELECT client_geo_city, client_geo_pos, _ls_line FROM nested ORDER BY _ls_line`)).toEqual([
      ['서울', '{"lat":37.5}', 1],
      ['Busan', '{"lat":35.1}', 2],
    ]);
  });

  it('keeps malformed lines as rejects with their text, and blank lines out of the count', async () => {
    const content = '{"t":"2024-03-01T00:00:00Z","n":1}\n\n{"t":"2024-03-01T00:00:01Z","n":2}\n{broken\n[1,2]\n{"t":"2024-03-01T00:00:03Z","n":4}\n';
    const result = await importOne(write('dirty.jsonl', content), { dataset: { kind: 'new', name: 'dirty' } });
    expect(result).toMatchObject({ lines: 6, rows: 3, rejected: 2, skipped: 1 });
    expect(result.rows + result.rejected + result.skipped).toBe(result.lines);
    expect(await rows(`SELECT n, _ls_line FROM dirty ORDER BY _ls_line`)).toEqual([
      [1, 1],
      [2, 3],
      [4, 6],
    ]);
    expect(await rows(`SELECT line, reason, raw FROM logscope.rejects WHERE dataset = 'dirty' ORDER BY line`)).toEqual([
      [4, 'malformed JSON', '{broken'],
      [5, 'not a JSON object', '[1,2]'],
    ]);
  });

  it('counts a last line without a line break', async () => {
    const result = await importOne(write('nolf.jsonl', '{"a":1}\n{"a":2}'), { dataset: { kind: 'new', name: 'nolf' } });
    expect(result).toMatchObject({ lines: 2, rows: 2 });
  });
  it('reads a line far longer than the usual object size (a payload dump) as a row', async () => {
    const payload = 'p'.repeat(40 << 20);
    const file = write('dump.jsonl', `{"t":"2024-01-01T00:00:00Z","body":"short"}\n{"t":"2024-01-01T00:00:01Z","body":"${payload}"}\n{"t":"2024-01-01T00:00:02Z","body":"after"}\n`);
    const result = await importOne(file, { dataset: { kind: 'new', name: 'dump' } });
    expect(result).toMatchObject({ lines: 3, rows: 3, rejected: 0 });
    expect(await rows(`SELECT _ls_line, length(body) FROM dump ORDER BY _ls_line`)).toEqual([
      [1, 5],
      [2, 40 << 20],
      [3, 5],
    ]);
  });
});

describe('JSON lines of tracing libraries', () => {
  it('reads OpenTelemetry epoch nanoseconds, as a string of digits and as a number, to the microsecond', async () => {
    const content = [
      '{"time_unix_nano":"1709251200123456789","severity_text":"WARN","body":"disk almost full"}',
      '{"time_unix_nano":1709251201000000000,"severity_text":"INFO","body":"cleaned"}',
    ].join('\n');
    const result = await importOne(write('otel.jsonl', content + '\n'), { dataset: { kind: 'new', name: 'otel' } });
    expect(result).toMatchObject({ format: 'jsonl', timeColumn: 'time_unix_nano', levelColumn: 'severity_text', timeUnparsed: 0, timeZone: null });
    expect(await rows(`SELECT strftime(time_unix_nano, '%Y-%m-%d %H:%M:%S.%f'), severity_text FROM otel ORDER BY _ls_line`)).toEqual([
      ['2024-03-01 00:00:00.123456', 'WARN'],
      ['2024-03-01 00:00:01.000000', 'INFO'],
    ]);
  });

  it('reads rust tracing JSON: time, level, the message nested in fields, and its list of spans kept as JSON', async () => {
    const content = [
      '{"timestamp":"2024-05-06T07:08:09.250Z","level":"WARN","fields":{"message":"queue is slow","depth":12},"target":"app::queue","spans":[{"name":"poll"},{"name":"drain","batch":"3"}]}',
      '{"timestamp":"2024-05-06T07:08:10.500Z","level":"ERROR","fields":{"message":"queue stalled","depth":40},"target":"app::queue","spans":[{"name":"poll"}]}',
    ].join('\n');
    const result = await importOne(write('tracing.jsonl', content + '\n'), { dataset: { kind: 'new', name: 'tracing' } });
    expect(result).toMatchObject({ format: 'jsonl', rows: 2, rejected: 0, timeColumn: 'timestamp', levelColumn: 'level', timeMin: '2024-05-06T07:08:09.250Z' });
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'timestamp:TIMESTAMP',
      'level:VARCHAR',
      'fields_message:VARCHAR',
      'fields_depth:BIGINT',
      'target:VARCHAR',
      'spans:JSON',
    ]);
    expect(await rows(`SELECT fields_message, spans->>'$[1].name' FROM tracing ORDER BY _ls_line`)).toEqual([
      ['queue is slow', 'drain'],
      ['queue stalled', null],
    ]);
    const status = await api.call('patterns.wait', { datasetId: result.datasetId! });
    expect(status.messageColumn).toBe('fields_message');
  });
});

describe('time, one way for every format', () => {
  it('reads epoch seconds and milliseconds by magnitude in a time-named column', async () => {
    const s = await importOne(write('epoch_s.csv', 'ts,v\n1709251200,1\n1709251201,2\n'), { dataset: { kind: 'new', name: 'epoch_s' } });
    expect(s.timeMin).toBe('2024-03-01T00:00:00.000Z');
    const ms = await importOne(write('epoch_ms.jsonl', '{"timestamp":1709251200123,"v":1}\n'), { dataset: { kind: 'new', name: 'epoch_ms' } });
    expect(ms).toMatchObject({ timeColumn: 'timestamp', timeMin: '2024-03-01T00:00:00.123Z', timeZone: null });
  });

  it('reads times without an offset in the zone the user confirms', async () => {
    const content = 'time,v\n2024-03-01 09:00:00,1\n2024-03-01 10:00:00,2\n';
    const seoul = await importOne(write('local_seoul.csv', content), { timeZone: 'Asia/Seoul', dataset: { kind: 'new', name: 'local_seoul' } });
    expect(seoul).toMatchObject({ timeZone: 'Asia/Seoul', timeMin: '2024-03-01T00:00:00.000Z' });
    const ny = await importOne(write('local_ny.csv', content + '2024-03-01 11:00:00,3\n'), { timeZone: 'America/New_York', dataset: { kind: 'new', name: 'local_ny' } });
    expect(ny).toMatchObject({ timeZone: 'America/New_York', timeMin: '2024-03-01T14:00:00.000Z' });
  });

  it('reads a pattern of the user own, and keeps rows whose time it cannot read (counted)', async () => {
    const result = await importOne(write('pattern.csv', 'when,v\n01/03/2024 09:00:00,1\nyesterday,2\n'), {
      timeColumn: 'when',
      timeFormat: '%d/%m/%Y %H:%M:%S',
      timeZone: 'UTC',
      dataset: { kind: 'new', name: 'pattern' },
    });
    expect(result).toMatchObject({ rows: 2, timeUnparsed: 1, timeMin: '2024-03-01T09:00:00.000Z' });
  });
});

describe('duplicates and growth', () => {
  it('never imports the same content twice, under any name, into any dataset', async () => {
    const content = 'time,v\n2024-05-01T00:00:00Z,1\n';
    const first = await importOne(write('once.csv', content), { dataset: { kind: 'new', name: 'once' } });
    const again = await importOne(write('once.csv', content));
    const renamed = await importOne(write('other-name.csv', content), { dataset: { kind: 'new', name: 'elsewhere' } });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, rows: 0, dataset: 'once' });
    expect(renamed).toMatchObject({ duplicate: true, rows: 0, dataset: 'once' });
    expect(await rows(`SELECT count(*) FROM once`)).toEqual([[1]]);
  });

  it('imports only the new lines of a log that kept growing, numbered from where it left off', async () => {
    const file = path.join(files, 'growing.csv');
    fs.writeFileSync(file, 'time,v\n2024-06-01T00:00:00Z,1\n2024-06-01T00:00:01Z,2\n');
    const first = await importOne(file, { dataset: { kind: 'new', name: 'growing' } });
    fs.appendFileSync(file, '2024-06-01T00:00:02Z,3\n\n2024-06-01T00:00:03Z,4\n');
    const second = await importOne(file);
    expect(first).toMatchObject({ rows: 2, lines: 3 });
    expect(second).toMatchObject({ dataset: 'growing', rows: 2, lines: 3, skipped: 1, grownFrom: { sourceId: first.sourceId, fromLine: 4 } });
    expect(await rows(`SELECT v, _ls_line FROM growing ORDER BY _ls_line`)).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 6],
    ]);
  });
});

describe('appending a file with other columns', () => {
  it('matches columns by name, adds new ones, leaves missing ones NULL, widens types — shown in the preview first', async () => {
    await importOne(write('mixed-1.csv', 'time,status,latency\n2024-07-01T00:00:00Z,200,5\n'), { dataset: { kind: 'new', name: 'mixed' } });
    const second = write('mixed-2.csv', 'time,latency,region\n2024-07-01T00:00:01Z,5.5,kr\n');
    const datasets = await api.call('datasets.list', {});
    const mixed = datasets.find((d) => d.name === 'mixed')!;
    const [preview] = await api.call('import.preview', { files: [{ path: second }], options: [{ dataset: { kind: 'existing', datasetId: mixed.id } }] });
    expect(preview?.ok && preview.preview.schemaChanges).toEqual({
      added: ['region'],
      missing: ['status'],
      widened: [{ name: 'latency', from: 'BIGINT', to: 'DOUBLE' }],
    });
    await importOne(second, { dataset: { kind: 'existing', datasetId: mixed.id } });
    expect(await rows(`SELECT status, latency, region FROM mixed ORDER BY time`)).toEqual([
      [200, 5, null],
      [null, 5.5, 'kr'],
    ]);
  });
});

describe('removing a file from its dataset', () => {
  it('takes its rows and rejects out and updates the counts', async () => {
    const result = await importOne(write('removable.csv', 'time,v\n2024-08-01T00:00:00Z,1\n2024-08-01T00:00:01Z,oops\n'), { dataset: { kind: 'new', name: 'removable' } });
    expect(result.rejected).toBe(0);
    const removed = await api.call('sources.remove', { sourceId: result.sourceId! });
    expect(removed.rowsRemoved).toBe(2);
    const dataset = (await api.call('datasets.list', {})).find((d) => d.name === 'removable');
    expect(dataset?.rows).toBe(0);
    expect(await api.call('sources.list', { datasetId: dataset!.id })).toEqual([]);
  });
});

describe('bad input: a clear message and nothing lost', () => {
  it('an empty file', async () => expect((await importError(write('empty.csv', ''))).code).toBe('file_empty'));

  it('a header-only file', async () => {
    expect((await importError(write('header-only.csv', 'time,status,path\n'))).code).toBe('file_header_only');
  });

  it('a binary file', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await importError(write('image.csv', png))).toMatchObject({ code: 'file_binary', params: { kind: 'PNG image' } });
    expect((await importError(write('program.log', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])))).params.kind).toBe('ELF executable');
  });

  it('a folder, and a path that does not exist', async () => {
    expect((await importError(files)).code).toBe('file_is_directory');
    expect((await importError(path.join(files, 'nope.csv'))).code).toBe('file_not_found');
  });

  it('too little disk space, checked before anything starts', async () => {
    await core.dispose();
    core = await openOwnedCoreWithDisk(dataDir, 1024);
    api = createLocalApi(core.rpc, core.events);
    const error = await importError(write('big-enough.csv', 'time,v\n2024-01-01T00:00:00Z,1\n'));
    expect(error.code).toBe('disk_space_low');
    expect(error.params.free).toBe(1024);
    await core.dispose();
    core = await openOwnedCore(dataDir);
    api = createLocalApi(core.rpc, core.events);
  });

  it('a file that disappears while it is imported', async () => {
    const file = write('vanishing.csv', 'time,v\n' + Array.from({ length: 2000 }, (_, i) => `2024-01-01T00:00:00Z,${i}`).join('\n') + '\n');
    const error = await core.imports
      .importFile({
        path: file,
        origin: 'command',
        options: { dataset: { kind: 'new', name: 'vanishing' } },
        onProgress: (p) => {
          if (p.phase === 'reading' && fs.existsSync(file)) fs.rmSync(file);
        },
      })
      .then(() => null, (e: unknown) => e);
    expect((error as AppError).code).toMatch(/file_vanished|file_not_found/);
    expect((await api.call('datasets.list', {})).map((d) => d.name)).not.toContain('vanishing');
  });
});

describe('line numbers, written right after the rows are committed', () => {
  it('are finished on the next start when the process stopped in between, and a removed file leaves nothing waiting', async () => {
    const dir = fs.mkdtempSync(path.join(dataDir, 'stopped-'));
    let owned = await openOwnedCore(dir);
    // A header, a blank line and two rejected records: the lines after them are shifted.
    const file = write('gappy.csv', 'time,code,name\n2024-01-01T00:00:00Z,1,a\n\n2024-01-01T00:00:01Z,2\n2024-01-01T00:00:02Z,3,c,extra\n2024-01-01T00:00:03Z,4,d\n2024-01-01T00:00:04Z,5,e\n');
    const gone = write('gone.csv', 'time,v\n2024-01-01T00:00:00Z,1\n');
    const imported = await owned.imports.importFile({ path: file, origin: 'command', options: { dataset: { kind: 'new', name: 'gappy' } } });
    const removed = await owned.imports.importFile({ path: gone, origin: 'command', options: { dataset: { kind: 'new', name: 'gone' } } });
    const linesOf = async (core: AppCore) => (await (await core.db.connection('catalog')).all(`SELECT name, _ls_line FROM gappy ORDER BY rowid`)).rows;
    const waiting = async (core: AppCore) => (await (await core.db.connection('catalog')).all(`SELECT source_id FROM logscope.pending_line_numbers`)).rows;
    const numbered = await linesOf(owned);
    expect(numbered).toEqual([
      ['a', 2n],
      ['d', 6n],
      ['e', 7n],
    ]);
    expect(await waiting(owned)).toEqual([]);
    // What a stop between the two transactions leaves: committed rows without lines, and the note.
    const catalog = await owned.db.connection('catalog');
    await catalog.run(`UPDATE gappy SET _ls_line = NULL`);
    await recordPendingLineNumbers(catalog, imported.sourceId!, { rows: 3, firstRecordLine: 2, shifts: lineShifts(2, [3, 4, 5]) });
    await recordPendingLineNumbers(catalog, removed.sourceId!, { rows: 1, firstRecordLine: 2, shifts: [] });
    await owned.imports.removeSource(removed.sourceId!);
    await owned.dispose();

    owned = await openOwnedCore(dir);
    expect(await linesOf(owned)).toEqual(numbered);
    expect(await waiting(owned)).toEqual([]);

    // Rows deleted before the lines were written: the distances no longer hold, so nothing
    // is numbered rather than numbered wrongly.
    const again = await owned.db.connection('catalog');
    await again.run(`UPDATE gappy SET _ls_line = NULL`);
    await recordPendingLineNumbers(again, imported.sourceId!, { rows: 3, firstRecordLine: 2, shifts: lineShifts(2, [3, 4, 5]) });
    await again.run(`DELETE FROM gappy WHERE name = 'a'`);
    await owned.dispose();
    owned = await openOwnedCore(dir);
    expect(await linesOf(owned)).toEqual([
      ['d', null],
      ['e', null],
    ]);
    expect(await waiting(owned)).toEqual([]);
    await owned.dispose();
  });

  it('are written a slice of rows per transaction, and a stop between slices resumes where it was', async () => {
    const dir = fs.mkdtempSync(path.join(dataDir, 'sliced-'));
    const owned = await openOwnedCore(dir);
    const file = write('sliced.csv', 'time,code,name\n2024-01-01T00:00:00Z,1,a\n\n2024-01-01T00:00:01Z,2\n2024-01-01T00:00:02Z,3,b\n2024-01-01T00:00:03Z,4,c\n\n2024-01-01T00:00:04Z,5,d\n2024-01-01T00:00:05Z,6,e\n');
    const imported = await owned.imports.importFile({ path: file, origin: 'command', options: { dataset: { kind: 'new', name: 'sliced' } } });
    const catalog = await owned.db.connection('catalog');
    const linesOf = async () => (await catalog.all(`SELECT name, _ls_line FROM sliced ORDER BY rowid`)).rows;
    const numbered = await linesOf();
    expect(numbered).toEqual([
      ['a', 2n],
      ['b', 5n],
      ['c', 6n],
      ['d', 8n],
      ['e', 9n],
    ]);
    const note = { rows: 5, firstRecordLine: 2, shifts: lineShifts(2, [3, 4, 7]) };
    await catalog.run(`UPDATE sliced SET _ls_line = NULL`);
    await recordPendingLineNumbers(catalog, imported.sourceId!, note);
    // Two rows a slice; the process stops as the second slice begins.
    let slices = 0;
    const stopping = { ...catalog, transaction: <T>(work: (tx: DbStatements) => Promise<T>) => (++slices === 2 ? Promise.reject(new Error('stopped')) : catalog.transaction(work)) };
    await expect(numberPendingSource(stopping, imported.sourceId!, 2)).rejects.toThrow('stopped');
    expect((await linesOf()).map(([, line]) => line)).toEqual([2n, 5n, null, null, null]);
    expect((await catalog.all(`SELECT rows, first_record_line FROM logscope.pending_line_numbers`)).rows).toEqual([[3n, 4n]]);
    await expect(numberPendingSource(catalog, imported.sourceId!, 2)).resolves.toBe('numbered');
    expect(await linesOf()).toEqual(numbered);
    expect((await catalog.all(`SELECT source_id FROM logscope.pending_line_numbers`)).rows).toEqual([]);
    await owned.dispose();
  });
});

async function openOwnedCoreWithDisk(dir: string, freeBytes: number): Promise<AppCore> {
  const { openAppCore } = await import('../../src/main/app');
  const opened = await openAppCore({ dataDir: dir, ownerKind: 'serve', memoryLimit: '1GB', diskSpace: { free: async () => freeBytes } });
  if ('served' in opened) throw new Error('not the owner');
  return opened;
}
