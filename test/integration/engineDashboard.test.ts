import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { AppError } from '../../src/shared/api/errors';
import type { ChartId, ChartResult, FieldFilter, Search } from '../../src/shared/charts/spec';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// The demo dataset (30,000 rows) charted by DuckDB, then pushed to a real ClickHouse 18.16,
// which links it there: the same dashboard requests must give the same answers.
const dataDir = tempDataDir('logscope-engine-dashboard-');
let core: AppCore;
let api: Api;
let server: ClickHouseServer;
let datasetId: number;

const charts: ChartId[] = ['events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'heatmap', 'histogram', 'patterns'];
/** Requests a user makes: the whole range, a zone with a daylight-saving change, chips, a fixed bucket. */
const variants: { name: string; zone: string; filters: FieldFilter[]; bucketMs?: number; logScale?: boolean; range?: boolean }[] = [
  { name: 'UTC, everything', zone: 'UTC', filters: [] },
  { name: 'Seoul, 5xx only, log histogram', zone: 'Asia/Seoul', filters: [{ field: 'statusClass', value: 5 }], logScale: true },
  { name: 'New York, a range, POST or GET', zone: 'America/New_York', range: true, filters: [{ field: 'method', value: 'POST' }, { field: 'method', value: 'GET' }] },
  { name: 'UTC, 15-minute buckets, slow requests on Mondays 9h', zone: 'UTC', bucketMs: 900_000, filters: [{ field: 'duration', minMs: 100, maxMs: null }, { field: 'weekdayHour', weekday: 0, hour: 9 }] },
];

/**
 * Searches a user types, each on both engines: words, phrases, fields with comparisons,
 * exclusions, regexes, a STRUCT field (meta.agent), and literals that need escaping
 * in ClickHouse's string syntax (a quote, backslashes, Korean), put into a few messages.
 */
const trickyMessages = ["it's done: C:\\temp\\ \"quoted\" 시간 초과", "O'Brien's cache \\ miss", 'ÉCHEC du paiement'];
const searches: { name: string; search: Search; quick?: Search }[] = [
  { name: 'a word', search: { text: 'timeout', regex: false, column: null } },
  { name: 'a phrase, letter case ignored', search: { text: '"CONNECTION REFUSED"', regex: false, column: null } },
  { name: 'a field comparison and an exclusion', search: { text: 'status:>=500 -path:health', regex: false, column: null } },
  { name: 'a role field', search: { text: 'message:deadlock -level:debug', regex: false, column: null } },
  { name: 'a quote', search: { text: "it's", regex: false, column: null } },
  { name: 'a quoted phrase with quotes', search: { text: '"O\'Brien\'s cache"', regex: false, column: null } },
  { name: 'backslashes', search: { text: 'C:\\temp\\', regex: false, column: null } },
  { name: 'Korean', search: { text: '시간 초과', regex: false, column: null } },
  { name: 'non-ASCII letter case', search: { text: 'échec', regex: false, column: null } },
  { name: 'a STRUCT field', search: { text: 'meta.agent:iphone', regex: false, column: null } },
  { name: 'a STRUCT field holding quotes', search: { text: 'meta.agent:"bot\'s \\"probe\\"" -meta.note:x', regex: false, column: null } },
  { name: 'a STRUCT field that is NULL', search: { text: '^even$', regex: true, column: ['meta', 'note'] } },
  { name: 'a regex', search: { text: 'after \\d{4,} ms$', regex: true, column: null } },
  { name: 'a regex on one column', search: { text: '^(GET|POST)$', regex: true, column: ['method'] } },
  { name: 'a number column searched as text', search: { text: '50', regex: false, column: ['status'] } },
  { name: 'a search and the grid’s quick search', search: { text: 'failed', regex: false, column: null }, quick: { text: 'login', regex: false, column: null } },
];
/** Pattern lists a user opens: the whole dataset, a range with "new" and sparklines, a search, a second page. */
const patternLists: { name: string; range: boolean; search: string | null; offset: number }[] = [
  { name: 'everything', range: false, search: null, offset: 0 },
  { name: 'a range', range: true, search: null, offset: 0 },
  { name: 'a search', range: false, search: 'failed', offset: 0 },
  { name: 'the second page of a range', range: true, search: null, offset: 10 },
];
const patternAnswers = new Map<string, unknown>();

async function patternList({ range, search, offset }: (typeof patternLists)[number]) {
  const summary = (await api.call('datasets.list', {})).find((d) => d.id === datasetId)!;
  const from = Math.floor(Date.parse(summary.timeMin!) / 1000) * 1000 + 2 * 86_400_000;
  const window = range ? { from: new Date(from).toISOString(), to: new Date(from + 86_400_000).toISOString() } : null;
  const { status: _status, ...list } = await api.call('patterns.list', { datasetId, range: window, search, offset, limit: 10, sparklineBuckets: range ? 24 : 0 });
  // ClickHouse 18.16's DateTime holds whole seconds.
  const second = (iso: string | null) => iso && `${iso.slice(0, 19)}Z`;
  return { ...list, templates: list.templates.map((t) => ({ ...t, firstSeen: second(t.firstSeen), lastSeen: second(t.lastSeen) })) };
}

const searchAnswers = new Map<string, { events: Answer; total: number }>();

async function searchAnswer({ search, quick }: (typeof searches)[number]): Promise<{ events: Answer; total: number }> {
  const events = await api.call('dashboard.chart', { datasetId, chart: 'events', zone: 'Asia/Seoul', range: null, filters: [], search, widthPx: 900, options: {} });
  const page = await api.call('dashboard.rows', { datasetId, zone: 'UTC', range: null, filters: [], search, quick: quick ?? null, sort: null, offset: 0, limit: 5 });
  return { events: { rows: events.rows, covered: events.covered, buckets: events.buckets, bucketMs: events.bucketMs, basis: events.basis }, total: page.total };
}

type Answer = Pick<ChartResult, 'rows' | 'covered' | 'buckets' | 'bucketMs' | 'basis'>;
const answers = new Map<string, Answer>();
const key = (variant: string, chart: ChartId) => `${variant} · ${chart}`;

async function ask(variant: (typeof variants)[number], chart: ChartId): Promise<Answer> {
  const summary = (await api.call('datasets.list', {})).find((d) => d.id === datasetId)!;
  // Whole seconds: ClickHouse 18.16's DateTime holds seconds, so a range end inside a second cuts rows differently.
  const from = Math.floor(Date.parse(summary.timeMin!) / 1000) * 1000 + 3_600_000;
  const range = variant.range ? { from: new Date(from).toISOString(), to: new Date(from + 2 * 86_400_000).toISOString() } : null;
  const result = await api.call('dashboard.chart', {
    datasetId,
    chart,
    zone: variant.zone,
    range,
    filters: variant.filters,
    widthPx: 900,
    ...(variant.bucketMs ? { bucketMs: variant.bucketMs } : {}),
    options: { logScale: variant.logScale ?? false },
  });
  return { rows: result.rows, covered: result.covered, buckets: result.buckets, bucketMs: result.bucketMs, basis: result.basis };
}

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir, { seedDemo: true }), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  datasetId = (await api.call('datasets.list', {})).find((d) => d.name === demoDatasetName)!.id;
  // Mined before anything else touches the rows; the pushed rows carry their template ids.
  expect((await api.call('patterns.wait', { datasetId })).state).toBe('done');
  const catalog = await core.db.connection('catalog');
  for (const [i, message] of trickyMessages.entries()) {
    await catalog.run(`UPDATE main.${demoDatasetName} SET message = $message WHERE _ls_line IN ($a, $b)`, { message, a: 100 + i, b: 20_000 + i });
  }
  // The importer flattens JSON objects; a STRUCT column comes from elsewhere (Parquet, a deep object).
  await catalog.run(`ALTER TABLE main.${demoDatasetName} ADD COLUMN meta STRUCT(agent VARCHAR, note VARCHAR, hits INTEGER)`);
  await catalog.run(`UPDATE main.${demoDatasetName} SET meta = struct_pack(agent := client_user_agent, note := CASE WHEN _ls_line % 2 = 0 THEN 'even' END, hits := 1) WHERE _ls_line % 7 = 0`);
  await catalog.run(`UPDATE main.${demoDatasetName} SET meta = struct_pack(agent := $agent, note := NULL, hits := NULL) WHERE _ls_line = 301`, { agent: 'Bot\'s "probe", \'note\': \'x\'' });
  for (const entry of patternLists) patternAnswers.set(entry.name, await patternList(entry));
  for (const entry of searches) searchAnswers.set(entry.name, await searchAnswer(entry));
  for (const variant of variants) for (const chart of charts) answers.set(key(variant.name, chart), await ask(variant, chart));
  await api.call('engines.create', { name: 'team', url: server.url, user: server.admin.user, secret: { store: 'file', path: join(dataDir, 'team.pw'), password: server.admin.password } });
  await api.call('engines.push', { name: 'team', dataset: demoDatasetName });
  // From here the local rows are gone: every answer below can only have come from ClickHouse.
  await (await core.db.connection('catalog')).run(`DELETE FROM main.${demoDatasetName}`);
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

/** Percentiles are interpolated in floating point by two engines: equal to 9 digits, not to the bit. */
function expectSameRows(actual: Answer['rows'], expected: Answer['rows']) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) =>
    row.forEach((cell, c) => {
      const want = expected[r]![c];
      if (typeof want === 'number' && typeof cell === 'number' && !(Number.isInteger(want) && Number.isInteger(cell))) expect(cell).toBeCloseTo(want, 9);
      else expect(cell, `row ${r} column ${c}`).toEqual(want);
    }),
  );
}

describe('a dataset that lives in ClickHouse', () => {
  it('When listed, Then its summary names the engine connection', async () => {
    const summary = (await api.call('datasets.list', {})).find((d) => d.id === datasetId)!;
    expect(summary.engine).toBe('team');
  });

  describe.each(variants)('$name', (variant) => {
    it.each(charts)('When the %s chart is asked for, Then ClickHouse answers as DuckDB did', async (chart) => {
      const expected = answers.get(key(variant.name, chart))!;
      expect(expected.covered).toBeGreaterThan(0);
      const actual = await ask(variant, chart);
      expect({ ...actual, rows: [] }).toEqual({ ...expected, rows: [] });
      expectSameRows(actual.rows, expected.rows);
    });
  });

  it('When the Rows grid pages through a filter, Then the rows and the count come from ClickHouse in import order', async () => {
    const page = await api.call('dashboard.rows', { datasetId, zone: 'UTC', range: null, filters: [{ field: 'status', value: 404 }], search: null, quick: null, sort: null, offset: 5, limit: 10 });
    const expected = Number((await server.exec(`SELECT count() FROM ${demoDatasetName} WHERE status = 404`)).trim());
    expect(page.total).toBe(expected);
    expect(page.rows).toHaveLength(10);
    expect(page.columns.map((c) => c.name)).not.toContain('_ls_hash');
    const status = page.columns.findIndex((c) => c.name === 'status');
    expect(page.rows.every((row) => row[status] === 404)).toBe(true);
    const line = page.columns.findIndex((c) => c.name === '_ls_line');
    const lines = page.rows.map((row) => Number(row[line]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it.each(patternLists.map((p) => p.name))('When the pattern list shows %s, Then ClickHouse counts the rows DuckDB counted', async (name) => {
    const expected = patternAnswers.get(name) as Awaited<ReturnType<typeof patternList>>;
    expect(expected.templates.length).toBeGreaterThan(0);
    expect(await patternList(patternLists.find((p) => p.name === name)!)).toEqual(expected);
  });

  it('When a range is listed, Then some template is new in it or not, as on DuckDB, and sparklines hold its rows', () => {
    const ranged = patternAnswers.get('a range') as Awaited<ReturnType<typeof patternList>>;
    expect(ranged.templates.every((t) => t.sparkline.reduce((a, b) => a + b, 0) === t.count)).toBe(true);
  });

  it.each(searches.map((s) => s.name))('When searched for %s, Then ClickHouse finds the rows DuckDB found', async (name) => {
    const expected = searchAnswers.get(name)!;
    const actual = await searchAnswer(searches.find((s) => s.name === name)!);
    expect(actual.total).toBe(expected.total);
    expect(actual.events).toEqual(expected.events);
  });

  it('When the tricky messages are searched, Then each is found, so the escaping was tested on rows that hold it', () => {
    for (const name of ['a quote', 'a quoted phrase with quotes', 'backslashes', 'Korean', 'non-ASCII letter case']) expect(searchAnswers.get(name)!.total, name).toBeGreaterThan(0);
    expect(searchAnswers.get('a word')!.total).toBeGreaterThan(0);
    expect(searchAnswers.get('a STRUCT field')!.total).toBeGreaterThan(0);
    expect(searchAnswers.get('a STRUCT field holding quotes')!.total).toBe(1);
    expect(searchAnswers.get('a search and the grid’s quick search')!.total).toBeGreaterThan(0);
  });

  it('When a search cannot apply, Then ClickHouse words it as DuckDB does', async () => {
    const refused = await api
      .call('dashboard.chart', { datasetId, chart: 'events', zone: 'UTC', range: null, filters: [], search: { text: 'status:five', regex: false, column: null }, widthPx: 900, options: {} })
      .then(() => null, (e: unknown) => e as AppError);
    expect(refused?.code).toBe('search_value_not_number');
  });

  it('When a chart needs what ClickHouse cannot do yet, Then the refusal names it', async () => {
    const refused = await api
      .call('dashboard.chart', { datasetId, chart: 'events', zone: 'UTC', range: null, filters: [], search: { text: 'meta.hits:>0', regex: false, column: null }, widthPx: 900, options: {} })
      .then(() => null, (e: unknown) => e as AppError);
    expect(refused?.code).toBe('engine_unsupported');
    expect(refused?.params).toEqual({ feature: 'column meta.hits' });
  });
});
