import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError, isErrorCode, type ErrorParams } from '../../shared/api/errors';
import type { Api } from '../../shared/api/client';
import { Fingerprint256, type TlsTrust } from '../../shared/api/contract/mail';
import {
  EmailAddress,
  smtpSecurities,
  type KeyFigures,
  type ReportAttachments,
  type ReportDefinition,
  type ReportSend,
  type ReportSpecInput,
  type SmtpAccount,
  type SmtpSecurity,
  type SmtpTestResult,
} from '../../shared/api/contract/report';
import { isValidTimeZone } from '../../shared/charts/zone';
import { PeriodError, parsePeriodText } from '../../shared/report/period';
import type { CommandContext } from '../cli';
import { readPassword } from './mailCommands';
import { withApi } from './session';
import { jsonLine, textTable } from './output';
import { parsePort, parsePositiveInt, UsageError } from './parse';
import { formatBytes } from './progress';

/**
 * `logscope smtp add|password|test|list|remove`, `logscope report` (make a report: print
 * its key figures, write it as a file, send it) and `logscope reports list|add|remove|history`
 * (report definitions by name, for `logscope jobs add --report NAME`). A password comes
 * from a prompt without echo or from standard input, never from an argument.
 */

const collect = (value: string, previous: string[]) => [...previous, value];

function parseAddress(value: string): string {
  const parsed = EmailAddress.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`"${value}" is not an e-mail address`);
  return parsed.data;
}

const collectAddresses = (value: string, previous: string[]) => [...previous, ...value.split(/[\s,;]+/).filter(Boolean).map(parseAddress)];

function parseFingerprint(value: string): string {
  const parsed = Fingerprint256.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('a SHA-256 fingerprint is 32 bytes in hex, e.g. AB:CD:…');
  return parsed.data;
}

function parseAttachments(value: string): ReportAttachments {
  const kinds = value.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
  const unknown = kinds.find((k) => !['html', 'csv', 'png', 'none'].includes(k));
  if (unknown) throw new InvalidArgumentError(`attachments are html, csv, png (or none), not "${unknown}"`);
  return { html: kinds.includes('html'), csv: kinds.includes('csv'), png: kinds.includes('png') };
}

function parseZone(value: string): string {
  if (!isValidTimeZone(value)) throw new InvalidArgumentError(`"${value}" is not a time zone this computer knows (e.g. Asia/Seoul, UTC)`);
  return value;
}

const absolute = (value: string) => path.resolve(value);

const storeText = (store: SmtpTestResult['store']) =>
  store.store === 'keychain' ? `the keychain (service ${store.service}, account ${store.account})` : store.store === 'oauth2' ? `the OAuth2 grant ${store.grant}` : `the credentials file ${store.path}`;

const trustText = (trust: TlsTrust) => (trust.kind === 'system' ? 'system' : trust.kind === 'ca_file' ? `CA file ${trust.path}` : `pinned ${trust.fingerprint256}`);

export function smtpAccountJson(account: SmtpAccount) {
  return {
    name: account.name,
    host: account.host,
    port: account.port,
    security: account.security,
    user: account.user,
    from: account.from,
    from_name: account.fromName,
    trust: account.trust,
    store: account.secret.store,
    ...(account.secret.store === 'keychain' ? { keychain_service: account.secret.service, keychain_account: account.secret.account } : account.secret.store === 'oauth2' ? { oauth2_grant: account.secret.grant } : { credentials_file: account.secret.path }),
    last_test: account.lastTest,
  };
}

export function sendJson(sent: ReportSend) {
  return {
    type: 'sent',
    outcome: sent.outcome,
    report: sent.name,
    dataset: sent.dataset,
    to: sent.recipients,
    accepted: sent.accepted,
    rejected: sent.rejected,
    subject: sent.subject,
    message_id: sent.messageId,
    server_message_id: sent.serverMessageId,
    response: sent.response,
    attempts: sent.attempts,
    bytes: sent.bytes,
    sent_at: sent.finishedAt,
  };
}

function reportJson(report: ReportDefinition) {
  return {
    name: report.name,
    dataset: report.dataset,
    period: report.period,
    recipients: report.recipients,
    subject: report.subject,
    language: report.language,
    zone: report.zone,
    smtp_account_id: report.smtpAccountId,
    charts: report.charts,
    attachments: report.attachments,
    last_send: report.lastSend ? { at: report.lastSend.finishedAt, outcome: report.lastSend.outcome, to: report.lastSend.recipients } : null,
  };
}

const figuresJson = (f: KeyFigures) => ({
  events: f.events,
  error_rate: f.errorRate,
  p50_ms: f.p50Ms,
  p95_ms: f.p95Ms,
  p99_ms: f.p99Ms,
  distinct_clients: f.clients,
  unusual_buckets: f.unusualBuckets,
  new_patterns: f.newPatterns,
  busiest_endpoint: f.busiestEndpoint,
  busiest_endpoint_requests: f.busiestRequests,
});

function failureOf(sent: Pick<ReportSend, 'error'>): AppError {
  const wire = sent.error;
  if (wire && isErrorCode(wire.code)) return new AppError(wire.code, wire.params as ErrorParams);
  return new AppError('internal', { message: wire?.code ?? 'not sent' });
}

async function smtpAccountByName(api: Api, name: string): Promise<SmtpAccount> {
  const found = (await api.call('smtp.accounts.list', {})).find((a) => a.name.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new AppError('smtp_account_not_found', { name });
  return found;
}

async function datasetByName(api: Api, name: string) {
  const found = (await api.call('datasets.list', {})).find((d) => d.name.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new AppError('dataset_not_found', { name });
  return found;
}

async function reportByName(api: Api, name: string): Promise<ReportDefinition> {
  const found = (await api.call('reports.list', {})).find((r) => r.name.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new AppError('report_not_found', { name });
  return found;
}

interface SpecFlags {
  dataset?: string;
  period?: string;
  to: string[];
  smtp?: string;
  lang?: 'ko' | 'en';
  tz?: string;
  subject?: string;
  attach?: ReportAttachments;
  chart: string[];
}

/** The period text in the report's zone (its own, else the app's setting, else this computer's). */
async function periodFrom(api: Api, text: string, zone: string | null) {
  const effective = zone ?? (await api.call('settings.get', {})).timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    return parsePeriodText(text, effective);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(`--period: ${error.message}`);
    throw error;
  }
}

/** A report from flags; with a base definition, the flags given change it. */
async function specFrom(api: Api, flags: SpecFlags, base: ReportDefinition | null): Promise<ReportSpecInput> {
  let datasetId = base?.datasetId;
  if (flags.dataset) datasetId = (await datasetByName(api, flags.dataset)).id;
  if (datasetId === undefined) throw new UsageError('give --dataset NAME or --report NAME');
  const zone = flags.tz ?? base?.zone ?? null;
  const subject = flags.subject ?? base?.subject;
  return {
    datasetId,
    period: flags.period ? await periodFrom(api, flags.period, zone) : (base?.period ?? { kind: '24h' }),
    filters: base?.filters ?? [],
    search: base?.search ?? null,
    zone,
    language: flags.lang ?? base?.language ?? 'en',
    recipients: flags.to.length ? flags.to : (base?.recipients ?? []),
    ...(subject ? { subject } : {}),
    smtpAccountId: flags.smtp ? (await smtpAccountByName(api, flags.smtp)).id : (base?.smtpAccountId ?? null),
    charts: flags.chart.length ? flags.chart : (base?.charts ?? null),
    attachments: flags.attach ?? base?.attachments ?? { html: false, csv: false, png: false },
  };
}

const addSpecOptions = (command: Command) =>
  command
    .option('--period <period>', '24h, 7d, all, or FROM..TO (2024-03-04..2024-03-05 is both days; a day as the end includes it)')
    .option('--to <address...>', 'recipients (several after one --to, separated by spaces or commas, or --to repeated)', collectAddresses, [])
    .option('--smtp <account>', 'the SMTP account to send with (default: the only one)')
    .addOption(new Option('--lang <language>', 'language of the report').choices(['ko', 'en']))
    .option('--tz <zone>', 'time zone of the report (default: the app\'s setting, else this computer\'s)', parseZone)
    .option('--subject <template>', 'subject; {dataset}, {period}, {date} and {report} are filled in')
    .option('--attach <kinds>', 'attachments: html, csv, png (comma-separated) or none', parseAttachments)
    .option('--chart <id>', 'a chart to include, in order (repeat; default: the saved dashboard\'s charts)', collect, []);

export function registerReportCommands(program: Command, context: CommandContext) {
  const session = () => ({ ...context.globals(), log: context.log, say: context.say, signal: context.signal });
  const json = () => Boolean(context.globals().json);

  // ------------------------------------------------------------------------ smtp
  const smtp = program.command('smtp').description('SMTP accounts that reports and alerts are sent with');

  smtp
    .command('add')
    .description('add an SMTP account; the password is read without echo (or from standard input) and goes to the keychain or a credentials file')
    .requiredOption('--host <host>', 'the SMTP server')
    .requiredOption('--user <user>', 'the user name to sign in with')
    .requiredOption('--from <address>', 'the From address of the messages', parseAddress)
    .option('--from-name <name>', 'the name shown with the From address')
    .addOption(new Option('--security <mode>', 'tls (implicit, port 465) or starttls (port 587)').choices([...smtpSecurities]).default('starttls'))
    .option('--port <port>', 'the port (default: 465 for tls, 587 for starttls)', parsePort)
    .option('--name <name>', 'what the account is called in Logscope (default: USER@HOST)')
    .addOption(new Option('--ca-file <path>', 'trust the server certificate when it is signed by this CA (PEM)').argParser(absolute).conflicts('pinFingerprint'))
    .option('--pin-fingerprint <sha256>', 'trust exactly the server certificate with this SHA-256 fingerprint (as `smtp test` shows it)', parseFingerprint)
    .option('--credentials-file <path>', 'keep the password in this file (written with mode 0600) instead of the keychain: for servers without one', absolute)
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx logscope smtp add --host smtp.example.com --user reports@example.com --from reports@example.com\n' +
        '  $ printf %s "$PASSWORD" | npx logscope smtp add --host 10.0.0.5 --port 465 --security tls --user reports --from reports@example.com --ca-file /etc/ssl/private-ca.pem --credentials-file ~/.config/logscope/smtp.pw',
    )
    .action(
      async (flags: {
        host: string;
        user: string;
        from: string;
        fromName?: string;
        security: SmtpSecurity;
        port?: number;
        name?: string;
        caFile?: string;
        pinFingerprint?: string;
        credentialsFile?: string;
      }) => {
        const password = await readPassword(`Password for ${flags.user} at ${flags.host}: `);
        const trust: TlsTrust = flags.caFile ? { kind: 'ca_file', path: flags.caFile } : flags.pinFingerprint ? { kind: 'pinned', fingerprint256: flags.pinFingerprint } : { kind: 'system' };
        await withApi(session(), async (api) => {
          const created = await api
            .call('smtp.accounts.create', {
              ...(flags.name ? { name: flags.name } : {}),
              host: flags.host,
              ...(flags.port ? { port: flags.port } : {}),
              security: flags.security,
              user: flags.user,
              from: flags.from,
              fromName: flags.fromName ?? null,
              trust,
              secret: flags.credentialsFile ? { store: 'file', path: flags.credentialsFile, password } : { store: 'keychain', password },
            })
            .catch((error: unknown) => {
              if (error instanceof AppError && error.code === 'keychain_unavailable') {
                context.say('hint: keep the password in a file only you can read instead: add --credentials-file PATH (written with mode 0600).');
              }
              throw error;
            });
          if (json()) context.out(jsonLine(smtpAccountJson(created)));
          else
            context.out(
              `Added SMTP account ${created.name} (${created.user} at ${created.host}:${created.port}, ${created.security}); password in ${storeText(created.secret)}.\n` +
                `Check it with: logscope smtp test ${JSON.stringify(created.name)} --to ${created.from}\n`,
            );
        });
      },
    );

  smtp
    .command('password')
    .description('set or replace the password of an SMTP account (read without echo, or from standard input)')
    .argument('<name>', 'the account')
    .option('--credentials-file <path>', 'keep it in this file (mode 0600) instead of the keychain', absolute)
    .addHelpText('after', '\nExample (after `logscope config import` on a new machine):\n  $ printf %s "$PASSWORD" | npx logscope smtp password reports@smtp.example.com --credentials-file ~/.config/logscope/smtp.pw')
    .action(async (name: string, flags: { credentialsFile?: string }) => {
      const password = await readPassword(`New password for ${name}: `);
      await withApi(session(), async (api) => {
        const found = await smtpAccountByName(api, name);
        const updated = await api.call('smtp.accounts.update', {
          id: found.id,
          secret: flags.credentialsFile ? { store: 'file', path: flags.credentialsFile, password } : { store: 'keychain', password },
        });
        context.out(json() ? jsonLine(smtpAccountJson(updated)) : `Password of ${updated.name} stored in ${storeText(updated.secret)}.\n`);
      });
    });

  smtp
    .command('test')
    .description('connect, set up TLS and sign in; with --to, also send a short test message, and say which password store was used')
    .argument('<name>', 'the account')
    .option('--to <address>', 'send a test message to this address', parseAddress)
    .addHelpText('after', '\nExample:\n  $ npx logscope smtp test reports@smtp.example.com --to me@example.com')
    .action(async (name: string, flags: { to?: string }) => {
      await withApi(session(), async (api) => {
        const found = await smtpAccountByName(api, name);
        const result = await api.call('smtp.accounts.test', { id: found.id, ...(flags.to ? { to: flags.to } : {}) }, { signal: context.signal });
        const out = {
          account: found.name,
          ok: result.ok,
          store: result.store.store,
          ...(result.store.store === 'keychain' ? { keychain_account: result.store.account } : result.store.store === 'oauth2' ? { oauth2_grant: result.store.grant } : { credentials_file: result.store.path }),
          secure: result.secure,
          tls_protocol: result.tlsProtocol,
          certificate: result.certificate,
          sent: result.sent,
        };
        if (!result.ok) {
          if (!json()) {
            context.out(`${found.name}: the test failed. Password from ${storeText(result.store)}.\n`);
            if (result.certificate) {
              context.out(
                `The server presented: ${result.certificate.subject}, issued by ${result.certificate.issuer}\nSHA-256 fingerprint: ${result.certificate.fingerprint256}\n` +
                  'If this is your server’s certificate, remove and add the account again with --pin-fingerprint <that fingerprint> (or --ca-file).\n',
              );
            }
          }
          context.fail(failureOf(result), json() ? out : undefined);
          return;
        }
        if (json()) return context.out(jsonLine(out));
        context.out(
          `${found.name}: OK. Connected to ${found.host}:${found.port} over ${result.tlsProtocol ?? 'TLS'} and signed in as ${found.user}.\n` +
            `Password from ${storeText(result.store)}.\n` +
            (result.certificate ? `Certificate: ${result.certificate.subject}, SHA-256 ${result.certificate.fingerprint256} (trust: ${trustText(found.trust)}).\n` : '') +
            (result.sent ? `Test message to ${result.sent.to} accepted: ${result.sent.response ?? ''}${result.sent.serverMessageId ? ` (server id ${result.sent.serverMessageId})` : ''}\n` : ''),
        );
      });
    });

  smtp
    .command('list')
    .description('list the SMTP accounts (never their passwords)')
    .addHelpText('after', '\nExample:\n  $ npx logscope smtp list --json')
    .action(async () => {
      await withApi(session(), async (api) => {
        const accounts = await api.call('smtp.accounts.list', {});
        if (json()) {
          for (const a of accounts) context.out(jsonLine(smtpAccountJson(a)));
          return;
        }
        if (accounts.length === 0) return context.out('No SMTP accounts. Add one with: logscope smtp add --host HOST --user USER --from ADDRESS\n');
        context.out(
          textTable(
            ['name', 'server', 'security', 'user', 'from', 'password in', 'certificate', 'last test'].map((n) => ({ name: n, type: '' })),
            accounts.map((a) => [
              a.name,
              `${a.host}:${a.port}`,
              a.security,
              a.user,
              a.from,
              a.secret.store === 'keychain' ? 'keychain' : a.secret.store === 'oauth2' ? `oauth2 ${a.secret.grant}` : a.secret.path,
              trustText(a.trust),
              a.lastTest ? `${a.lastTest.ok ? 'ok' : a.lastTest.errorCode} ${a.lastTest.at}` : 'never',
            ]),
            60,
          ),
        );
      });
    });

  smtp
    .command('remove')
    .description('remove an SMTP account and its keychain entry (a credentials file is left in place)')
    .argument('<name>', 'the account')
    .addHelpText('after', '\nExample:\n  $ npx logscope smtp remove reports@smtp.example.com')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const found = await smtpAccountByName(api, name);
        const result = await api.call('smtp.accounts.remove', { id: found.id });
        context.out(json() ? jsonLine({ account: found.name, removed: result.removed, secret: result.secret }) : `Removed SMTP account ${found.name} (password: ${result.secret}).\n`);
      });
    });

  // ---------------------------------------------------------------------- report
  addSpecOptions(
    program
      .command('report')
      .description('make the analysis report of a dataset: print its key figures, write it as a self-contained HTML file, and/or send it by e-mail')
      .option('--dataset <name>', 'the dataset')
      .option('--report <name>', 'a saved report (see `logscope reports`); the other options change it for this run')
      .option('--out <file>', 'write the report as one HTML file (charts embedded, no scripts, nothing remote)')
      .option('--send', 'send it to the report\'s recipients (or --to)'),
  )
    .addHelpText(
      'after',
      '\nExit code 1 when the report was not sent to everyone, including "possibly delivered": the connection was lost after the whole\n' +
        'message was sent but before the server answered, so it may have arrived and is not sent again.\n\nExamples:\n' +
        '  $ npx logscope report --dataset access --period 24h\n' +
        '  $ npx logscope report --dataset access --period 2024-03-04..2024-03-10 --lang ko --out weekly.html\n' +
        '  $ npx logscope report --dataset access --period 24h --send --to ops@example.com --attach html,csv --json\n' +
        '  $ npx logscope report --report daily --send',
    )
    .action(async (flags: SpecFlags & { report?: string; out?: string; send?: boolean }) => {
      if (!flags.dataset && !flags.report) throw new UsageError('give --dataset NAME or --report NAME');
      await withApi(session(), async (api) => {
        const base = flags.report ? await reportByName(api, flags.report) : null;
        const changed = flags.dataset || flags.period || flags.smtp || flags.lang || flags.tz || flags.subject || flags.attach || flags.chart.length;
        // A saved report unchanged is sent as itself, so the history knows it by name.
        const request = base && !changed ? { reportId: base.id } : { spec: await specFrom(api, flags, base) };
        if (flags.out) {
          const file = await api.call('reports.file', request, { signal: context.signal });
          const out = path.resolve(flags.out);
          await fs.writeFile(out, file.html);
          if (json()) context.out(jsonLine({ type: 'file', file: out, bytes: file.bytes }));
          else context.say(`Wrote ${out} (${formatBytes(file.bytes)}).`);
        }
        if (flags.send) {
          const sent = await api.call('reports.send', { ...request, ...(flags.to.length ? { to: flags.to } : {}), trigger: 'command' }, { signal: context.signal });
          if (sent.outcome !== 'sent') {
            if (!json()) context.out(`Not (fully) sent: ${sent.outcome}. ${sent.response ? `The server said: ${sent.response}` : ''}\n`);
            context.fail(failureOf(sent), json() ? sendJson(sent) : undefined);
            return;
          }
          if (json()) context.out(jsonLine(sendJson(sent)));
          else
            context.out(
              `Sent “${sent.subject}” to ${sent.accepted.join(', ')}: ${sent.response ?? ''}${sent.serverMessageId ? ` (server message id ${sent.serverMessageId})` : ''}${sent.attempts > 1 ? `, after ${sent.attempts} attempts` : ''}.\n`,
            );
        }
        if (!flags.out && !flags.send) {
          const preview = await api.call('reports.preview', request, { signal: context.signal });
          if (json()) {
            context.out(
              jsonLine({
                type: 'report',
                subject: preview.subject,
                range: preview.range,
                previous_range: preview.previousRange,
                figures: figuresJson(preview.figures),
                previous_figures: preview.previousFigures ? figuresJson(preview.previousFigures) : null,
                notes: preview.notes,
              }),
            );
          } else context.out(preview.text);
        }
      });
    });

  // --------------------------------------------------------------------- reports
  const reports = program.command('reports').description('saved report definitions (sent with `logscope report --report NAME` or by a job)');

  addSpecOptions(
    reports
      .command('add')
      .description('save a report definition by name')
      .argument('<name>', 'the report\'s name')
      .requiredOption('--dataset <name>', 'the dataset'),
  )
    .addHelpText('after', '\nExample:\n  $ npx logscope reports add daily --dataset access --period 24h --to ops@example.com --lang ko --attach csv\n  $ npx logscope jobs add --name daily-report --report daily --cron "0 9 * * 1-5" --tz Asia/Seoul')
    .action(async (name: string, flags: SpecFlags) => {
      await withApi(session(), async (api) => {
        const created = await api.call('reports.create', { name, ...(await specFrom(api, flags, null)) });
        context.out(json() ? jsonLine(reportJson(created)) : `Saved report ${created.name} of ${created.dataset ?? '?'} for ${created.recipients.join(', ') || 'nobody yet'}.\n`);
      });
    });

  reports
    .command('list')
    .description('list the saved reports with their last send')
    .addHelpText('after', '\nExample:\n  $ npx logscope reports list --json')
    .action(async () => {
      await withApi(session(), async (api) => {
        const list = await api.call('reports.list', {});
        if (json()) {
          for (const r of list) context.out(jsonLine(reportJson(r)));
          return;
        }
        if (list.length === 0) return context.out('No saved reports. Save one with: logscope reports add NAME --dataset DATASET --to ADDRESS\n');
        context.out(
          textTable(
            ['name', 'dataset', 'period', 'to', 'last sent'].map((n) => ({ name: n, type: '' })),
            list.map((r) => [r.name, r.dataset, r.period.kind, r.recipients.join(', '), r.lastSend ? `${r.lastSend.finishedAt} ${r.lastSend.outcome}` : 'never']),
            60,
          ),
        );
      });
    });

  reports
    .command('remove')
    .description('remove a saved report (its history stays)')
    .argument('<name>', 'the report')
    .addHelpText('after', '\nExample:\n  $ npx logscope reports remove daily')
    .action(async (name: string) => {
      await withApi(session(), async (api) => {
        const found = await reportByName(api, name);
        await api.call('reports.remove', { id: found.id });
        context.out(json() ? jsonLine({ report: found.name, removed: true }) : `Removed report ${found.name}.\n`);
      });
    });

  reports
    .command('history')
    .description('every report, alert and test message sent: to whom, when, and how it went')
    .option('--report <name>', 'only this report')
    .option('--limit <n>', 'how many, newest first', parsePositiveInt, 50)
    .addHelpText('after', '\nExample:\n  $ npx logscope reports history --limit 10 --json')
    .action(async (flags: { report?: string; limit: number }) => {
      await withApi(session(), async (api) => {
        const reportId = flags.report ? (await reportByName(api, flags.report)).id : null;
        const history = await api.call('reports.history', { reportId, limit: Math.min(500, flags.limit) });
        if (json()) {
          for (const sent of history) context.out(jsonLine({ ...sendJson(sent), kind: sent.kind, trigger: sent.trigger, error: sent.error }));
          return;
        }
        if (history.length === 0) return context.out('Nothing has been sent yet.\n');
        context.out(
          textTable(
            ['sent at', 'what', 'to', 'outcome', 'server id'].map((n) => ({ name: n, type: '' })),
            history.map((h) => [h.finishedAt, `${h.kind} ${h.name ?? h.dataset ?? ''}`, h.recipients.join(', '), h.outcome, h.serverMessageId ?? h.response]),
            60,
          ),
        );
      });
    });
}
