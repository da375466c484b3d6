import { describe, expect, it } from 'vitest';
import { dueSlot, latestSlot, nextSlot, scheduleProblem, type Schedule } from './schedule';

const at = (iso: string) => new Date(iso);

describe('interval schedules', () => {
  const every15: Schedule = { kind: 'interval', minutes: 15 };
  const created = at('2024-03-04T00:00:00Z');

  it('count slots from the job creation', () => {
    expect(latestSlot(every15, at('2024-03-04T00:14:59Z'), created)).toBeNull();
    expect(latestSlot(every15, at('2024-03-04T00:31:00Z'), created)).toEqual(at('2024-03-04T00:30:00Z'));
    expect(nextSlot(every15, at('2024-03-04T00:31:00Z'), created)).toEqual(at('2024-03-04T00:45:00Z'));
  });

  it('are due once for the latest slot, however many were missed', () => {
    const now = at('2024-03-04T05:07:00Z');
    expect(dueSlot(every15, now, created, at('2024-03-04T00:15:00Z'))).toEqual(at('2024-03-04T05:00:00Z'));
    expect(dueSlot(every15, now, created, at('2024-03-04T05:00:00Z'))).toBeNull();
  });
});

describe('cron schedules in a named zone', () => {
  const weekdays9: Schedule = { kind: 'cron', expression: '0 9 * * 1-5', timeZone: 'Asia/Seoul' };
  const created = at('2024-03-01T00:00:00Z');

  it('mean 09:00 in that zone on any computer', () => {
    // Monday 2024-03-04 10:00 in Seoul is 01:00 UTC.
    expect(latestSlot(weekdays9, at('2024-03-04T01:00:00Z'), created)).toEqual(at('2024-03-04T00:00:00Z'));
    // Saturday: the latest slot is still Friday's.
    expect(latestSlot(weekdays9, at('2024-03-09T03:00:00Z'), created)).toEqual(at('2024-03-08T00:00:00Z'));
    expect(nextSlot(weekdays9, at('2024-03-09T03:00:00Z'), created)).toEqual(at('2024-03-11T00:00:00Z'));
  });

  it('do not run for a slot before the job existed', () => {
    const createdLate = at('2024-03-04T00:30:00Z');
    expect(dueSlot(weekdays9, at('2024-03-04T02:00:00Z'), createdLate, null)).toBeNull();
    expect(dueSlot(weekdays9, at('2024-03-05T02:00:00Z'), createdLate, null)).toEqual(at('2024-03-05T00:00:00Z'));
  });

  it('follow daylight saving time in the job zone', () => {
    const ny: Schedule = { kind: 'cron', expression: '0 9 * * *', timeZone: 'America/New_York' };
    expect(latestSlot(ny, at('2024-03-09T15:00:00Z'), created)).toEqual(at('2024-03-09T14:00:00Z'));
    expect(latestSlot(ny, at('2024-03-11T15:00:00Z'), created)).toEqual(at('2024-03-11T13:00:00Z'));
  });
});

describe('scheduleProblem', () => {
  it('explains bad schedules', () => {
    expect(scheduleProblem({ kind: 'interval', minutes: 0 })).toMatch(/interval/);
    expect(scheduleProblem({ kind: 'cron', expression: '0 9 * *', timeZone: 'UTC' })).toMatch(/five fields/);
    expect(scheduleProblem({ kind: 'cron', expression: '0 9 * * 1', timeZone: 'Mars/Base' })).toMatch(/time zone/);
    expect(scheduleProblem({ kind: 'cron', expression: '0 9 * * 1-5', timeZone: 'Asia/Seoul' })).toBeNull();
  });
});
