import { Cron } from 'croner';

/**
 * When a job should run. "Due" is defined once, here: a job is due when its latest
 * scheduled time has passed and it has not run for that time. A run missed while the
 * computer slept (or no cron fired) is therefore made up once, not once per missed slot,
 * and a job never runs for a slot before it existed.
 */
export type Schedule =
  | { kind: 'interval'; minutes: number }
  /** A cron expression (minute hour day month weekday) read in a named zone, so 09:00 means the same on a UTC server. */
  | { kind: 'cron'; expression: string; timeZone: string };

/** Slots of an interval schedule are counted from the job's creation. */
export function latestSlot(schedule: Schedule, now: Date, createdAt: Date): Date | null {
  if (schedule.kind === 'interval') {
    const step = schedule.minutes * 60_000;
    const elapsed = now.getTime() - createdAt.getTime();
    if (elapsed < step) return null;
    return new Date(createdAt.getTime() + Math.floor(elapsed / step) * step);
  }
  const [previous] = cronOf(schedule).previousRuns(1, now);
  return previous && previous.getTime() > createdAt.getTime() ? previous : null;
}

export function nextSlot(schedule: Schedule, now: Date, createdAt: Date): Date | null {
  if (schedule.kind === 'interval') {
    const step = schedule.minutes * 60_000;
    const elapsed = Math.max(0, now.getTime() - createdAt.getTime());
    return new Date(createdAt.getTime() + (Math.floor(elapsed / step) + 1) * step);
  }
  return cronOf(schedule).nextRun(now);
}

/** The slot a job is due for now, or null when it already ran for its latest slot. */
export function dueSlot(schedule: Schedule, now: Date, createdAt: Date, lastRunSlot: Date | null): Date | null {
  const slot = latestSlot(schedule, now, createdAt);
  if (!slot) return null;
  return lastRunSlot && lastRunSlot.getTime() >= slot.getTime() ? null : slot;
}

/** Null when the schedule is valid, else why not (for a clear message before it is saved). */
export function scheduleProblem(schedule: Schedule): string | null {
  if (schedule.kind === 'interval') {
    return Number.isInteger(schedule.minutes) && schedule.minutes >= 1 && schedule.minutes <= 7 * 24 * 60 ? null : 'interval must be 1 minute to 7 days';
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: schedule.timeZone });
  } catch {
    return `unknown time zone ${schedule.timeZone}`;
  }
  try {
    if (schedule.expression.trim().split(/\s+/).length !== 5) return 'a cron expression has five fields: minute hour day month weekday';
    cronOf(schedule);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function cronOf(schedule: Extract<Schedule, { kind: 'cron' }>): Cron {
  return new Cron(schedule.expression, { timezone: schedule.timeZone, paused: true });
}

/** `every 15 min`, `0 9 * * 1-5 (Asia/Seoul)`: how a schedule reads in a list. */
export function describeSchedule(schedule: Schedule): string {
  return schedule.kind === 'interval' ? `every ${schedule.minutes} min` : `${schedule.expression} (${schedule.timeZone})`;
}
