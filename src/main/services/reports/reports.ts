import { AppError } from '../../../shared/api/errors';
import type { ParsedInput } from '../../../shared/api/contract';
import {
  ReportSpec,
  type KeyFigures,
  type ReportDefinition,
  type ReportPreview,
  type ReportRequest,
  type ReportSend,
  type ReportView,
} from '../../../shared/api/contract/report';
import fs from 'node:fs/promises';
import path from 'node:path';
import { renderMailHtml } from '../../../shared/report/html';
import { hangulUnicodeRange, printableReportHtml } from '../../../shared/report/print';
import { findFontDir } from '../dashboard/render';
import { errorRateOf, type PeriodFigures } from '../../../shared/report/compose';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SettingsService } from '../settings/settings';
import type { DashboardService } from '../dashboard/dashboard';
import type { PatternService } from '../patterns/patterns';
import { sendFailure, type SmtpService } from '../mailOut/smtp';
import { buildMessage } from '../mailOut/message';
import { lastSends } from '../mailOut/store';
import { listDatasetRecords, getDatasetRecord } from '../catalog/datasets';
import type { JobExecutor } from '../scheduler/scheduler';
import type { Handlers } from '../../transport/rpc';
import { buildReport, dataUriSource, type BuiltReport, type ReportBuildDeps } from './build';
import { deleteReport, findReportByName, getReport, insertReport, listReports, updateReport } from './store';

export interface ReportServiceDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  dashboard: DashboardService;
  patterns: PatternService;
  settings: SettingsService;
  smtp: SmtpService;
  /** The charts a dataset's saved dashboard shows (issue 8). */
  savedCharts?: ReportBuildDeps['savedCharts'];
  /** Chromium printing a self-contained HTML page to PDF; without it there is no "Save as PDF" here. */
  printPdf?: PdfPrinter;
  /** Where the Hangul font embedded in printed reports is (tests and the packaged app differ). */
  fontDir?: string;
}

/** Prints one self-contained HTML document (no scripts, nothing remote) to an A4 PDF. */
export type PdfPrinter = (html: string, signal: AbortSignal) => Promise<Uint8Array>;

type SendInput = ParsedInput<'reports.send'>;

/**
 * Report definitions by name, and making a report: a preview of exactly what is sent, the
 * self-contained HTML file, and sending it (from the dashboard, the command, or a job).
 */
export function createReportService(deps: ReportServiceDeps) {
  const { db, clock, log, smtp } = deps;
  const catalog = () => db.connection('catalog');

  async function list(): Promise<ReportDefinition[]> {
    const connection = await catalog();
    const [records, datasets, sends] = [await listReports(connection), await listDatasetRecords(connection), await lastSends(connection)];
    const names = new Map(datasets.map((d) => [d.id, d.name]));
    return records.map((r) => ({ ...r.spec, id: r.id, name: r.name, dataset: names.get(r.spec.datasetId) ?? null, createdAt: r.createdAt, updatedAt: r.updatedAt, lastSend: sends.get(r.id) ?? null }));
  }

  const definition = async (id: number) => {
    const found = (await list()).find((r) => r.id === id);
    if (!found) throw new AppError('report_not_found', { name: String(id) });
    return found;
  };

  async function checkSpec(spec: ReportSpec) {
    await getDatasetRecord(await catalog(), spec.datasetId);
    if (spec.smtpAccountId !== null) await smtp.resolveAccount(spec.smtpAccountId);
  }

  async function create(input: ParsedInput<'reports.create'>): Promise<ReportDefinition> {
    const { name, ...rest } = input;
    const spec = ReportSpec.parse(rest);
    if (await findReportByName(await catalog(), name)) throw new AppError('report_name_taken', { name });
    await checkSpec(spec);
    const id = await insertReport(await catalog(), name, spec, clock.now());
    log.info('report saved', { report: name });
    return definition(id);
  }

  async function update(input: ParsedInput<'reports.update'>): Promise<ReportDefinition> {
    const current = await getReport(await catalog(), input.id);
    const { id: _id, name: newName, ...changes } = input;
    const name = newName ?? current.name;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const spec = ReportSpec.parse({ ...current.spec, ...defined });
    if (name !== current.name) {
      const other = await findReportByName(await catalog(), name);
      if (other && other.id !== current.id) throw new AppError('report_name_taken', { name });
    }
    await checkSpec(spec);
    await updateReport(await catalog(), current.id, name, spec, clock.now());
    return definition(current.id);
  }

  async function remove(id: number): Promise<{ removed: boolean }> {
    const report = await getReport(await catalog(), id);
    const { rows } = await (await catalog()).all(
      `SELECT name FROM logscope.jobs WHERE json_extract_string(target, '$.kind') = 'report' AND json_extract(target, '$.reportId')::INTEGER = $id ORDER BY name`,
      { id },
    );
    if (rows.length) throw new AppError('report_in_use', { name: report.name, jobs: rows.map((r) => String(r[0])).join(', ') });
    await deleteReport(await catalog(), id);
    return { removed: true };
  }

  async function findByName(name: string) {
    const found = await findReportByName(await catalog(), name);
    if (!found) throw new AppError('report_not_found', { name });
    return found;
  }

  /** The zone a report's times are in: its own, else the user's setting, else this computer's. */
  async function zoneOf(spec: ReportSpec): Promise<string> {
    return spec.zone ?? (await deps.settings.get()).timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  async function resolve(request: { reportId?: number; spec?: ReportSpec }): Promise<{ spec: ReportSpec; name: string | null; reportId: number | null }> {
    if (request.reportId !== undefined) {
      const record = await getReport(await catalog(), request.reportId);
      return { spec: record.spec, name: record.name, reportId: record.id };
    }
    return { spec: request.spec!, name: null, reportId: null };
  }

  async function build(request: { reportId?: number; spec?: ReportSpec; view?: ReportView }, signal: AbortSignal): Promise<BuiltReport & { name: string | null; reportId: number | null; spec: ReportSpec }> {
    const { spec, name, reportId } = await resolve(request);
    const built = await buildReport(
      { db, log, dashboard: deps.dashboard, patterns: deps.patterns, savedCharts: deps.savedCharts },
      { spec, name, view: request.view ?? null, zone: await zoneOf(spec), now: clock.now(), signal },
    );
    return { ...built, name, reportId, spec };
  }

  async function preview(request: ReportRequest, signal: AbortSignal): Promise<ReportPreview> {
    const built = await build(request, signal);
    const account = await smtp.resolveAccount(built.spec.smtpAccountId).catch(() => null);
    const from = account ? (account.fromName ? `${account.fromName} <${account.from}>` : account.from) : null;
    const message = await buildMessage({
      from: { address: account?.from ?? 'logscope@localhost', name: account?.fromName ?? null },
      to: built.spec.recipients.length ? built.spec.recipients : ['nobody@localhost'],
      subject: built.subject,
      text: built.text,
      html: built.html,
      attachments: built.attachments,
      date: clock.now(),
    });
    return {
      subject: built.subject,
      from,
      to: built.spec.recipients,
      html: renderMailHtml(built.document, { images: dataUriSource(built.images) }),
      text: built.text,
      attachments: built.attachments.map((a) => ({
        fileName: a.fileName,
        contentType: a.contentType,
        bytes: typeof a.content === 'string' ? Buffer.byteLength(a.content) : a.content.length,
        inline: Boolean(a.cid),
      })),
      bytes: message.raw.length,
      range: built.resolved.range ? { from: new Date(built.resolved.range.fromMs).toISOString(), to: new Date(built.resolved.range.toMs).toISOString() } : null,
      previousRange: built.resolved.previous
        ? { from: new Date(built.resolved.previous.fromMs).toISOString(), to: new Date(built.resolved.previous.toMs).toISOString() }
        : null,
      notes: built.data.notes,
      figures: keyFigures(built.data.current, built.data.busiest ? { endpoint: built.data.busiest.endpoint, count: built.data.busiest.count } : null),
      previousFigures: built.data.before
        ? keyFigures(built.data.before, built.data.busiest && built.data.busiest.before !== null ? { endpoint: built.data.busiest.endpoint, count: built.data.busiest.before } : null)
        : null,
    };
  }

  async function file(request: ReportRequest, signal: AbortSignal): Promise<{ fileName: string; html: string; bytes: number }> {
    const built = await build(request, signal);
    return { fileName: built.fileName, html: built.fileHtml, bytes: Buffer.byteLength(built.fileHtml) };
  }

  let printFonts: Promise<Parameters<typeof printableReportHtml>[1]> | null = null;
  const hangulFont = () =>
    (printFonts ??= fs
      .readFile(path.join(deps.fontDir ?? findFontDir(), 'LogscopeHangul-Regular.ttf'))
      .then((ttf) => [{ family: 'Logscope Hangul', dataUri: `data:font/ttf;base64,${ttf.toString('base64')}`, unicodeRange: hangulUnicodeRange }]));

  async function pdf(request: ReportRequest, signal: AbortSignal): Promise<{ fileName: string; pdfBase64: string; bytes: number }> {
    const printPdf = deps.printPdf;
    if (!printPdf) throw new AppError('report_pdf_unavailable');
    const built = await build(request, signal);
    const bytes = await printPdf(printableReportHtml(built.fileHtml, await hangulFont()), signal);
    const fileName = built.fileName.replace(/\.html$/, '.pdf');
    log.info('report printed to PDF', { file: fileName, bytes: bytes.length });
    return { fileName, pdfBase64: Buffer.from(bytes).toString('base64'), bytes: bytes.length };
  }

  async function send(request: SendInput, trigger: ReportSend['trigger'], signal: AbortSignal): Promise<ReportSend> {
    const { spec } = await resolve(request);
    const to = request.to ?? spec.recipients;
    if (to.length === 0) throw new AppError('report_no_recipients');
    // The account first: no report is made for a message that has nobody to send it.
    await smtp.resolveAccount(spec.smtpAccountId);
    const built = await build(request, signal);
    return smtp.send({
      accountId: built.spec.smtpAccountId,
      message: { to, subject: built.subject, text: built.text, html: built.html, attachments: built.attachments },
      kind: 'report',
      trigger,
      reportId: built.reportId,
      name: built.name,
      dataset: built.dataset,
      signal,
    });
  }

  /** The scheduler's `report` jobs: a run fails unless every recipient's server accepted the report. */
  const executor: JobExecutor = async ({ job, signal }) => {
    if (job.target.kind !== 'report') throw new AppError('internal', { message: 'not a report job' });
    const sent = await send({ reportId: job.target.reportId, trigger: 'manual' }, 'schedule', signal);
    if (sent.outcome !== 'sent') throw sendFailure(sent);
    return { message: `${sent.name ?? 'report'} sent to ${sent.accepted.join(', ')}${sent.serverMessageId ? ` (server id ${sent.serverMessageId})` : ''}` };
  };

  return { list, create, update, remove, findByName, preview, file, pdf, send, history: smtp.history, executor, zoneOf };
}

export type ReportService = ReturnType<typeof createReportService>;

function keyFigures(f: PeriodFigures, busiest: { endpoint: string; count: number } | null): KeyFigures {
  return {
    events: f.events,
    errorRate: errorRateOf(f),
    p50Ms: f.p50Ms,
    p95Ms: f.p95Ms,
    p99Ms: f.p99Ms,
    clients: f.clients,
    unusualBuckets: f.unusualBuckets,
    newPatterns: f.newPatterns,
    busiestEndpoint: busiest?.endpoint ?? null,
    busiestRequests: busiest?.count ?? null,
  };
}

export function createReportHandlers(
  reports: ReportService,
): Pick<Handlers, 'reports.list' | 'reports.create' | 'reports.update' | 'reports.remove' | 'reports.preview' | 'reports.file' | 'reports.pdf' | 'reports.send' | 'reports.history'> {
  return {
    'reports.list': () => reports.list(),
    'reports.create': (input) => reports.create(input),
    'reports.update': (input) => reports.update(input),
    'reports.remove': (input) => reports.remove(input.id),
    'reports.preview': (input, { signal }) => reports.preview(input, signal),
    'reports.file': (input, { signal }) => reports.file(input, signal),
    'reports.pdf': (input, { signal }) => reports.pdf(input, signal),
    'reports.send': (input, { signal }) => reports.send(input, input.trigger, signal),
    'reports.history': (input) => reports.history(input.reportId, input.limit),
  };
}
