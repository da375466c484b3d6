import fs from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { ChartId, ChartResult, FieldFilter } from '../../src/shared/charts/spec';
import { createServiceLogGenerator, formatCsvHeader, formatCsvLine } from '../../src/shared/synth/serviceLog';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// The "done when": one generated 1 M-row file (seed 21), imported into DuckDB by the
// ordinary importer and mined, then pushed to a real ClickHouse 18.16 (the import-then-push
// path), whose local rows are then deleted. The dashboard and the pattern list must come
// out the same from both engines. (The report's figures read the local rows today; they
// join this test when the report runs on the dataset's engine.)
const rows = 1_000_000;
const dataDir = tempDataDir('logscope-engine-million-');
const dataset = 'svc_million';
let core: AppCore;
let api: Api;
let server: ClickHouseServer;
let datasetId: number;
const timings: Record<string, number> = {};

const charts: ChartId[] = ['events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'heatmap', 'histogram', 'patterns'];
const variants: { name: string; zone: string; filters: FieldFilter[]; search?: string }[] = [
  { name: 'Seoul, everything', zone: 'Asia/Seoul', filters: [] },
  { name: 'UTC, 5xx, a search', zone: 'UTC', filters: [{ field: 'statusClass', value: 5 }], search: '-health timeout' },
];

type Answer = Pick<ChartResult, 'rows' | 'covered' | 'buckets' | 'bucketMs' | 'basis'>;
const chartAnswers = new Map<string, Answer>();
let patternAnswer: unknown;

async function chart(variant: (typeof variants)[number], id: ChartId): Promise<Answer> {
  const r = await api.call('dashboard.chart', {
    datasetId,
    chart: id,
    zone: variant.zone,
    range: null,
    filters: variant.filters,
    search: variant.search ? { text: variant.search, regex: false, column: null } : null,
    widthPx: 900,
    options: {},
  });
  return { rows: r.rows, covered: r.covered, buckets: r.buckets, bucketMs: r.bucketMs, basis: r.basis };
}

async function patternList() {
  const { status: _status, ...list } = await api.call('patterns.list', { datasetId, range: null, search: null, offset: 0, limit: 50, sparklineBuckets: 0 });
  // ClickHouse 18.16's DateTime holds whole seconds.
  const second = (iso: string | null) => iso && `${iso.slice(0, 19)}Z`;
  return { ...list, templates: list.templates.map((t) => ({ ...t, firstSeen: second(t.firstSeen), lastSeen: second(t.lastSeen) })) };
}

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - started);
  }
}

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  const file = join(dataDir, `${dataset}.csv`);
  await timed('generate', async () => {
    const lines = (function* () {
      yield formatCsvHeader() + '\n';
      for (const record of createServiceLogGenerator({ lines: rows, seed: 21 })) yield formatCsvLine(record) + '\n';
    })();
    await pipeline(Readable.from(lines), fs.createWriteStream(file));
  });
  const [item] = await timed('import', () => api.call('import.run', { jobId: 'million', files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: dataset } } }], origin: 'command' }));
  if (!item?.ok) throw new Error(`import failed: ${JSON.stringify(item?.error)}`);
  datasetId = item.result.datasetId!;
  expect((await timed('mine', () => api.call('patterns.wait', { datasetId }))).state).toBe('done');
  await timed('duckdb answers', async () => {
    for (const variant of variants) for (const id of charts) chartAnswers.set(`${variant.name} · ${id}`, await chart(variant, id));
    patternAnswer = await patternList();
  });
  await api.call('engines.create', { name: 'team', url: server.url, user: server.admin.user, secret: { store: 'file', path: join(dataDir, 'team.pw'), password: server.admin.password } });
  const pushed = await timed('push', () => api.call('engines.push', { name: 'team', dataset }));
  expect(pushed).toEqual({ table: dataset, rows, duplicates: 0, withoutTime: 0 });
  // From here the local rows are gone: every answer below can only have come from ClickHouse.
  await (await core.db.connection('catalog')).run(`DELETE FROM main.${dataset}`);
}, 900_000);

afterAll(async () => {
  // How long each step took, for the run-time budget of `npm test` (printed, not asserted).
  console.log('engineMillion timings (ms):', JSON.stringify(timings));
  await core?.dispose();
  await server?.stop();
});

/** Exact quantiles interpolated by both engines in floating point: equal to 9 digits; everything else exactly. */
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

describe('a 1 M-row dataset in DuckDB and in ClickHouse', () => {
  it('When every chart of the dashboard is asked of ClickHouse, Then it answers as DuckDB did', async () => {
    await timed('clickhouse charts', async () => {
      for (const variant of variants) {
        for (const id of charts) {
          const expected = chartAnswers.get(`${variant.name} · ${id}`)!;
          expect(expected.covered, `${variant.name} · ${id}`).toBeGreaterThan(0);
          const actual = await chart(variant, id);
          expect({ ...actual, rows: [] }, `${variant.name} · ${id}`).toEqual({ ...expected, rows: [] });
          expectSameRows(actual.rows, expected.rows);
        }
      }
    });
  });

  it('When the pattern list is asked of ClickHouse, Then it lists the same templates with the same counts', async () => {
    const expected = patternAnswer as Awaited<ReturnType<typeof patternList>>;
    expect(expected.rows).toBe(rows);
    expect(expected.templates.length).toBeGreaterThan(10);
    expect(await patternList()).toEqual(expected);
  });
});
