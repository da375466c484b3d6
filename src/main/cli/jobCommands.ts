import fs from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ConfigDocument } from '../../shared/api/contract/config';
import { AppError } from '../../shared/api/errors';
import type { Job, JobRun, JobTarget, ScheduleSpec } from '../../shared/api/contract/jobs';
import { describeSchedule } from '../../shared/schedule/schedule';
import type { CommandContext } from '../cli';
import { withApi } from './session';
import { jsonLine, textTable } from './output';
import { parsePositiveInt, parseShare, UsageError } from './parse';

/**
 * `logscope jobs list|add|remove|run`. `run` runs every due job once and exits, for cron
 * or a systemd timer; while the app or `serve` owns the data folder the owner runs them,
 * so a job never runs twice at once.
 */
export function jobJson(job: Job) {
  return {
    id: job.id,
    name: job.name,
    kind: job.target.kind,
    target: job.target,
    schedule: job.schedule,
    enabled: job.enabled,
    next_run: job.nextRunAt,
    last_run: job.lastRunAt,
    last_outcome: job.lastOutcome,
    last_message: job.lastMessage,
  };
}

export function runJson(run: JobRun) {
  return {
    job: run.jobName,
    job_id: run.jobId,
    slot: run.slot,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    outcome: run.outcome,
    message: run.message,
  };
}

interface AddFlags {
  name: string;
  fetch?: string;
  report?: string;
  alert?: string;
  rule: 'unusual' | 'threshold';
  threshold?: number;
  bucket: number;
  to: string[];
  smtp?: string;
  retention?: boolean;
  every?: number;
  cron?: string;
  tz?: string;
  disabled?: boolean;
}

function scheduleFrom(flags: AddFlags): ScheduleSpec {
  if (flags.every && flags.cron) throw new UsageError('give either --every or --cron');
  if (flags.every) return { kind: 'interval', minutes: flags.every };
  if (flags.cron) return { kind: 'cron', expression: flags.cron, timeZone: flags.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone };
  throw new UsageError('a job needs --every MINUTES or --cron "EXPR"');
}

export function registerJobCommands(program: Command, context: CommandContext) {
  const jobs = program.command('jobs').description('scheduled work: fetch mail rules, send reports, check alerts, apply retention');
  const session = () => ({ ...context.globals(), log: context.log, say: context.say, signal: context.signal });

  jobs
    .command('list')
    .description('list the jobs with their schedule, next and last run')
    .addHelpText('after', '\nExample:\n  $ npx logscope jobs list --json')
    .action(async () => {
      await withApi(session(), async (api) => {
        const list = await api.call('jobs.list', {});
        if (context.globals().json) {
          for (const job of list) context.out(jsonLine(jobJson(job)));
          return;
        }
        if (list.length === 0) return context.out('No jobs.\n');
        context.out(
          textTable(
            ['name', 'kind', 'schedule', 'next_run', 'last_run', 'outcome'].map((name) => ({ name, type: '' })),
            list.map((j) => [j.name, j.target.kind, describeSchedule(j.schedule), j.nextRunAt, j.lastRunAt, j.lastOutcome]),
          ),
        );
      });
    });

  jobs
    .command('add')
    .description('add a scheduled job')
    .requiredOption('--name <name>', 'a name for the job')
    .option('--fetch <rule>', 'fetch this mail rule (its name)')
    .option('--report <report>', 'send this report (its name)')
    .option('--alert <dataset>', 'check this dataset’s error rate and mail when it fires (once per incident)')
    .addOption(new Option('--rule <rule>', 'alert when the latest bucket is marked unusual, or above --threshold').choices(['unusual', 'threshold']).default('unusual'))
    .option('--threshold <share>', 'error share that fires a threshold alert, 0–1', parseShare)
    .option('--bucket <minutes>', 'bucket width the alert looks at', parsePositiveInt, 5)
    .option('--to <address>', 'who gets the alert (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--smtp <account>', 'the SMTP account to send with (default: the only one)')
    .option('--retention', 'apply the datasets’ retention policies')
    .option('--every <minutes>', 'run every N minutes', parsePositiveInt)
    .option('--cron <expression>', 'run on a cron schedule: "minute hour day month weekday"')
    .option('--tz <zone>', 'time zone of the cron expression (default: this computer’s)')
    .addOption(new Option('--disabled', 'add it switched off'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx logscope jobs add --name collect --fetch nightly-logs --every 15\n  $ npx logscope jobs add --name daily --report daily-summary --cron "0 9 * * 1-5" --tz Asia/Seoul\n  $ npx logscope jobs add --name errors --alert access --to oncall@example.com --every 5',
    )
    .action(async (flags: AddFlags) => {
      const schedule = scheduleFrom(flags);
      const chosen = [flags.fetch, flags.report, flags.alert, flags.retention].filter(Boolean).length;
      if (chosen !== 1) throw new UsageError('choose one of --fetch RULE, --report REPORT, --alert DATASET or --retention');
      if (flags.alert && flags.to.length === 0) throw new UsageError('an alert needs at least one --to ADDRESS');
      if (flags.alert && flags.rule === 'threshold' && flags.threshold === undefined) throw new UsageError('a threshold alert needs --threshold SHARE');
      await withApi(session(), async (api) => {
        let target: JobTarget;
        if (flags.fetch) {
          const rule = (await api.call('mail.rules.list', {})).find((r) => r.name === flags.fetch);
          if (!rule) throw new AppError('not_found', { what: 'mail rule', id: flags.fetch });
          target = { kind: 'fetch', ruleId: rule.id };
        } else if (flags.report) {
          const name = flags.report.trim().toLowerCase();
          const report = (await api.call('reports.list', {})).find((r) => r.name.toLowerCase() === name);
          if (!report) throw new AppError('report_not_found', { name: flags.report });
          target = { kind: 'report', reportId: report.id };
        } else if (flags.alert) {
          const dataset = (await api.call('datasets.list', {})).find((d) => d.name.toLowerCase() === flags.alert!.toLowerCase());
          if (!dataset) throw new AppError('dataset_not_found', { name: flags.alert });
          const accounts = await api.call('smtp.accounts.list', {});
          const account = flags.smtp ? accounts.find((a) => a.name === flags.smtp) : accounts.length === 1 ? accounts[0] : undefined;
          if (flags.smtp && !account) throw new AppError('not_found', { what: 'SMTP account', id: flags.smtp });
          target = {
            kind: 'alert',
            alert: {
              datasetId: dataset.id,
              rule: flags.rule,
              threshold: flags.rule === 'threshold' ? (flags.threshold ?? null) : null,
              bucketMinutes: flags.bucket,
              recipients: flags.to,
              smtpAccountId: account?.id ?? null,
            },
          };
        } else {
          target = { kind: 'retention' };
        }
        const job = await api.call('jobs.create', { name: flags.name, target, schedule, enabled: !flags.disabled });
        context.out(context.globals().json ? jsonLine(jobJson(job)) : `Added job ${job.name}; next run ${job.nextRunAt ?? 'never'}\n`);
      });
    });

  jobs
    .command('remove')
    .description('remove a job (its run log stays)')
    .argument('<name>', 'the job’s name')
    .addHelpText('after', '\nExample:\n  $ npx logscope jobs remove collect')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const job = (await api.call('jobs.list', {})).find((j) => j.name === name);
        if (!job) throw new AppError('not_found', { what: 'job', id: name });
        await api.call('jobs.remove', { id: job.id });
        context.out(context.globals().json ? jsonLine({ removed: name }) : `Removed job ${name}\n`);
      });
    });

  for (const enabled of [true, false]) {
    jobs
      .command(enabled ? 'enable' : 'disable')
      .description(enabled ? 'switch a job on (jobs from `config import` arrive switched off)' : 'switch a job off; it keeps its schedule and run log')
      .argument('<name>', 'the job’s name')
      .addHelpText('after', `\nExample:\n  $ npx logscope jobs ${enabled ? 'enable' : 'disable'} collect`)
      .action(async (name: string) => {
        await withApi(session(), async (api) => {
          const job = (await api.call('jobs.list', {})).find((j) => j.name === name);
          if (!job) throw new AppError('not_found', { what: 'job', id: name });
          const updated = await api.call('jobs.update', { id: job.id, enabled });
          context.out(context.globals().json ? jsonLine(jobJson(updated)) : `${enabled ? 'Enabled' : 'Disabled'} job ${name}; next run ${updated.nextRunAt ?? 'never'}\n`);
        });
      });
  }

  jobs
    .command('run')
    .description('run every due job once and exit (for cron or a systemd timer); exit 1 if any failed, 3 if a mailbox must be signed in again')
    .addHelpText('after', '\nExample (crontab, every 5 minutes):\n  */5 * * * * cd /opt/logscope && npx logscope jobs run --json >> ~/logscope-jobs.log 2>&1')
    .action(async () => {
      await withApi(session(), async (api) => {
        const runs = await api.call('jobs.runDue', { trigger: 'command' }, { signal: context.signal });
        for (const run of runs) {
          if (context.globals().json) context.out(jsonLine(runJson(run)));
          else context.out(`${run.jobName}: ${run.outcome} — ${run.message ?? ''}\n`);
          // The run's own line says why; the exit code says that something failed.
          if (run.outcome === 'failed') context.markFailed(run.error?.code);
        }
        if (runs.length === 0 && !context.globals().json) context.out('No job is due.\n');
      });
    });
}

/** `logscope config export|import FILE`: accounts (without secrets), rules, jobs, retention. */
export function registerConfigCommands(program: Command, context: CommandContext) {
  const config = program.command('config').description('move the configuration (accounts without passwords, rules, jobs, retention) between machines');
  const session = () => ({ ...context.globals(), log: context.log, say: context.say, signal: context.signal });

  config
    .command('export')
    .description('write the configuration to a JSON file (passwords are never exported)')
    .argument('<file>', 'where to write it')
    .addHelpText('after', '\nExample:\n  $ npx logscope config export logscope-config.json')
    .action(async (file: string) => {
      await withApi(session(), async (api) => {
        const document = await api.call('config.export', {});
        await fs.writeFile(file, JSON.stringify(document, null, 2) + '\n', { mode: 0o600 });
        const counts = { accounts: document.accounts.length, rules: document.rules.length, jobs: document.jobs.length, retention: document.retention.length };
        context.out(context.globals().json ? jsonLine({ file, ...counts }) : `Wrote ${file}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}\n`);
      });
    });

  config
    .command('import')
    .description('create what a configuration file holds and this data folder lacks (validated first; existing names are kept)')
    .argument('<file>', 'a file written by `logscope config export`')
    .addHelpText('after', '\nExample:\n  $ npx logscope config import logscope-config.json --json')
    .action(async (file: string) => {
      let document: unknown;
      try {
        document = JSON.parse(await fs.readFile(file, 'utf8'));
      } catch (error) {
        throw new AppError('config_invalid', { file, detail: error instanceof Error ? error.message : String(error) });
      }
      const parsed = ConfigDocument.safeParse(document);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('config_invalid', { file, detail: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` });
      }
      await withApi(session(), async (api) => {
        const items = await api.call('config.import', { document: parsed.data });
        for (const item of items) {
          if (context.globals().json) context.out(jsonLine(item));
          else context.out(`${item.kind} ${item.name}: ${item.outcome}${item.message ? ` — ${item.message}` : ''}\n`);
          if (item.outcome === 'failed') context.markFailed();
        }
      });
    });
}
