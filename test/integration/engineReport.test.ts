import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { KeyFigures, ReportPreview, ReportSpecInput } from '../../src/shared/api/contract/report';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { writeReportFixture } from './support/reportFixtures';

// The report's figures of one imported file: first from DuckDB, then with the dataset pushed
// to ClickHouse 18.16 and its local rows emptied, so every figure can only come from there.
const dir = tempDataDir('logscope-engine-report-');
const now = new Date('2024-03-08T03:00:00Z');
const periods = [{ kind: '24h' as const }, { kind: '7d' as const }];
let core: AppCore;
let api: Api;
let server: ClickHouseServer;
let datasetId: number;
let duckdbReports: ReportPreview[];
let duckdbFile: string;

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(path.join(dir, 'data'), { clock: { now: () => now } }), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  const file = writeReportFixture(path.join(dir, 'files'));
  const [item] = await api.call('import.run', { jobId: 'svc', files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'svc' } } }], origin: 'command' });
  if (!item?.ok) throw new Error('fixture import failed');
  datasetId = item.result.datasetId!;
  duckdbReports = await Promise.all(periods.map((period) => api.call('reports.preview', { spec: spec(period) })));
  duckdbFile = (await api.call('reports.file', { spec: spec(periods[0]!) })).html;

  await api.call('engines.create', { name: 'team', url: server.url, user: server.admin.user, secret: { store: 'file', path: path.join(dir, 'team.pw'), password: server.admin.password } });
  await api.call('engines.push', { name: 'team', dataset: 'svc' });
  await (await core.db.connection('catalog')).run(`DELETE FROM main.svc`);
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

const spec = (period: ReportSpecInput['period']): ReportSpecInput => ({
  datasetId,
  period,
  zone: 'Asia/Seoul',
  language: 'en',
  recipients: ['ops@example.test'],
  smtpAccountId: null,
  attachments: { html: false, csv: false, png: false },
});

/** New patterns are mined from the local rows (the pattern tables live here): not the engine's figure. */
const engineFigures = ({ newPatterns: _newPatterns, ...figures }: KeyFigures) => figures;

describe('a report of a ClickHouse dataset', () => {
  it.each(periods.map((period, index) => [period, index] as const))('When previewed for %o, Then its figures equal the DuckDB report of the same file', async (period, index) => {
    const local = duckdbReports[index]!;
    const remote = await api.call('reports.preview', { spec: spec(period) });
    expect(local.figures.events).toBeGreaterThan(1000);
    expect(local.figures.p95Ms).not.toBeNull();
    expect(local.figures.errorRate).toBeGreaterThan(0);
    expect(local.figures.busiestEndpoint).not.toBeNull();
    expect(engineFigures(remote.figures)).toEqual(engineFigures(local.figures));
    expect(remote.previousFigures && engineFigures(remote.previousFigures)).toEqual(local.previousFigures && engineFigures(local.previousFigures));
    expect(remote.range).toEqual(local.range);
    // Every chart drawn, the message patterns included: no chart left out with a note.
    expect(remote.notes).toEqual(local.notes);
    const images = (html: string) => [...html.matchAll(/<img\b[^>]*>/g)].length;
    expect(images(remote.html)).toBe(images(local.html));
    expect(images(remote.html)).toBeGreaterThan(3);
  });

  it('When saved as a file, Then the ClickHouse dataset’s key-figure cells read as the DuckDB ones', async () => {
    const remote = (await api.call('reports.file', { spec: spec(periods[0]!) })).html;
    const cells = (html: string) => [...html.matchAll(/data-figure="([a-z-]+)">([\s\S]*?)<\/td>/g)].map((m) => [m[1], m[2]!.replace(/<[^>]+>/g, '|')]);
    const figures = cells(duckdbFile).filter(([id]) => id !== 'new-patterns');
    expect(figures.length).toBeGreaterThanOrEqual(4);
    expect(cells(remote).filter(([id]) => id !== 'new-patterns')).toEqual(figures);
  });
});
