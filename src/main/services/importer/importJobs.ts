import { randomUUID } from 'node:crypto';
import type { ImportItemResult, ImportJob } from '../../../shared/api/contract/imports';
import type { ParsedInput } from '../../../shared/api/contract';
import { AppError, toWireError } from '../../../shared/api/errors';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { ImportService } from './importer';
import type { Handlers } from '../../transport/rpc';

/** Finished imports kept on the list (running ones always are). */
const finishedKept = 20;

/**
 * Imports in the background. The owner process keeps the list, so a window that reloads
 * (or a second one) sees the running imports and the finished ones again; each job has its
 * own cancel, independent of the call that started it.
 */
export function createImportJobs({ imports, events, clock, log }: { imports: ImportService; events: EventBus; clock: Clock; log: Logger }) {
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

  function finish(jobId: string, patch: Pick<ImportJob, 'phase' | 'results' | 'error'>) {
    const entry = jobs.get(jobId);
    if (!entry) return;
    entry.job = { ...entry.job, ...patch, finishedAt: clock.now().toISOString() };
    publish(entry.job);
    forgetOldFinished();
  }

  return {
    start(input: ParsedInput<'import.start'>): ImportJob {
      const jobId = randomUUID();
      const controller = new AbortController();
      const job: ImportJob = {
        jobId,
        files: input.files.map(({ file }) => ('path' in file ? (file.path.split(/[\\/]/).pop() ?? file.path) : file.name)),
        phase: 'running',
        startedAt: clock.now().toISOString(),
        finishedAt: null,
        progress: null,
        results: [],
        error: null,
      };
      const done = imports.run({ jobId, files: input.files, origin: input.origin }, controller.signal).then(
        (results: ImportItemResult[]) => finish(jobId, { phase: results.length > 0 && results.every((r) => !r.ok) ? 'failed' : 'done', results, error: null }),
        (error: unknown) => {
          const cancelled = controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled');
          if (!cancelled) log.warn('import job failed', { jobId, error });
          finish(jobId, { phase: cancelled ? 'cancelled' : 'failed', results: [], error: cancelled ? null : toWireError(error) });
        },
      );
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
