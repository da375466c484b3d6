import { afterEach, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createSchedulerService, type JobExecutor } from '../../src/main/services/scheduler/scheduler';
import { createEventBus } from '../../src/main/services/events';
import { silentLogger } from '../../src/main/services/logger';
import { createLocalApi } from '../../src/main/transport/local';
import type { Clock } from '../../src/main/services/clock';
import { jsonLines, runCli, startServe } from './support/cli';
import { tempDataDir } from './support/dataDir';

/** A clock the test moves; the scheduler never sleeps in tests. */
function fakeClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (next) => (now = new Date(next)) };
}

const opened: AppCore[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) await core.dispose();
});

async function core(dataDir: string, clock: Clock): Promise<AppCore> {
  const c = await openAppCore({ dataDir, ownerKind: 'serve', clock, memoryLimit: '1GB' });
  if ('served' in c) throw new Error('not the owner');
  opened.push(c);
  return c;
}

describe('the scheduler', () => {
  it('runs a due job once per slot, not a job that is not due, and makes up missed slots once', async () => {
    const clock = fakeClock('2024-03-04T00:00:00Z');
    const app = await core(tempDataDir(), clock);
    const calls: string[] = [];
    const executor: JobExecutor = async ({ job, slot }) => {
      calls.push(`${job.name}@${slot?.toISOString()}`);
      return { message: 'ok' };
    };
    const scheduler = createSchedulerService({ db: app.db, clock, log: silentLogger, events: createEventBus(), executors: { retention: executor } });
    await scheduler.create({ name: 'quarterly', target: { kind: 'retention' }, schedule: { kind: 'interval', minutes: 15 }, enabled: true });
    await scheduler.create({ name: 'daily', target: { kind: 'retention' }, schedule: { kind: 'cron', expression: '0 9 * * *', timeZone: 'Asia/Seoul' }, enabled: true });

    clock.set('2024-03-04T00:10:00Z');
    expect(await scheduler.runDue('schedule')).toEqual([]);
    clock.set('2024-03-04T00:16:00Z');
    expect((await scheduler.runDue('schedule')).map((r) => r.jobName)).toEqual(['quarterly']);
    expect(await scheduler.runDue('schedule')).toEqual([]);
    // The computer slept for three hours: one run for the latest slot, not twelve.
    clock.set('2024-03-04T03:20:00Z');
    await scheduler.runDue('schedule');
    expect(calls).toEqual(['quarterly@2024-03-04T00:15:00.000Z', 'quarterly@2024-03-04T03:15:00.000Z']);
    // 09:00 in Seoul is 00:00 UTC the next day.
    clock.set('2024-03-05T00:00:30Z');
    expect((await scheduler.runDue('schedule')).map((r) => `${r.jobName}@${r.slot}`)).toEqual([
      'quarterly@2024-03-05T00:00:00.000Z',
      'daily@2024-03-05T00:00:00.000Z',
    ]);
  });

  it('never starts a job twice at once: the second start is logged as skipped', async () => {
    const clock = fakeClock('2024-03-04T00:00:00Z');
    const app = await core(tempDataDir(), clock);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const scheduler = createSchedulerService({
      db: app.db,
      clock,
      log: silentLogger,
      events: createEventBus(),
      executors: {
        retention: async () => {
          await blocked;
          return { message: 'done' };
        },
      },
    });
    const job = await scheduler.create({ name: 'slow', target: { kind: 'retention' }, schedule: { kind: 'interval', minutes: 5 }, enabled: true });
    clock.set('2024-03-04T00:06:00Z');
    const first = scheduler.runDue('schedule');
    const second = await scheduler.runNow(job.id, new AbortController().signal);
    expect(second).toMatchObject({ outcome: 'skipped', message: 'already running; not started twice' });
    release();
    expect((await first)[0]).toMatchObject({ outcome: 'succeeded' });
  });

  it('keeps a failed job error, retries on the next slot, and the run log survives a restart', async () => {
    const clock = fakeClock('2024-03-04T00:00:00Z');
    const dataDir = tempDataDir();
    let app = await core(dataDir, clock);
    let failing = true;
    const executors = {
      retention: async () => {
        if (failing) throw new Error('disk is on fire');
        return { message: 'fine' };
      },
    };
    let scheduler = createSchedulerService({ db: app.db, clock, log: silentLogger, events: createEventBus(), executors });
    await scheduler.create({ name: 'flaky', target: { kind: 'retention' }, schedule: { kind: 'interval', minutes: 10 }, enabled: true });
    clock.set('2024-03-04T00:11:00Z');
    const [failed] = await scheduler.runDue('schedule');
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect(failed?.message).toContain('disk is on fire');
    expect(failed?.error).toEqual({ code: 'internal', params: { message: 'disk is on fire' } });
    expect(await scheduler.runDue('schedule')).toEqual([]);

    await app.dispose();
    opened.splice(opened.indexOf(app), 1);
    app = await core(dataDir, clock);
    scheduler = createSchedulerService({ db: app.db, clock, log: silentLogger, events: createEventBus(), executors });
    const [job] = await scheduler.list();
    expect(job).toMatchObject({ lastOutcome: 'failed', nextRunAt: '2024-03-04T00:20:00.000Z' });
    failing = false;
    clock.set('2024-03-04T00:21:00Z');
    expect((await scheduler.runDue('schedule'))[0]).toMatchObject({ outcome: 'succeeded', slot: '2024-03-04T00:20:00.000Z' });
    const log = await scheduler.runs(null, 10);
    expect(log.map((r) => r.outcome)).toEqual(['succeeded', 'failed']);
    expect(log.map((r) => r.error)).toEqual([null, { code: 'internal', params: { message: 'disk is on fire' } }]);
  });

  it('refuses a schedule it cannot use, with the reason', async () => {
    const app = await core(tempDataDir(), fakeClock('2024-03-04T00:00:00Z'));
    const api = createLocalApi(app.rpc, app.events);
    const error = await api
      .call('jobs.create', { name: 'bad', target: { kind: 'retention' }, schedule: { kind: 'cron', expression: '0 9 * *', timeZone: 'UTC' } })
      .then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'schedule_invalid' });
  });
});

describe('retention', () => {
  it('keeps N days back from the newest row, or the newest N rows', async () => {
    const clock = fakeClock('2024-03-04T00:00:00Z');
    const app = await openAppCore({ dataDir: tempDataDir(), ownerKind: 'serve', clock, memoryLimit: '1GB', seedDemo: true });
    if ('served' in app) throw new Error('not the owner');
    opened.push(app);
    const api = createLocalApi(app.rpc, app.events);
    const [demo] = await api.call('datasets.list', {});
    const expected = await api.call('query.run', { sql: `SELECT count(*) FROM demo_service WHERE time >= (SELECT max(time) FROM demo_service) - INTERVAL 2 DAY` });
    await api.call('retention.set', { datasetId: demo!.id, keepDays: 2, keepRows: null });
    await api.call('jobs.create', { name: 'retention', target: { kind: 'retention' }, schedule: { kind: 'interval', minutes: 60 } });
    clock.set('2024-03-04T01:00:01Z');
    const [run] = await api.call('jobs.runDue', { trigger: 'schedule' });
    expect(run?.outcome).toBe('succeeded');
    const [after] = await api.call('datasets.list', {});
    expect(after?.rows).toBe(expected.rows[0]![0]);
    await api.call('retention.set', { datasetId: demo!.id, keepDays: null, keepRows: 100 });
    await api.call('jobs.runNow', { id: 1 });
    expect((await api.call('datasets.list', {}))[0]?.rows).toBe(100);
  });
});

describe('logscope jobs run', () => {
  async function folderWithDueJob(): Promise<string> {
    const dataDir = tempDataDir();
    // Created an hour ago (by an injected clock), every 15 minutes: due now.
    const app = await core(dataDir, fakeClock(new Date(Date.now() - 3600_000).toISOString()));
    const api = createLocalApi(app.rpc, app.events);
    await api.call('jobs.create', { name: 'due', target: { kind: 'retention' }, schedule: { kind: 'interval', minutes: 15 } });
    await api.call('jobs.create', { name: 'not-due', target: { kind: 'retention' }, schedule: { kind: 'cron', expression: '0 0 1 1 *', timeZone: 'UTC' } });
    await app.dispose();
    opened.splice(opened.indexOf(app), 1);
    return dataDir;
  }

  it('runs the due job once as a one-shot owner, one JSON object per job, exit 0', async () => {
    const dataDir = await folderWithDueJob();
    const first = await runCli(['jobs', 'run', '--json', '--data-dir', dataDir]);
    expect(first.status, first.stderr).toBe(0);
    expect(jsonLines(first.stdout)).toEqual([expect.objectContaining({ job: 'due', outcome: 'succeeded', message: 'no retention policy is set' })]);
    const again = await runCli(['jobs', 'run', '--json', '--data-dir', dataDir]);
    expect(jsonLines(again.stdout)).toEqual([]);
  });

  it('hands the due jobs to a running owner, which runs them once', async () => {
    const dataDir = await folderWithDueJob();
    const serve = await startServe(dataDir);
    try {
      const results = await Promise.all([
        runCli(['jobs', 'run', '--json', '--data-dir', dataDir]),
        runCli(['jobs', 'run', '--json', '--data-dir', dataDir]),
      ]);
      const runs = results.flatMap((r) => jsonLines(r.stdout)) as { job: string; outcome: string }[];
      expect(results.every((r) => r.status === 0)).toBe(true);
      expect(runs.every((r) => r.job === 'due')).toBe(true);
    } finally {
      await serve.stop();
    }
    // The owner's own timer may have taken the slot before either command: either way the
    // slot ran exactly once, in the owner.
    const app = await core(dataDir, { now: () => new Date() });
    const api = createLocalApi(app.rpc, app.events);
    const log = await api.call('jobs.runs', {});
    expect(log.filter((r) => r.jobName === 'due' && r.outcome === 'succeeded')).toHaveLength(1);
  });

  it('exits 2 on a usage error', async () => {
    const result = await runCli(['jobs', 'add', '--name', 'x', '--retention', '--data-dir', tempDataDir()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--every|--cron/);
    const alert = await runCli(['jobs', 'add', '--name', 'x', '--alert', 'access', '--every', '5', '--data-dir', tempDataDir()]);
    expect(alert.status).toBe(2);
    expect(alert.stderr).toMatch(/--to/);
  });
});

describe('jobs.update', () => {
  it('changes only the fields it is given', async () => {
    const app = await core(tempDataDir(), fakeClock('2024-03-04T00:00:00Z'));
    const api = createLocalApi(app.rpc, app.events);
    const job = await api.call('jobs.create', { name: 'off', target: { kind: 'retention' }, schedule: { kind: 'interval', minutes: 5 }, enabled: false });
    const renamed = await api.call('jobs.update', { id: job.id, name: 'still-off' });
    expect(renamed).toMatchObject({ name: 'still-off', enabled: false });
  });
});
