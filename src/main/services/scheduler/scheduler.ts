import type { Db } from '../db/database';
import { toCell } from '../db/cells';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { EventBus } from '../events';
import { AppError, toWireError, type WireError } from '../../../shared/api/errors';
import { createTranslator, errorMessage } from '../../../shared/i18n/format';
import { dueSlot, nextSlot, scheduleProblem } from '../../../shared/schedule/schedule';
import { JobTarget, ScheduleSpec, type Job, type JobRun, type RetentionPolicy } from '../../../shared/api/contract/jobs';
import type { ParsedInput } from '../../../shared/api/contract';
import type { Handlers } from '../../transport/rpc';
import { findDatasetRecord, getDatasetRecord, refreshDatasetStats } from '../catalog/datasets';
import { rebuildSummaryIfAny } from '../catalog/summaries';
import { completePendingLineNumbers } from '../importer/lineNumbers';
import { buildRetentionDelete } from '../../../shared/sql/retention';

export interface JobRecord {
  id: number;
  name: string;
  target: JobTarget;
  schedule: ScheduleSpec;
  enabled: boolean;
  createdAt: Date;
  lastSlot: Date | null;
}

export type Trigger = JobRun['trigger'];

/** What a kind of job does. It throws to fail; what it returns is the run log's message. */
export type JobExecutor = (context: { job: JobRecord; slot: Date | null; now: Date; signal: AbortSignal }) => Promise<{ message: string }>;

export type Executors = Partial<Record<JobTarget['kind'], JobExecutor>>;

/** How often the app looks for due jobs; a due job runs within this of its time. */
export const tickMs = 30_000;

/** The run log's `message` is English; the app words failures itself from `error`. */
const english = createTranslator('en');

/**
 * One scheduler for every kind of job, used by the app (a timer) and by `logscope jobs
 * run` (which asks the owner to run what is due, so a job never runs in two processes).
 * A job never overlaps with itself: a second start is recorded as skipped. A failed job
 * keeps its error and is tried again on its next slot; the run log is in the catalogue.
 */
export function createSchedulerService({
  db,
  clock,
  log,
  events,
  executors,
}: {
  db: Db;
  clock: Clock;
  log: Logger;
  events: EventBus;
  executors: Executors;
}) {
  const running = new Set<number>();
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  const stopping = new AbortController();

  async function records(where = '', params: Record<string, number> = {}): Promise<JobRecord[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT id, name, target, schedule, enabled, created_at, last_slot FROM logscope.jobs ${where} ORDER BY id`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r[0]),
      name: String(r[1]),
      target: JobTarget.parse(JSON.parse(String(r[2]))),
      schedule: ScheduleSpec.parse(JSON.parse(String(r[3]))),
      enabled: Boolean(r[4]),
      createdAt: new Date(toCell(r[5]) as string),
      lastSlot: r[6] === null ? null : new Date(toCell(r[6]) as string),
    }));
  }

  async function record(id: number): Promise<JobRecord> {
    const [found] = await records('WHERE id = $id', { id });
    if (!found) throw new AppError('not_found', { what: 'job', id });
    return found;
  }

  async function list(): Promise<Job[]> {
    const catalog = await db.connection('catalog');
    const last = await catalog.all(
      `SELECT job_id, arg_max(started_at, id), arg_max(outcome, id), arg_max(message, id) FROM logscope.job_runs GROUP BY job_id`,
    );
    const lastByJob = new Map(last.rows.map((r) => [Number(r[0]), r]));
    const now = clock.now();
    return (await records()).map((job) => {
      const lastRun = lastByJob.get(job.id);
      const next = job.enabled ? nextSlot(job.schedule, now, job.createdAt) : null;
      return {
        id: job.id,
        name: job.name,
        target: job.target,
        schedule: job.schedule,
        enabled: job.enabled,
        createdAt: job.createdAt.toISOString(),
        nextRunAt: next?.toISOString() ?? null,
        lastRunAt: lastRun ? (toCell(lastRun[1]) as string) : null,
        lastOutcome: lastRun ? (String(lastRun[2]) as Job['lastOutcome']) : null,
        lastMessage: lastRun?.[3] === null || !lastRun ? null : String(lastRun[3]),
        running: running.has(job.id),
      };
    });
  }

  async function create(input: ParsedInput<'jobs.create'>): Promise<Job> {
    const problem = scheduleProblem(input.schedule);
    if (problem) throw new AppError('schedule_invalid', { detail: problem });
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `INSERT INTO logscope.jobs (name, target, schedule, enabled, created_at) VALUES ($name, $target, $schedule, $enabled, $now::TIMESTAMP) RETURNING id`,
      { name: input.name, target: JSON.stringify(input.target), schedule: JSON.stringify(input.schedule), enabled: input.enabled, now: clock.now().toISOString() },
    );
    const id = Number(rows[0]?.[0]);
    events.emit('jobs.changed', { jobId: id });
    return (await list()).find((j) => j.id === id)!;
  }

  async function update(input: ParsedInput<'jobs.update'>): Promise<Job> {
    const current = await record(input.id);
    const schedule = input.schedule ?? current.schedule;
    const problem = scheduleProblem(schedule);
    if (problem) throw new AppError('schedule_invalid', { detail: problem });
    const catalog = await db.connection('catalog');
    await catalog.run(`UPDATE logscope.jobs SET name = $name, target = $target, schedule = $schedule, enabled = $enabled WHERE id = $id`, {
      id: current.id,
      name: input.name ?? current.name,
      target: JSON.stringify(input.target ?? current.target),
      schedule: JSON.stringify(schedule),
      enabled: input.enabled ?? current.enabled,
    });
    events.emit('jobs.changed', { jobId: current.id });
    return (await list()).find((j) => j.id === current.id)!;
  }

  async function remove(id: number): Promise<{ removed: boolean }> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`DELETE FROM logscope.jobs WHERE id = $id RETURNING id`, { id });
    events.emit('jobs.changed', { jobId: id });
    return { removed: rows.length > 0 };
  }

  /** Runs one job for one slot, recording the run whatever happens. */
  async function runJob(job: JobRecord, slot: Date | null, trigger: Trigger, signal: AbortSignal): Promise<JobRun> {
    const catalog = await db.connection('catalog');
    const startedAt = clock.now();
    const inserted = await catalog.all(
      `INSERT INTO logscope.job_runs (job_id, slot, started_at, trigger) VALUES ($jobId, $slot::TIMESTAMP, $startedAt::TIMESTAMP, $trigger) RETURNING id`,
      { jobId: job.id, slot: slot?.toISOString() ?? null, startedAt: startedAt.toISOString(), trigger },
    );
    const runId = Number(inserted.rows[0]?.[0]);
    let outcome: 'succeeded' | 'failed' | 'skipped';
    let message: string;
    let failure: WireError | null = null;
    if (running.has(job.id)) {
      outcome = 'skipped';
      message = 'already running; not started twice';
    } else {
      running.add(job.id);
      events.emit('jobs.changed', { jobId: job.id });
      try {
        const executor = executors[job.target.kind];
        if (!executor) throw new AppError('internal', { message: `no executor for ${job.target.kind} jobs in this process` });
        message = (await executor({ job, slot, now: startedAt, signal })).message;
        outcome = 'succeeded';
      } catch (error) {
        failure = toWireError(error);
        outcome = 'failed';
        message = errorMessage(english, failure);
        log.warn('job failed', { job: job.name, error });
      } finally {
        running.delete(job.id);
      }
    }
    const finishedAt = clock.now();
    await catalog.transaction(async (tx) => {
      await tx.run(
        `UPDATE logscope.job_runs SET finished_at = $at::TIMESTAMP, outcome = $outcome, message = $message, error = $error::JSON WHERE id = $id`,
        { id: runId, at: finishedAt.toISOString(), outcome, message, error: failure && JSON.stringify(failure) },
      );
      // The slot counts as run even when the run failed: it is retried on its next slot.
      if (slot && outcome !== 'skipped') {
        await tx.run(`UPDATE logscope.jobs SET last_slot = $slot::TIMESTAMP WHERE id = $id`, { id: job.id, slot: slot.toISOString() });
      }
    });
    events.emit('jobs.changed', { jobId: job.id });
    return {
      id: runId,
      jobId: job.id,
      jobName: job.name,
      slot: slot?.toISOString() ?? null,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      outcome,
      message,
      error: failure,
      trigger,
    };
  }

  /** Every enabled job that is due now runs once, one after the other. */
  async function runDue(trigger: Trigger, signal: AbortSignal = stopping.signal): Promise<JobRun[]> {
    const now = clock.now();
    const runs: JobRun[] = [];
    for (const job of await records('WHERE enabled')) {
      if (signal.aborted) break;
      const slot = dueSlot(job.schedule, now, job.createdAt, job.lastSlot);
      if (slot) runs.push(await runJob(job, slot, trigger, signal));
    }
    return runs;
  }

  async function runNow(id: number, signal: AbortSignal): Promise<JobRun> {
    return runJob(await record(id), null, 'manual', signal);
  }

  async function runs(jobId: number | null, limit: number): Promise<JobRun[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT r.id, r.job_id, j.name, r.slot, r.started_at, r.finished_at, r.outcome, r.message, r.trigger, r.error::VARCHAR
       FROM logscope.job_runs r JOIN logscope.jobs j ON j.id = r.job_id
       ${jobId === null ? '' : 'WHERE r.job_id = $jobId'} ORDER BY r.id DESC LIMIT $limit`,
      jobId === null ? { limit } : { jobId, limit },
    );
    return rows.map((r) => ({
      id: Number(r[0]),
      jobId: Number(r[1]),
      jobName: String(r[2]),
      slot: toCell(r[3]) as string | null,
      startedAt: toCell(r[4]) as string,
      finishedAt: toCell(r[5]) as string | null,
      outcome: r[6] === null ? null : (String(r[6]) as JobRun['outcome']),
      message: r[7] === null ? null : String(r[7]),
      trigger: String(r[8]) as Trigger,
      error: r[9] === null ? null : (JSON.parse(String(r[9])) as WireError),
    }));
  }

  /** The app's timer: look for due jobs now and then, never two looks at once. */
  function start(intervalMs = tickMs) {
    if (timer) return;
    const tick = () => {
      ticking ??= runDue('schedule')
        .catch((error: unknown) => log.error('scheduler tick failed', { error }))
        .finally(() => (ticking = null));
    };
    tick();
    timer = setInterval(tick, intervalMs);
    timer.unref();
  }

  async function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    stopping.abort();
    await ticking;
  }

  return { list, create, update, remove, runDue, runNow, runs, start, stop };
}

export type SchedulerService = ReturnType<typeof createSchedulerService>;

/**
 * Per-dataset retention, off by default: keep the last N days (counted back from the
 * dataset's newest row, so an idle dataset is not emptied by the calendar) or the newest
 * N rows, so a database fed unattended does not grow without end.
 */
export function createRetention({ db, clock, events, log }: { db: Db; clock: Clock; events: EventBus; log: Logger }) {
  async function list(): Promise<RetentionPolicy[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT dataset_id, keep_days, keep_rows FROM logscope.retention ORDER BY dataset_id`);
    return rows.map((r) => ({ datasetId: Number(r[0]), keepDays: r[1] === null ? null : Number(r[1]), keepRows: r[2] === null ? null : Number(r[2]) }));
  }

  async function set(policy: RetentionPolicy): Promise<RetentionPolicy> {
    const catalog = await db.connection('catalog');
    const record = await getDatasetRecord(catalog, policy.datasetId);
    // Retention deletes rows: an attached table's rows are the user's, kept by their server.
    if (record.engine?.readOnly && (policy.keepDays !== null || policy.keepRows !== null)) throw new AppError('dataset_read_only', { name: record.name });
    await catalog.run(
      `INSERT INTO logscope.retention VALUES ($datasetId, $keepDays, $keepRows)
       ON CONFLICT (dataset_id) DO UPDATE SET keep_days = excluded.keep_days, keep_rows = excluded.keep_rows`,
      { datasetId: policy.datasetId, keepDays: policy.keepDays, keepRows: policy.keepRows },
    );
    return policy;
  }

  async function apply(): Promise<{ message: string }> {
    const catalog = await db.connection('catalog');
    // Lines are numbered by the rows' order: number any import still waiting before rows go.
    await completePendingLineNumbers(catalog, log);
    const parts: string[] = [];
    for (const policy of await list()) {
      if (policy.keepDays === null && policy.keepRows === null) continue;
      const record = await findDatasetRecord(catalog, policy.datasetId);
      if (!record) continue;
      const removed = await catalog.transaction(async (tx) => {
        const { sql, params } = buildRetentionDelete({ table: record.name, timeColumn: record.timeColumn, keepDays: policy.keepDays, keepRows: policy.keepRows });
        const deleted = await tx.all(sql, params);
        await refreshDatasetStats(tx, record, clock.now());
        await rebuildSummaryIfAny(tx, record, clock.now());
        return Number(deleted.rows[0]?.[0] ?? 0);
      });
      // Rows went, as when a source is removed; 'deleted' would tell listeners the dataset
      // itself is gone (its saved roles, layout and patterns were dropped with it).
      if (removed > 0) events.emit('datasets.changed', { reason: 'imported', datasetId: record.id });
      parts.push(`${record.name}: ${removed} rows removed`);
    }
    return { message: parts.length ? parts.join('; ') : 'no retention policy is set' };
  }

  return { list, set, apply };
}

export type Retention = ReturnType<typeof createRetention>;

export function createJobHandlers(
  scheduler: SchedulerService,
  retention: Retention,
): Pick<Handlers, 'jobs.list' | 'jobs.create' | 'jobs.update' | 'jobs.remove' | 'jobs.runDue' | 'jobs.runNow' | 'jobs.runs' | 'retention.list' | 'retention.set'> {
  return {
    'jobs.list': () => scheduler.list(),
    'jobs.create': (input) => scheduler.create(input),
    'jobs.update': (input) => scheduler.update(input),
    'jobs.remove': (input) => scheduler.remove(input.id),
    'jobs.runDue': (input, { signal }) => scheduler.runDue(input.trigger, signal),
    'jobs.runNow': (input, { signal }) => scheduler.runNow(input.id, signal),
    'jobs.runs': (input) => scheduler.runs(input.jobId, input.limit),
    'retention.list': () => retention.list(),
    'retention.set': (input) => retention.set(input),
  };
}
