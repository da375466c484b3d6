import { z } from 'zod';
import { DatasetId, IsoInstant, empty, method } from '../schemas';
import { CertificateInfo, SecretInput, SecretLocation, TlsTrust, WireErrorSchema } from './mail';
import { FieldFilter, Search, TimeRange } from '../../charts/spec';

/**
 * The e-mailed analysis report (issue 10): SMTP accounts to send with (the password goes
 * to the keychain or a credentials file, as for IMAP), report definitions by name, a
 * preview of exactly what is sent, the report as a self-contained HTML file, "send now"
 * and the history of every message sent.
 */

export const smtpSecurities = ['tls', 'starttls'] as const;
/** Implicit TLS (465) or STARTTLS required (587); SMTP without TLS is not offered. */
export const SmtpSecurity = z.enum(smtpSecurities);
export type SmtpSecurity = z.infer<typeof SmtpSecurity>;

export const defaultSmtpPort: Record<SmtpSecurity, number> = { tls: 465, starttls: 587 };

/** One address, checked before anything is sent; no display name, no list. */
export const EmailAddress = z.string().trim().min(3).max(320).email();

const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((n) => !/[\p{Cc}]/u.test(n), 'no control characters');

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((h) => /^[A-Za-z0-9._:[\]-]+$/.test(h), 'a host name or IP address');

/** A display name for From: one line. */
const DisplayName = z
  .string()
  .trim()
  .max(100)
  .refine((n) => !/[\p{Cc}]/u.test(n), 'no control characters');

export const SmtpAccountInput = z
  .object({
    /** Default: USER@HOST. */
    name: Name.optional(),
    host: Host,
    /** Default: 465 for implicit TLS, 587 for STARTTLS. */
    port: z.number().int().min(1).max(65535).optional(),
    security: SmtpSecurity.default('starttls'),
    user: z.string().min(1).max(320),
    /** The From address (and envelope sender). */
    from: EmailAddress,
    fromName: DisplayName.nullable().default(null),
    trust: TlsTrust.default({ kind: 'system' }),
    secret: SecretInput,
  })
  .strict();

export const SmtpAccountUpdate = z
  .object({
    id: z.number().int().positive(),
    name: Name.optional(),
    host: Host.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    security: SmtpSecurity.optional(),
    user: z.string().min(1).max(320).optional(),
    from: EmailAddress.optional(),
    fromName: DisplayName.nullable().optional(),
    trust: TlsTrust.optional(),
    secret: SecretInput.optional(),
  })
  .strict();

export const SmtpAccount = z.object({
  id: z.number().int(),
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  security: SmtpSecurity,
  user: z.string(),
  from: z.string(),
  fromName: z.string().nullable(),
  trust: TlsTrust,
  secret: SecretLocation,
  lastTest: z.object({ at: IsoInstant, ok: z.boolean(), errorCode: z.string().nullable() }).nullable(),
  createdAt: IsoInstant,
});
export type SmtpAccount = z.infer<typeof SmtpAccount>;

export const SmtpTestResult = z.object({
  ok: z.boolean(),
  /** Where the password was read from (or would have been). */
  store: SecretLocation,
  secure: z.boolean(),
  tlsProtocol: z.string().nullable(),
  certificate: CertificateInfo.nullable(),
  /** With `to`: the test message, as the server accepted it. */
  sent: z.object({ to: z.string(), messageId: z.string(), serverMessageId: z.string().nullable(), response: z.string().nullable() }).nullable(),
  error: WireErrorSchema.nullable(),
});
export type SmtpTestResult = z.infer<typeof SmtpTestResult>;

/**
 * The stretch of time a report covers, in the user's zone. `24h` and `7d` end just after
 * the dataset's newest row (logs are history: a dataset fed yesterday reports on
 * yesterday, and says so); `dashboard` is the dashboard's range and filters at the moment
 * of sending (without a dashboard, as from a schedule: the whole range).
 */
export const ReportPeriod = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('24h') }).strict(),
  z.object({ kind: z.literal('7d') }).strict(),
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('custom'), from: IsoInstant, to: IsoInstant }).strict(),
  z.object({ kind: z.literal('dashboard') }).strict(),
]);
export type ReportPeriod = z.infer<typeof ReportPeriod>;

export const ReportAttachments = z
  .object({
    /** The report as a self-contained HTML file (charts embedded as data). */
    html: z.boolean().default(false),
    /** The key figures and tables as CSV, spreadsheet formulas neutralised. */
    csv: z.boolean().default(false),
    /** Each chart as a PNG file (they are always inline in the HTML part). */
    png: z.boolean().default(false),
  })
  .strict();
export type ReportAttachments = z.infer<typeof ReportAttachments>;

export const reportLanguages = ['ko', 'en'] as const;

/** What a report is: which data, which period, to whom and how. */
export const ReportSpec = z
  .object({
    datasetId: DatasetId,
    period: ReportPeriod.default({ kind: '24h' }),
    filters: z.array(FieldFilter).max(50).default([]),
    search: Search.nullable().default(null),
    /** IANA zone of the report's times; null: the user's zone setting when it is made. */
    zone: z.string().min(1).max(64).nullable().default(null),
    language: z.enum(reportLanguages).default('en'),
    recipients: z.array(EmailAddress).max(50).default([]),
    /** `{dataset}`, `{period}`, `{date}` and `{report}` are filled in. */
    subject: z.string().trim().min(1).max(200).default('{dataset} · {period}'),
    /** null: the only SMTP account there is. */
    smtpAccountId: z.number().int().positive().nullable().default(null),
    /**
     * Chart ids in order; null: the saved dashboard's charts, or every standard chart the
     * dataset's roles allow. Ids this version cannot draw are left out (and said so).
     */
    charts: z.array(z.string().min(1).max(100)).max(40).nullable().default(null),
    attachments: ReportAttachments.default({ html: false, csv: false, png: false }),
  })
  .strict();
export type ReportSpec = z.infer<typeof ReportSpec>;
export type ReportSpecInput = z.input<typeof ReportSpec>;

export const ReportInput = ReportSpec.extend({ name: Name }).strict();

/**
 * A change to a saved report: only the fields given change. Written out rather than
 * `ReportInput.partial()`, whose defaults would fill every field left out.
 */
export const ReportUpdate = z
  .object({
    id: z.number().int().positive(),
    name: Name.optional(),
    datasetId: DatasetId.optional(),
    period: ReportPeriod.optional(),
    filters: z.array(FieldFilter).max(50).optional(),
    search: Search.nullable().optional(),
    zone: z.string().min(1).max(64).nullable().optional(),
    language: z.enum(reportLanguages).optional(),
    recipients: z.array(EmailAddress).max(50).optional(),
    subject: z.string().trim().min(1).max(200).optional(),
    smtpAccountId: z.number().int().positive().nullable().optional(),
    charts: z.array(z.string().min(1).max(100)).max(40).nullable().optional(),
    attachments: ReportAttachments.optional(),
  })
  .strict();

export const ReportSendOutcome = z.enum(['sent', 'partial', 'failed', 'possibly_delivered']);
export type ReportSendOutcome = z.infer<typeof ReportSendOutcome>;

/** One message sent (or tried): the history. */
export const ReportSend = z.object({
  id: z.number().int(),
  kind: z.enum(['report', 'alert', 'test']),
  reportId: z.number().int().nullable(),
  /** The report's (or alert job's) name when it was sent. */
  name: z.string().nullable(),
  dataset: z.string().nullable(),
  trigger: z.enum(['manual', 'schedule', 'command']),
  startedAt: IsoInstant,
  finishedAt: IsoInstant,
  account: z.string().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  outcome: ReportSendOutcome,
  /** The Message-ID header of the message (the same on every attempt). */
  messageId: z.string(),
  /** The id the server gave it in its reply (`250 OK … queued as X`), when it said one. */
  serverMessageId: z.string().nullable(),
  /** The server's last reply, in its own words. */
  response: z.string().nullable(),
  accepted: z.array(z.string()),
  rejected: z.array(z.object({ address: z.string(), response: z.string() })),
  attempts: z.number().int(),
  bytes: z.number().int(),
  error: WireErrorSchema.nullable(),
});
export type ReportSend = z.infer<typeof ReportSend>;

export const ReportDefinition = ReportSpec.extend({
  id: z.number().int(),
  name: z.string(),
  /** The dataset's name now (null when it was deleted). */
  dataset: z.string().nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  lastSend: ReportSend.nullable(),
});
export type ReportDefinition = z.infer<typeof ReportDefinition>;

/** The dashboard's range, filters and search when "Send report" was clicked. */
export const ReportView = z
  .object({
    range: TimeRange.nullable(),
    filters: z.array(FieldFilter).max(50).default([]),
    search: Search.nullable().default(null),
  })
  .strict();
export type ReportView = z.infer<typeof ReportView>;

/** A saved report by id, or one described inline (not saved); `view` fills a `dashboard` period. */
export const ReportRequest = z
  .object({
    reportId: z.number().int().positive().optional(),
    spec: ReportSpec.optional(),
    view: ReportView.optional(),
  })
  .strict()
  .refine((r) => (r.reportId === undefined) !== (r.spec === undefined), 'give either reportId or spec');
export type ReportRequest = z.infer<typeof ReportRequest>;

export const ReportFileAttachment = z.object({
  fileName: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
  /** Shown inside the HTML (a chart) rather than listed as an attachment. */
  inline: z.boolean(),
});

/** The key figures of one period, as numbers (a figure the dataset's roles do not allow is null). */
export const KeyFigures = z.object({
  events: z.number(),
  errorRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  clients: z.number().nullable(),
  unusualBuckets: z.number().nullable(),
  newPatterns: z.number().nullable(),
  busiestEndpoint: z.string().nullable(),
  busiestRequests: z.number().nullable(),
});
export type KeyFigures = z.infer<typeof KeyFigures>;

export const ReportPreview = z.object({
  subject: z.string(),
  from: z.string().nullable(),
  to: z.array(z.string()),
  /** The HTML part exactly as sent, with each `cid:` image as a `data:` URI so it can be shown here. */
  html: z.string(),
  text: z.string(),
  attachments: z.array(ReportFileAttachment),
  /** Bytes of the whole message. */
  bytes: z.number().int(),
  range: TimeRange.nullable(),
  previousRange: TimeRange.nullable(),
  /** Things the reader should know (a chart left out, patterns still being mined). */
  notes: z.array(z.string()),
  figures: KeyFigures,
  /** The period before; null when there is none or it holds no rows. */
  previousFigures: KeyFigures.nullable(),
});
export type ReportPreview = z.infer<typeof ReportPreview>;

export const reportMethods = {
  'smtp.accounts.list': method(empty, z.array(SmtpAccount)),
  'smtp.accounts.create': method(SmtpAccountInput, SmtpAccount),
  'smtp.accounts.update': method(SmtpAccountUpdate, SmtpAccount),
  'smtp.accounts.remove': method(
    z.object({ id: z.number().int().positive() }).strict(),
    z.object({ removed: z.boolean(), secret: z.enum(['deleted', 'shared', 'file_kept', 'none', 'keychain_unavailable']) }),
  ),
  /** Connects and signs in; with `to`, also sends a short test message there. */
  'smtp.accounts.test': method(z.object({ id: z.number().int().positive(), to: EmailAddress.optional() }).strict(), SmtpTestResult),
  'reports.list': method(empty, z.array(ReportDefinition)),
  'reports.create': method(ReportInput, ReportDefinition),
  'reports.update': method(ReportUpdate, ReportDefinition),
  'reports.remove': method(z.object({ id: z.number().int().positive() }).strict(), z.object({ removed: z.boolean() })),
  /** The message as it would be sent now, without sending it. */
  'reports.preview': method(ReportRequest, ReportPreview),
  /** The report as one self-contained HTML file: charts as embedded PNG data, no scripts, nothing remote. */
  'reports.file': method(ReportRequest, z.object({ fileName: z.string(), html: z.string(), bytes: z.number().int() })),
  /**
   * The same report printed to an A4 PDF by Chromium (the app's own, or the one `serve` was given),
   * as base64 because both transports carry JSON. `report_pdf_unavailable` when there is no printer:
   * the page then prints the HTML in the browser.
   */
  'reports.pdf': method(ReportRequest, z.object({ fileName: z.string(), pdfBase64: z.string(), bytes: z.number().int() })),
  /** Sends the report; the outcome (also a failure) is in the history and in the answer. */
  'reports.send': method(
    z
      .object({
        reportId: z.number().int().positive().optional(),
        spec: ReportSpec.optional(),
        view: ReportView.optional(),
        /** Instead of the report's recipients. */
        to: z.array(EmailAddress).min(1).max(50).optional(),
        /** Who asked: a click in the app, or `logscope report --send` (kept in the history). */
        trigger: z.enum(['manual', 'command']).default('manual'),
      })
      .strict()
      .refine((r) => (r.reportId === undefined) !== (r.spec === undefined), 'give either reportId or spec'),
    ReportSend,
  ),
  'reports.history': method(
    z.object({ reportId: z.number().int().positive().nullable().default(null), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.array(ReportSend),
  ),
} as const;
