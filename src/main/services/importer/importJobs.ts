import { randomUUID } from 'node:crypto';
import type { ImportItemResult, ImportJob, ImportJobPush } from '../../../shared/api/contract/imports';
import type { ParsedInput } from '../../../shared/api/contract';
import { AppError, toWireError } from '../../../shared/api/errors';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { ImportService } from './importer';
import type { Handlers } from '../../transport/rpc';
import type { PushProgress, PushResult } from '../engine/push';

/** Copies a dataset into the named ClickHouse connection and links it there (the connection service's `push`). */
export type PushToEngine = (
  input: { name: string; dataset: string },
  signal: AbortSignal,
  onProgress: (progress: PushProgress) => void,
) => Promise<PushResult>;

/** The datasets an import wrote to, each once, in the order of their first file. */
export function datasetsOf(results: readonly ImportItemResult[]): string[] {
  return [...new Set(results.flatMap((item) => (item.ok && item.result.dataset !== null ? [item.result.dataset] : [])))];
}

/** An import whose every file failed failed; one that brought in anything is done. */
const importPhase = (results: readonly ImportItemResult[]): 'failed' | 'done' => (results.length > 0 && results.every((r) => !r.ok) ? 'failed' : 'done');

/** Finished imports kept on the list (running ones always are). */
const finishedKept = 20;

/**
 * Imports in the background. The owner process keeps the list, so a window that reloads
 * (or a second one) sees the running imports and the finished ones again; each job has its
 * own cancel, independent of the call that started it.
 */
export function createImportJobs({
  imports,
  events,
  clock,
  log,
  engines,
}: {
  imports: ImportService;
  events: EventBus;
  clock: Clock;
  log: Logger;
  /** Imports that name an engine need both: the connection's canonical name (or `engine_not_found`), and the push. */
  engines?: { resolve: (name: string) => Promise<string>; push: PushToEngine };
}) {
  const jobs = new Map<string, { job: ImportJob; controller: AbortController; done: Promise<void> }>();

  const publish = (job: ImportJob, dismissed = false) => events.emit('import.job', { job, dismissed });

  const stopListening = events.on('import.progress', (progress) => {
    const entry = jobs.get(progress.jobId);
    if (entry && entry.job.phase === 'running') entry.job = { ...entry.job, progress };
  });

  function forgetOldFinished() {
    const finished = [...jobs.values()].filter((e) => e.job.phase !== 'running');
    for (const entry of finished.slice(0, Math.max(0, finished.length - finishedKept))) jobs.delete(entry.job.jobId);
  }

  function update(jobId: string, patch: Partial<ImportJob>) {
    const entry = jobs.get(jobId);
    if (!entry) return;
    entry.job = { ...entry.job, ...patch };
    publish(entry.job);
  }

  /**
   * After the import: each dataset it wrote to is pushed and linked, one after the other, as
   * a visible phase of the job. A failed push stops there; the datasets stay on this
   * computer and say so. Cancelling aborts the push in flight (its insert and the queries).
   */
  async function pushAll(jobId: string, engine: string, results: ImportItemResult[], signal: AbortSignal): Promise<Pick<ImportJob, 'phase' | 'pushes'>> {
    const pushes: ImportJobPush[] = datasetsOf(results).map((dataset) => ({
      dataset,
      phase: 'waiting',
      rowsSent: 0,
      rowsTotal: null,
      table: null,
      duplicates: 0,
      withoutTime: 0,
      error: null,
    }));
    const set = (index: number, patch: Partial<ImportJobPush>) => {
      pushes[index] = { ...pushes[index]!, ...patch };
      update(jobId, { pushes: [...pushes] });
    };
    let phase: ImportJob['phase'] = importPhase(results);
    for (const [index, { dataset }] of pushes.entries()) {
      if (signal.aborted || phase !== 'done') {
        if (signal.aborted) phase = 'cancelled';
        set(index, { phase: signal.aborted ? 'cancelled' : 'waiting' });
        continue;
      }
      set(index, { phase: 'pushing' });
      try {
        const pushed = await engines!.push({ name: engine, dataset }, signal, (p) => set(index, { rowsSent: p.rowsDone, rowsTotal: p.rowsTotal }));
        set(index, { phase: 'done', rowsSent: pushed.rows, table: pushed.table, duplicates: pushed.duplicates, withoutTime: pushed.withoutTime });
      } catch (error) {
        const cancelled = signal.aborted || (error instanceof AppError && error.code === 'cancelled');
        if (!cancelled) log.warn('push after import failed', { jobId, engine, dataset, error });
        set(index, { phase: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : toWireError(error) });
        phase = cancelled ? 'cancelled' : 'failed';
      }
    }
    return { phase, pushes };
  }

  function finish(jobId: string, patch: Pick<ImportJob, 'phase' | 'results' | 'error'> & Partial<ImportJob>) {
    const entry = jobs.get(jobId);
    if (!entry) return;
    entry.job = { ...entry.job, ...patch, finishedAt: clock.now().toISOString() };
    publish(entry.job);
    forgetOldFinished();
  }

  return {
    async start(input: ParsedInput<'import.start'>): Promise<ImportJob> {
      // A connection that does not exist is refused before anything is imported.
      let engine: string | null = null;
      if (input.engine !== undefined) {
        if (!engines) throw new AppError('engine_not_found', { name: input.engine });
        engine = await engines.resolve(input.engine);
      }
      const jobId = randomUUID();
      const controller = new AbortController();
      const job: ImportJob = {
        jobId,
        files: input.files.map(({ file }) => ('path' in file ? (file.path.split(/[\\/]/).pop() ?? file.path) : file.name)),
        engine,
        pushes: [],
        phase: 'running',
        startedAt: clock.now().toISOString(),
        finishedAt: null,
        progress: null,
        results: [],
        error: null,
      };
      const done = imports
        .run({ jobId, files: input.files, origin: input.origin }, controller.signal)
        .then(async (results: ImportItemResult[]) => {
          if (engine === null) return finish(jobId, { phase: importPhase(results), results, error: null });
          // The files are in: their results show while the push runs.
          update(jobId, { results });
          return finish(jobId, { ...(await pushAll(jobId, engine, results, controller.signal)), results, error: null });
        })
        .catch((error: unknown) => {
          const cancelled = controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled');
          if (!cancelled) log.warn('import job failed', { jobId, error });
          finish(jobId, { phase: cancelled ? 'cancelled' : 'failed', results: [], error: cancelled ? null : toWireError(error) });
        });
      jobs.set(jobId, { job, controller, done });
      publish(job);
      return job;
    },

    list(): ImportJob[] {
      return [...jobs.values()].map((e) => e.job).reverse();
    },

    cancel(jobId: string): { cancelled: boolean } {
      const entry = jobs.get(jobId);
      if (!entry || entry.job.phase !== 'running') return { cancelled: false };
      entry.controller.abort();
      return { cancelled: true };
    },

    dismiss(jobId: string): { dismissed: boolean } {
      const entry = jobs.get(jobId);
      if (!entry || entry.job.phase === 'running') return { dismissed: false };
      jobs.delete(jobId);
      publish(entry.job, true);
      return { dismissed: true };
    },

    /** Cancels what still runs and waits until each has rolled back. */
    async dispose() {
      stopListening();
      for (const entry of jobs.values()) entry.controller.abort();
      await Promise.all([...jobs.values()].map((e) => e.done));
    },
  };
}
export type ImportJobs = ReturnType<typeof createImportJobs>;

/** The contract's background-import methods, bound to the job list. */
export function createImportJobHandlers(jobs: ImportJobs): Pick<Handlers, 'import.start' | 'import.jobs' | 'import.cancel' | 'import.dismiss'> {
  return {
    'import.start': async (input) => jobs.start(input),
    'import.jobs': async () => jobs.list(),
    'import.cancel': async (input) => jobs.cancel(input.jobId),
    'import.dismiss': async (input) => jobs.dismiss(input.jobId),
  };
}
