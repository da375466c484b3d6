import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import type { ImportJob, ImportProgress } from '../../src/shared/api/contract/imports';
import { openOwnedCore, tempDataDir } from './support/dataDir';

const dataDir = tempDataDir('logscope-import-jobs-');
let core: AppCore;
let api: Api;

beforeAll(async () => {
  core = await openOwnedCore(dataDir);
  api = createLocalApi(core.rpc, core.events);
});
afterAll(async () => core?.dispose());

function csvFile(name: string, rows: number): string {
  const file = path.join(dataDir, name);
  const lines = ['time,level,message'];
  for (let i = 0; i < rows; i++) lines.push(`2024-03-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,INFO,request ${i} served from cache node ${i % 17}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The job's end, as the owner announces it to every window. */
function finished(jobId: string): Promise<ImportJob> {
  return new Promise((resolve) => {
    const stop = api.on('import.job', ({ job }) => {
      if (job.jobId === jobId && job.phase !== 'running') {
        stop();
        resolve(job);
      }
    });
  });
}

describe('imports in the background', () => {
  it('When an import starts, Then the call answers at once and the job finishes on the owner’s list, counted in bytes to the end', async () => {
    const file = csvFile('background.csv', 20_000);
    const progress: ImportProgress[] = [];
    const stop = api.on('import.progress', (p) => progress.push(p));
    const job = await api.call('import.start', { files: [{ file: { path: file }, options: {} }] });
    expect(job.phase).toBe('running');
    expect(job.files).toEqual(['background.csv']);
    const done = await finished(job.jobId);
    stop();

    expect(done.phase).toBe('done');
    expect(done.results).toHaveLength(1);
    const [result] = done.results;
    expect(result?.ok && result.result.rows).toBe(20_000);
    const last = progress.filter((p) => p.jobId === job.jobId).at(-1);
    expect(last).toMatchObject({ phase: 'done', bytesDone: fs.statSync(file).size, bytesTotal: fs.statSync(file).size, rows: 20_000, secondsLeft: 0 });
    // A reload of the window asks again and finds it.
    const listed = await api.call('import.jobs', {});
    expect(listed.find((j) => j.jobId === job.jobId)).toMatchObject({ phase: 'done', progress: { phase: 'done' } });
    expect(await api.call('import.dismiss', { jobId: job.jobId })).toEqual({ dismissed: true });
    expect((await api.call('import.jobs', {})).some((j) => j.jobId === job.jobId)).toBe(false);
  });

  it('When a running import is cancelled, Then it ends as cancelled and its dataset does not exist', async () => {
    const file = csvFile('cancelled_import.csv', 200_000);
    let cancelAsked: Promise<{ cancelled: boolean }> | null = null;
    let jobId = '';
    const stop = api.on('import.progress', (p) => {
      if (p.jobId === jobId && !cancelAsked) cancelAsked = api.call('import.cancel', { jobId });
    });
    const job = await api.call('import.start', { files: [{ file: { path: file }, options: {} }] });
    jobId = job.jobId;
    const done = await finished(job.jobId);
    stop();
    expect(await cancelAsked).toEqual({ cancelled: true });
    expect(done).toMatchObject({ phase: 'cancelled', results: [], error: null });
    const datasets = await api.call('datasets.list', {});
    expect(datasets.map((d) => d.name)).not.toContain('cancelled_import');
    // Nothing is left to cancel.
    expect(await api.call('import.cancel', { jobId: job.jobId })).toEqual({ cancelled: false });
  });

  it('When a file cannot be imported, Then the job fails with that file’s reason', async () => {
    const file = path.join(dataDir, 'header_only.csv');
    fs.writeFileSync(file, 'time,level,message\n');
    const job = await api.call('import.start', { files: [{ file: { path: file }, options: {} }] });
    const done = await finished(job.jobId);
    expect(done.phase).toBe('failed');
    expect(done.results).toEqual([{ ok: false, file: 'header_only.csv', error: { code: 'file_header_only', params: { file: 'header_only.csv' } } }]);
  });
});
