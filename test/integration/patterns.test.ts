import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import type { EventName } from '../../src/shared/api/contract';
import type { ImportResult } from '../../src/shared/api/contract/imports';
import { groupingAccuracy } from '../../src/shared/patterns/accuracy';
import { createServiceLogGenerator, formatJsonLine } from '../../src/shared/synth/serviceLog';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { jsonLines, runCli } from './support/cli';

/** A JSON-lines service log and the template each message was drawn from. */
function writeServiceLog(dir: string, name: string, lines: number, seed: number, start: string): { file: string; truth: string[] } {
  const truth: string[] = [];
  let text = '';
  for (const record of createServiceLogGenerator({ lines, seed, start, days: 1 })) {
    text += formatJsonLine(record) + '\n';
    truth.push(record.messageTemplate);
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { file, truth };
}

/**
 * The generator draws some variables from two or three values (`true`/`false`, a few
 * service names): by Brain's rule those are words that tell events apart, so its
 * templates are split a little finer than the generator's; about 0.9 is expected.
 */
const minimumAccuracy = 0.85;

async function importOne(api: Api, file: string, options: Record<string, unknown> = {}): Promise<ImportResult> {
  const [item] = await api.call('import.run', { jobId: 'patterns-test', files: [{ file: { path: file }, options }], origin: 'command' });
  if (!item?.ok) throw new AppError((item?.error.code ?? 'internal') as never, (item?.error.params ?? {}) as never);
  return item.result;
}

const rowsOf = async (api: Api, sql: string) => (await api.call('query.run', { sql, limit: 10_000 })).rows;

/** Every row's pattern id, in source and line order, through the paging the command uses. */
async function allAssignments(api: Api, datasetId: number, pageRows = 700) {
  const rows: { sourceId: number; line: number | null; patternId: number | null }[] = [];
  let after: { sourceId: number; line: number } | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof api.call<'patterns.assign'>>> = await api.call('patterns.assign', { datasetId, after, limit: pageRows });
    rows.push(...page.rows);
    if (!page.next) return rows;
    after = page.next;
  }
}

/**
 * Rows mined before keep their pattern id, unless the miner later found their template
 * to be one event with an older one: then all its rows moved together to that older id.
 */
function expectIdsKept(before: { patternId: number | null }[], after: { patternId: number | null }[]) {
  const movedTo = new Map<number, number>();
  let kept = 0;
  before.forEach((row, index) => {
    const old = row.patternId!;
    const now = after[index]!.patternId!;
    expect(now).toBeLessThanOrEqual(old);
    expect(movedTo.get(old) ?? now).toBe(now);
    movedTo.set(old, now);
    if (now === old) kept++;
  });
  // Merges are the exception: most rows keep their id outright.
  expect(kept / before.length).toBeGreaterThan(0.5);
}

async function templateCounts(api: Api, datasetId: number) {
  const list = await api.call('patterns.list', { datasetId, limit: 10_000, sparklineBuckets: 0 });
  return { list, sum: list.templates.reduce((total, t) => total + t.count, 0) };
}

describe('mining while the app runs', () => {
  const dataDir = tempDataDir();
  const files = path.join(dataDir, 'files');
  let core: AppCore;
  let api: Api;
  const seen: { event: EventName; payload: unknown }[] = [];

  beforeAll(async () => {
    fs.mkdirSync(files);
    core = await openOwnedCore(dataDir);
    api = createLocalApi(core.rpc, core.events);
    core.events.onAny((event, payload) => seen.push({ event, payload }));
  });
  afterAll(async () => core?.dispose());

  it('When a file is imported, then its rows are mined afterwards in the background: one pattern per row, counts add up, readable from SQL', async () => {
    const a = writeServiceLog(files, 'svc-a.jsonl', 3000, 11, '2024-03-04T00:00:00Z');
    const result = await importOne(api, a.file, { dataset: { kind: 'new', name: 'svc' } });
    const datasetId = result.datasetId!;
    const status = await api.call('patterns.wait', { datasetId });
    expect(status).toMatchObject({ state: 'done', rowsDone: 3000, rowsTotal: 3000, messageColumn: 'message' });

    // Mining started after the import had committed (the import's own event came first) and reported its progress.
    const imported = seen.findIndex((e) => e.event === 'datasets.changed' && (e.payload as { datasetId: number }).datasetId === datasetId);
    const firstProgress = seen.findIndex((e) => e.event === 'patterns.progress' && (e.payload as { datasetId: number }).datasetId === datasetId);
    expect(imported).toBeGreaterThanOrEqual(0);
    expect(firstProgress).toBeGreaterThan(imported);
    const states = seen.filter((e) => e.event === 'patterns.progress').map((e) => (e.payload as { state: string }).state);
    expect(states).toContain('mining');
    expect(states.at(-1)).toBe('done');

    expect(await rowsOf(api, `SELECT count(*), count(_ls_pattern) FROM svc`)).toEqual([[3000, 3000]]);
    const { list, sum } = await templateCounts(api, datasetId);
    expect(sum).toBe(3000);
    expect(list.rows).toBe(3000);
    expect(list.total).toBe(list.templates.length);
    expect(list.templates[0]!.firstSeen).toMatch(/^2024-03-04T/);

    // The grouping is the generator's: each template's lines get one id.
    const assigned = await allAssignments(api, datasetId);
    expect(assigned.map((r) => r.line)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(groupingAccuracy(assigned.map((r) => r.patternId ?? -1), a.truth)).toBeGreaterThanOrEqual(minimumAccuracy);

    // The documented view, alone and joined with the rows.
    expect(await rowsOf(api, `SELECT sum(count)::BIGINT, count(*) FROM logscope.patterns WHERE dataset = 'svc'`)).toEqual([[3000, list.total]]);
    const joined = await rowsOf(
      api,
      `SELECT p.template, count(*) AS n FROM svc s JOIN logscope.patterns p ON p.dataset = 'svc' AND p.pattern_id = s._ls_pattern GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1`,
    );
    expect(joined).toEqual([[list.templates[0]!.template, list.templates[0]!.count]]);
  });

  it('When a file is appended, then existing templates keep their ids and the counts still add up', async () => {
    const datasetId = (await api.call('datasets.list', {})).find((d) => d.name === 'svc')!.id;
    const before = await allAssignments(api, datasetId);
    const b = writeServiceLog(files, 'svc-b.jsonl', 2000, 12, '2024-03-05T00:00:00Z');
    const result = await importOne(api, b.file, { dataset: { kind: 'existing', datasetId } });
    expect(result.rows).toBe(2000);
    await api.call('patterns.wait', { datasetId });
    const after = await allAssignments(api, datasetId);
    expect(after).toHaveLength(5000);
    expect(after.slice(0, 3000).map((r) => r.line)).toEqual(before.map((r) => r.line));
    expectIdsKept(before, after.slice(0, 3000));
    const { sum } = await templateCounts(api, datasetId);
    expect(sum).toBe(5000);
    // Lines of one template in either file share an id.
    const truth = [...writeServiceLog(files, 'svc-a-again.jsonl', 3000, 11, '2024-03-04T00:00:00Z').truth, ...b.truth];
    expect(groupingAccuracy(after.map((r) => r.patternId ?? -1), truth)).toBeGreaterThanOrEqual(minimumAccuracy);
  });

  it('When a source is removed, then the counts are recounted to the remaining rows', async () => {
    const datasetId = (await api.call('datasets.list', {})).find((d) => d.name === 'svc')!.id;
    const [first] = await api.call('sources.list', { datasetId });
    await api.call('sources.remove', { sourceId: first!.id });
    const status = await api.call('patterns.wait', { datasetId });
    expect(status).toMatchObject({ state: 'done', rowsDone: 2000, rowsTotal: 2000 });
    const { sum, list } = await templateCounts(api, datasetId);
    expect(sum).toBe(2000);
    expect(list.templates.every((t) => t.count > 0)).toBe(true);
    expect(await rowsOf(api, `SELECT sum(count)::BIGINT FROM logscope.patterns WHERE dataset = 'svc'`)).toEqual([[2000]]);
  });

  it('When a range is chosen, then counts are for the range and templates without rows in the range before are new', async () => {
    const c = path.join(files, 'events.csv');
    fs.writeFileSync(
      c,
      [
        'time,message',
        '2024-01-01T00:00:00Z,user alice logged in',
        '2024-01-01T00:10:00Z,user bob logged in',
        '2024-01-01T01:10:00Z,user carol logged in',
        '2024-01-01T01:20:00Z,disk full on volume 3',
        '2024-01-01T01:30:00Z,user dave logged in',
        '2024-01-01T01:40:00Z,user erin logged in',
      ].join('\n') + '\n',
    );
    const result = await importOne(api, c, { dataset: { kind: 'new', name: 'events' } });
    const datasetId = result.datasetId!;
    await api.call('patterns.wait', { datasetId });
    const range = { from: '2024-01-01T01:00:00.000Z', to: '2024-01-01T02:00:00.000Z' };
    const list = await api.call('patterns.list', { datasetId, range, sparklineBuckets: 6 });
    const byText = new Map(list.templates.map((t) => [t.template, t]));
    expect(byText.get('user <*> logged in')).toMatchObject({ count: 3, previousCount: 2, isNew: false });
    expect(byText.get('disk full on volume <*>')).toMatchObject({ count: 1, previousCount: 0, isNew: true });
    // Six buckets of ten minutes: carol at 01:10, dave at 01:30, erin at 01:40.
    expect(byText.get('user <*> logged in')!.sparkline).toEqual([0, 1, 0, 1, 1, 0]);
    expect(list.bucketMs).toBe(600_000);
    expect(list.previousRange).toEqual({ from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T01:00:00.000Z' });

    // The dashboard's patterns chart says the same under the same range, and a click on a
    // bar filters every chart to that template's rows.
    const chart = await api.call('dashboard.chart', { datasetId, chart: 'patterns', zone: 'UTC', range });
    expect(chart.columns).toEqual(['template', 'count', 'pattern_id', 'previous', 'is_new']);
    expect(chart.rows).toEqual([
      ['user <*> logged in', 3, byText.get('user <*> logged in')!.patternId, 2, false],
      ['disk full on volume <*>', 1, byText.get('disk full on volume <*>')!.patternId, 0, true],
    ]);
    expect(chart.covered).toBe(4);
    const filtered = await api.call('dashboard.chart', {
      datasetId,
      chart: 'events',
      zone: 'UTC',
      filters: [{ field: 'pattern', value: byText.get('user <*> logged in')!.patternId }],
    });
    expect(filtered.covered).toBe(5);

    const rows = await api.call('patterns.rows', { datasetId, patternId: byText.get('user <*> logged in')!.patternId, range, offset: 0, limit: 10 });
    const message = rows.columns.findIndex((col) => col.name === 'message');
    expect(rows.total).toBe(3);
    expect(rows.rows.map((r) => r[message])).toEqual(['user carol logged in', 'user dave logged in', 'user erin logged in']);
  });

  it('When a dataset has no text column, then it says so instead of mining', async () => {
    const numbers = path.join(files, 'numbers.csv');
    fs.writeFileSync(numbers, 'time,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:00:01Z,2\n');
    const result = await importOne(api, numbers, { dataset: { kind: 'new', name: 'numbers' } });
    const status = await api.call('patterns.wait', { datasetId: result.datasetId! });
    expect(status.state).toBe('no_message_column');
    expect((await api.call('patterns.list', { datasetId: result.datasetId! })).templates).toEqual([]);
  });

  it('When files arrive in one import while the first is mined, then every import succeeds', async () => {
    const parts = [1, 2, 3].map((n) => writeServiceLog(files, `burst-${n}.jsonl`, 1500, 20 + n, `2024-04-0${n}T00:00:00Z`).file);
    const results = await api.call('import.run', {
      jobId: 'burst',
      origin: 'command',
      files: parts.map((file) => ({ file: { path: file }, options: { dataset: { kind: 'new' as const, name: 'burst' } } })),
    });
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const datasetId = (await api.call('datasets.list', {})).find((d) => d.name === 'burst')!.id;
    expect(await api.call('patterns.wait', { datasetId })).toMatchObject({ state: 'done', rowsDone: 4500, rowsTotal: 4500 });
    expect((await templateCounts(api, datasetId)).sum).toBe(4500);
  });

  it('When a dataset is deleted, then its templates go too', async () => {
    const datasetId = (await api.call('datasets.list', {})).find((d) => d.name === 'events')!.id;
    const stored = async () => {
      const catalog = await core.db.connection('catalog');
      const { rows } = await catalog.all(
        `SELECT (SELECT count(*) FROM logscope.pattern_templates WHERE dataset_id = $id) + (SELECT count(*) FROM logscope.pattern_state WHERE dataset_id = $id)`,
        { id: datasetId },
      );
      return Number(rows[0]?.[0]);
    };
    expect(await stored()).toBeGreaterThan(0);
    await api.call('datasets.delete', { datasetId });
    // The catalogue connection runs statements in order: the clean-up was queued first.
    expect(await stored()).toBe(0);
    expect(await rowsOf(api, `SELECT count(*) FROM logscope.patterns WHERE dataset = 'events'`)).toEqual([[0]]);
  });
});

describe('mining across restarts', () => {
  const dataDir = tempDataDir();

  it('When the owner restarts with unmined rows, then it resumes them and keeps the ids it gave before', async () => {
    const files = path.join(dataDir, 'files');
    fs.mkdirSync(files);
    // A one-shot command mines only what it waits for: the second file stays unmined.
    let core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit: '1GB' });
    if ('served' in core) throw new Error('expected to own the data folder');
    let api = createLocalApi(core.rpc, core.events);
    const a = writeServiceLog(files, 'r-a.jsonl', 2000, 31, '2024-05-01T00:00:00Z');
    const datasetId = (await importOne(api, a.file, { dataset: { kind: 'new', name: 'resume' } })).datasetId!;
    await api.call('patterns.wait', { datasetId });
    const before = await allAssignments(api, datasetId);
    const b = writeServiceLog(files, 'r-b.jsonl', 2500, 32, '2024-05-02T00:00:00Z');
    await importOne(api, b.file, { dataset: { kind: 'existing', datasetId } });
    expect(await api.call('patterns.status', { datasetId })).toMatchObject({ state: 'queued', rowsDone: 2000, rowsTotal: 4500 });
    await core.dispose();

    core = await openOwnedCore(dataDir);
    api = createLocalApi(core.rpc, core.events);
    try {
      expect(await api.call('patterns.wait', { datasetId })).toMatchObject({ state: 'done', rowsDone: 4500, rowsTotal: 4500 });
      const after = await allAssignments(api, datasetId);
      expectIdsKept(before, after.slice(0, 2000));
      expect((await templateCounts(api, datasetId)).sum).toBe(4500);
      expect(groupingAccuracy(after.map((r) => r.patternId ?? -1), [...a.truth, ...b.truth])).toBeGreaterThanOrEqual(minimumAccuracy);
    } finally {
      await core.dispose();
    }
  });
});

describe('the patterns command', () => {
  const dataDir = tempDataDir();
  let file: string;

  beforeAll(() => {
    file = writeServiceLog(dataDir, 'cmd.jsonl', 1200, 41, '2024-06-01T00:00:00Z').file;
  });

  it('prints one object per template and one per row with the documented keys; the counts add up', async () => {
    const imported = await runCli(['import', file, '--dataset', 'cmd', '--json', '--data-dir', dataDir]);
    expect(imported.status, imported.stderr).toBe(0);

    const templates = await runCli(['patterns', '--dataset', 'cmd', '--json', '--data-dir', dataDir]);
    expect(templates.status, templates.stderr).toBe(0);
    const list = jsonLines(templates.stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(1);
    for (const t of list) expect(Object.keys(t).sort()).toEqual(['count', 'example', 'first_seen', 'last_seen', 'pattern_id', 'template']);
    expect(list.reduce((sum, t) => sum + Number(t.count), 0)).toBe(1200);
    const counts = list.map((t) => Number(t.count));
    expect(counts).toEqual([...counts].sort((x, y) => y - x));

    const assigned = await runCli(['patterns', '--dataset', 'cmd', '--assign', '--json', '--data-dir', dataDir]);
    expect(assigned.status, assigned.stderr).toBe(0);
    const rows = jsonLines(assigned.stdout) as { source_id: number; source: string; line: number; pattern_id: number }[];
    expect(rows).toHaveLength(1200);
    expect(Object.keys(rows[0]!).sort()).toEqual(['line', 'pattern_id', 'source', 'source_id']);
    expect(rows[0]).toMatchObject({ source: 'cmd.jsonl', line: 1 });
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    const ids = new Set(list.map((t) => t.pattern_id));
    expect(rows.every((r) => ids.has(r.pattern_id))).toBe(true);

    const top = await runCli(['patterns', '--dataset', 'cmd', '--limit', '2', '--json', '--data-dir', dataDir]);
    expect(jsonLines(top.stdout)).toEqual(list.slice(0, 2));
  });

  it('draws the patterns chart, waiting for mining first', async () => {
    const out = path.join(dataDir, 'patterns.csv');
    const drawn = await runCli(['chart', '--dataset', 'cmd', '--chart', 'patterns', '--format', 'csv', '--out', out, '--json', '--data-dir', dataDir]);
    expect(drawn.status, drawn.stderr).toBe(0);
    expect(jsonLines(drawn.stdout)[0]).toMatchObject({ chart: 'patterns', rows: 1200 });
    const lines = fs.readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('pattern_id,template,count,count_before,is_new');
    expect(lines.length).toBeGreaterThan(2);
  });

  it('prints help with an example, and fails with exit 1 for a dataset that does not exist', async () => {
    const help = await runCli(['patterns', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Example');
    expect(help.stdout).toContain('--assign');
    const missing = await runCli(['patterns', '--dataset', 'nope', '--json', '--data-dir', dataDir]);
    expect(missing.status).toBe(1);
    expect((jsonLines(missing.stdout)[0] as { error: { code: string } }).error.code).toBe('dataset_not_found');
    const usage = await runCli(['patterns', '--data-dir', dataDir]);
    expect(usage.status).toBe(2);
  });
});
