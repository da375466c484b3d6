import { z } from 'zod';
import { DatasetId, IsoInstant, empty, method } from '../schemas';

/** Scheduled work: fetch a mail rule, send a report, check an alert, apply retention. */
export const ScheduleSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('interval'), minutes: z.number().int().min(1).max(10_080) }).strict(),
  z.object({ kind: z.literal('cron'), expression: z.string().min(1).max(100), timeZone: z.string().min(1).max(64) }).strict(),
]);
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;

export const AlertSpec = z
  .object({
    datasetId: DatasetId,
    /** `unusual`: the dashboard's rule marks the latest bucket; `threshold`: error share above a value. */
    rule: z.enum(['unusual', 'threshold']),
    threshold: z.number().min(0).max(1).nullable().default(null),
    /** Bucket width the rule looks at. */
    bucketMinutes: z.number().int().min(1).max(1440).default(5),
    recipients: z.array(z.string().email()).min(1).max(50),
    smtpAccountId: z.number().int().positive().nullable().default(null),
  })
  .strict();
export type AlertSpec = z.infer<typeof AlertSpec>;

export const JobTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fetch'), ruleId: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('report'), reportId: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('alert'), alert: AlertSpec }).strict(),
  z.object({ kind: z.literal('retention') }).strict(),
]);
export type JobTarget = z.infer<typeof JobTarget>;

export const JobOutcome = z.enum(['succeeded', 'failed', 'skipped']);

export const Job = z.object({
  id: z.number().int(),
  name: z.string(),
  target: JobTarget,
  schedule: ScheduleSpec,
  enabled: z.boolean(),
  createdAt: IsoInstant,
  nextRunAt: IsoInstant.nullable(),
  lastRunAt: IsoInstant.nullable(),
  lastOutcome: JobOutcome.nullable(),
  lastMessage: z.string().nullable(),
  running: z.boolean(),
});
export type Job = z.infer<typeof Job>;

export const JobRun = z.object({
  id: z.number().int(),
  jobId: z.number().int(),
  jobName: z.string(),
  slot: IsoInstant.nullable(),
  startedAt: IsoInstant,
  finishedAt: IsoInstant.nullable(),
  outcome: JobOutcome.nullable(),
  /** What happened, in English (the command line's and the log's wording). */
  message: z.string().nullable(),
  /** Why a failed run failed, for the app to say in the user's language. */
  error: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }).nullable(),
  /** Who ran it: the app's timer, `logscope jobs run`, or a click on "Run now". */
  trigger: z.enum(['schedule', 'command', 'manual']),
});
export type JobRun = z.infer<typeof JobRun>;

export const JobInput = z
  .object({ name: z.string().min(1).max(100), target: JobTarget, schedule: ScheduleSpec, enabled: z.boolean().default(true) })
  .strict();

export const RetentionPolicy = z
  .object({
    datasetId: DatasetId,
    keepDays: z.number().int().min(1).max(36_500).nullable(),
    keepRows: z.number().int().min(1).nullable(),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

export const jobMethods = {
  'jobs.list': method(empty, z.array(Job)),
  'jobs.create': method(JobInput, Job),
  // Written out: `JobInput.partial()` would still fill `enabled` with its default.
  'jobs.update': method(
    z
      .object({
        id: z.number().int().positive(),
        name: z.string().min(1).max(100).optional(),
        target: JobTarget.optional(),
        schedule: ScheduleSpec.optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
    Job,
  ),
  'jobs.remove': method(z.object({ id: z.number().int().positive() }).strict(), z.object({ removed: z.boolean() })),
  /** Runs every due job once (what `logscope jobs run` asks the owner to do). */
  'jobs.runDue': method(z.object({ trigger: z.enum(['schedule', 'command']).default('command') }).strict(), z.array(JobRun)),
  'jobs.runNow': method(z.object({ id: z.number().int().positive() }).strict(), JobRun),
  'jobs.runs': method(z.object({ jobId: z.number().int().positive().nullable().default(null), limit: z.number().int().min(1).max(500).default(100) }).strict(), z.array(JobRun)),
  'retention.list': method(empty, z.array(RetentionPolicy)),
  'retention.set': method(RetentionPolicy, RetentionPolicy),
} as const;

export const jobEvents = {
  'jobs.changed': z.object({ jobId: z.number().int().nullable() }),
} as const;
