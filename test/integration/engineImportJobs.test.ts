import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { systemClock } from '../../src/main/services/clock';
import { createDuckDbEngine } from '../../src/main/services/engine/duckdb';
import { createQueryService } from '../../src/main/services/query/query';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { ImportJob } from '../../src/shared/api/contract/imports';
import type { AppError } from '../../src/shared/api/errors';
import { startClickHouse, type ClickHouseServer } from '../servers/clickhouse';
import { openOwnedCore, tempDataDir } from './support/dataDir';

// The app's background import with "Where: ClickHouse": the job imports here, then pushes
// each dataset to a real ClickHouse 18.16 and links it, as a phase of the same job.
const dataDir = tempDataDir('logscope-engine-jobs-');
let core: AppCore;
let api: Api;
let server: ClickHouseServer;

beforeAll(async () => {
  [core, server] = await Promise.all([openOwnedCore(dataDir), startClickHouse()]);
  api = createLocalApi(core.rpc, core.events);
  await api.call('engines.create', { name: 'Team', url: server.url, user: server.admin.user, secret: { store: 'file', path: join(dataDir, 'team.pw'), password: server.admin.password } });
});

afterAll(async () => {
  await core?.dispose();
  await server?.stop();
});

function csvFile(name: string, rows: number): string {
  const file = join(dataDir, name);
  const lines = ['time,level,message'];
  for (let i = 0; i < rows; i++) lines.push(`2024-03-01T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,${i % 7 === 0 ? 'ERROR' : 'INFO'},request ${i} "quoted" \\ 한글`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The job's end, as the owner announces it; `onUpdate` sees every state before. */
function finished(jobId: () => string | null, onUpdate: (job: ImportJob) => void = () => undefined): Promise<ImportJob> {
  return new Promise((resolve) => {
    const stop = api.on('import.job', ({ job }) => {
      if (job.jobId !== jobId()) return;
      onUpdate(job);
      if (job.phase !== 'running') {
        stop();
        resolve(job);
      }
    });
  });
}

async function localRows(dataset: string): Promise<unknown[][]> {
  const duck = createDuckDbEngine({ db: core.db, queries: createQueryService({ db: core.db, clock: systemClock }) });
  return (await duck.query(`SELECT level, message, _ls_line FROM main."${dataset}" ORDER BY _ls_line`, { maxRows: 1_000_000 })).rows;
}

async function serverRows(table: string): Promise<unknown[][]> {
  const tsv = (await server.exec(`SELECT level, message, _ls_line FROM ${table} ORDER BY _ls_line FORMAT JSONCompact`)).trim();
  return (JSON.parse(tsv) as { data: unknown[][] }).data.map(([level, message, line]) => [level, message, Number(line)]);
}

describe('a background import into ClickHouse', () => {
  it('When an import names an engine, Then the job imports, pushes and links, and the server holds the local rows', async () => {
    const file = csvFile('web.csv', 3_000);
    let jobId: string | null = null;
    const phases: string[] = [];
    const done = finished(
      () => jobId,
      (job) => phases.push(`${job.phase}:${job.pushes.map((p) => p.phase).join(',')}`),
    );
    const job = await api.call('import.start', { files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'web' } } }], engine: 'team' });
    jobId = job.jobId;
    expect(job).toMatchObject({ phase: 'running', engine: 'Team', pushes: [] });
    const end = await done;

    expect(end.phase).toBe('done');
    expect(end.results[0]?.ok && end.results[0].result.rows).toBe(3_000);
    expect(end.pushes).toEqual([{ dataset: 'web', phase: 'done', rowsSent: 3_000, rowsTotal: 3_000, table: 'web', duplicates: 0, withoutTime: 0, error: null }]);
    // The push was a phase of the job that windows saw.
    expect(phases).toContain('running:pushing');
    const [listed] = (await api.call('datasets.list', {})).filter((d) => d.name === 'web');
    expect(listed?.engine).toBe('Team');
    const local = await localRows('web');
    expect(local).toHaveLength(3_000);
    expect(await serverRows('web')).toEqual(local);
  });

  it('When the engine is unknown, Then the start is refused and nothing is imported', async () => {
    const file = csvFile('other.csv', 10);
    const refused = await api.call('import.start', { files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'other' } } }], engine: 'nobody' }).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(refused?.code).toBe('engine_not_found');
    expect((await api.call('datasets.list', {})).map((d) => d.name)).not.toContain('other');
  });

  it('When cancelled during the push, Then the local dataset stays whole and unlinked, and a later push sends the rest', async () => {
    const rows = 120_000;
    const file = csvFile('big.csv', rows);
    let jobId: string | null = null;
    let cancelledAt: { rowsSent: number; rowsTotal: number | null } | null = null;
    const done = finished(
      () => jobId,
      (job) => {
        const push = job.pushes[0];
        // After the first page: nine more remain, each a DuckDB read, a hash check and an insert.
        if (!cancelledAt && push?.phase === 'pushing' && push.rowsSent > 0) {
          cancelledAt = { rowsSent: push.rowsSent, rowsTotal: push.rowsTotal };
          void api.call('import.cancel', { jobId: job.jobId });
        }
      },
    );
    const job = await api.call('import.start', { files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: 'big' } } }], engine: 'Team' });
    jobId = job.jobId;
    const end = await done;

    expect(cancelledAt).not.toBeNull();
    expect(cancelledAt!.rowsSent).toBeLessThan(rows);
    expect(end.phase).toBe('cancelled');
    expect(end.results[0]?.ok && end.results[0].result.rows).toBe(rows);
    expect(end.pushes[0]).toMatchObject({ dataset: 'big', phase: 'cancelled', error: null });
    const [listed] = (await api.call('datasets.list', {})).filter((d) => d.name === 'big');
    expect(listed).toMatchObject({ engine: null });
    expect(await localRows('big')).toHaveLength(rows);

    // Whatever reached the server is not sent twice; the rest is.
    const pushed = await api.call('engines.push', { name: 'Team', dataset: 'big' });
    expect(pushed.rows + pushed.duplicates).toBe(rows);
    expect(pushed.rows).toBeGreaterThan(0);
    expect((await server.exec(`SELECT count() FROM big`)).trim()).toBe(String(rows));
  });
});
