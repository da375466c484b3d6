import { createOpenedFilesService, type OpenedFilesService } from './services/openedFiles/openedFiles';
import fs from 'node:fs/promises';
import os from 'node:os';
import type { AppInfo, OwnerKind } from '../shared/api/contract';
import { openDatabase, type Db } from './services/db/database';
import { migrate } from './services/catalog/migrations';
import { createDatasetService } from './services/datasets/datasets';
import { createQueryService } from './services/query/query';
import { createSettingsService } from './services/settings/settings';
import { createEventBus, type EventBus } from './services/events';
import { systemClock, type Clock } from './services/clock';
import { silentLogger, type Logger } from './services/logger';
import { dataFolderLayout, type DataFolderLayout } from './services/dataFolder/paths';
import { acquireDataFolder, type Acquired } from './services/dataFolder/ownership';
import { removeOwnerRecord, writeOwnerRecord, type OwnerRecord } from './services/dataFolder/ownerRecord';
import { AppError, fromWireError, isWireError } from '../shared/api/errors';
import { seedDemoDataset } from './services/demo/demo';
import { createImportHandlers, createImportService, type DiskSpace, type ImportService } from './services/importer/importer';
import { createImportJobHandlers, createImportJobs } from './services/importer/importJobs';
import { completePendingLineNumbers } from './services/importer/lineNumbers';
import { createSecretStore, type SecretEncryptor, type SecretStore } from './services/secrets/secrets';
import { createMailInHandlers, createMailInService, type MailInService } from './services/mailIn/mailIn';
import { createJobHandlers, createRetention, createSchedulerService, type SchedulerService } from './services/scheduler/scheduler';
import { createConfigHandlers, createConfigService } from './services/config/config';
import type { ImapTimeouts } from './services/mailIn/connection';
import { createMailListenerHandlers, createMailListeners, type MailListeners, type ReconnectBackoff } from './services/mailIn/listener';
import { createDashboardHandlers, createDashboardService, type DashboardService } from './services/dashboard/dashboard';
import { createDashboardLayoutService, createDashboardsHandlers, type DashboardLayoutService } from './services/dashboard/layouts';
import { createCustomChartService, type CustomChartService } from './services/dashboard/custom';
import { createPatternHandlers, createPatternService, type PatternService } from './services/patterns/patterns';
import { createWorkerMinerHost, type MinerWorkerScript } from './services/patterns/minerHost';
import { createSmtpHandlers, createSmtpService } from './services/mailOut/smtp';
import { createOAuthTokens, type OAuthTokens } from './services/oauth/tokens';
import { createOAuthHandlers, createOAuthSignIn } from './services/oauth/signIn';
import type { SmtpTimeouts } from './services/mailOut/sender';
import { createReportHandlers, createReportService, type PdfPrinter } from './services/reports/reports';
import { createEngineConnectionService, createEngineHandlers } from './services/engine/connections';
import { createDatasetEngineService } from './services/engine/datasetEngines';
import { createAttachHandlers, createAttachService } from './services/engine/attach';
import { createAlertExecutor } from './services/reports/alerts';
import { savedDashboardCharts } from './services/reports/savedCharts';
import { createRpcServer, type Handlers, type RpcServer } from './transport/rpc';

export const appVersion = '0.1.0';

export interface AppCoreOptions {
  dataDir: string;
  ownerKind: OwnerKind;
  clock?: Clock;
  log?: Logger;
  /** DuckDB memory limit; default: a share of this computer's memory. */
  memoryLimit?: string;
  /** Offer the demo dataset on a fresh data folder (the app and `serve` do; commands don't). */
  seedDemo?: boolean;
  onWaiting?: (holder: OwnerRecord) => void;
  signal?: AbortSignal;
  /** Free-space probe for imports (tests inject numbers). */
  diskSpace?: DiskSpace;
  /** Where passwords live (tests inject a store without a keychain). */
  secretStore?: SecretStore;
  /** The app's safeStorage, for passwords when the OS keychain cannot be used (Electron only). */
  secretEncryptor?: SecretEncryptor;
  /** IMAP time limits (tests shorten them). */
  imapTimeouts?: Partial<ImapTimeouts>;
  /** Pauses before a push listener reconnects (tests shorten them). */
  mailReconnectBackoff?: ReconnectBackoff;
  /** SMTP time limits and the pauses between attempts after a transient failure (tests shorten them). */
  smtpTimeouts?: Partial<SmtpTimeouts>;
  smtpRetryDelaysMs?: readonly number[];
  /** The miner's worker thread (the app and `serve`); without it, patterns are mined on this thread. */
  minerWorker?: MinerWorkerScript;
  /** Rows per mining batch (tests make it small to mine a small file in many batches). */
  patternBatchRows?: number;
  /** Opens an OAuth2 sign-in page in the system browser (the Electron shell); without it the page opens it. */
  openExternal?: (url: string) => Promise<void>;
  /** See `DashboardDeps.summaryMinReduction` (tests on small logs set 0). */
  dashboardSummaryMinReduction?: number;
  /** How long a browser sign-in waits (tests shorten it). */
  oauthSignInTimeoutMs?: number;
  /** Chromium's print-to-PDF (the Electron shell; the e2e tests use headless Chromium); without it the page prints in the browser. */
  printPdf?: PdfPrinter;
}

export interface AppCore {
  layout: DataFolderLayout;
  db: Db;
  events: EventBus;
  rpc: RpcServer;
  imports: ImportService;
  mailIn: MailInService;
  /** Push collection (IMAP IDLE) per rule; `start()` where the owner stays up (the app, `serve`). */
  mailListeners: MailListeners;
  /** OAuth2 grants of IMAP and SMTP accounts (sign-in stores them; tests seed them). */
  oauth: OAuthTokens;
  dashboard: DashboardService;
  /** Saved dashboards; `layouts.dashboardLayout(datasetId)`: the charts a dataset's dashboard shows, in order. */
  layouts: DashboardLayoutService;
  /** Builder and SQL charts: data and files (`customCharts.exportChart`). */
  customCharts: CustomChartService;
  patterns: PatternService;
  scheduler: SchedulerService;
  /** Files the OS asked the app to open, for the window's import preview (fed by the shell). */
  openedFiles: OpenedFilesService;
  info(): Promise<AppInfo>;
  /** Writes the discovery record, so commands find this owner (with a port when it serves). */
  publish(server: { port: number; token: string } | null): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * DuckDB's default is 80% of memory, too much beside a browser window: take 40%, at least
 * 1 GB and at most 1.25 GB. DuckDB's buffer pool keeps the blocks an import writes, so
 * a bigger limit only grows the import's RSS with the file (50 M CSV rows: 4.4 GB at a
 * 9.6 GB limit, 1.67 GB at 1.25 GB); the OS's file cache still holds what the
 * dashboards read. `LOGSCOPE_MEMORY_LIMIT` sets another.
 */
export function defaultMemoryLimit(totalBytes = os.totalmem()): string {
  const megabytes = Math.min(1280, Math.max(1024, Math.floor((totalBytes * 0.4) / (1024 * 1024))));
  return `${megabytes}MB`;
}

/**
 * The composition root: the one place that creates services, in order, and disposes of
 * them in reverse. Electron's shell, `logscope serve`, one-shot commands and tests all
 * start here. Returns `served` when another process owns the folder and serves it.
 */
export async function openAppCore(options: AppCoreOptions): Promise<AppCore | { served: Extract<Acquired, { kind: 'served' }>['record'] }> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const layout = dataFolderLayout(options.dataDir);
  await fs.mkdir(layout.dataDir, { recursive: true, mode: 0o700 });
  await fs.mkdir(layout.tempDir, { recursive: true });

  const acquired = await acquireDataFolder({
    ownerRecordFile: layout.ownerRecord,
    requester: options.ownerKind,
    open: () =>
      openDatabase({
        file: layout.databaseFile,
        tempDirectory: layout.tempDir,
        memoryLimit: options.memoryLimit ?? process.env.LOGSCOPE_MEMORY_LIMIT ?? defaultMemoryLimit(),
      }),
    onWaiting: options.onWaiting,
    signal: options.signal,
  });
  if (acquired.kind === 'served') return { served: acquired.record };
  const db = acquired.db;

  try {
    const catalog = await db.connection('catalog');
    await migrate(catalog, clock.now());
    // An import stopped between committing its rows and numbering their lines.
    const numbered = await completePendingLineNumbers(catalog, log);
    if (numbered > 0) log.info('numbered the lines of imports stopped before they finished', { sources: numbered });
  } catch (error) {
    await db.dispose();
    throw error;
  }

  const events = createEventBus();
  const settings = createSettingsService({ db });
  const datasets = createDatasetService({ db, events, clock });
  // The console opens ClickHouse connections through the dataset engines, which keep one client per connection.
  const query = createQueryService({ db, clock, engines: { open: async (connection) => (await datasetEngines.side(connection)).engine } });
  await fs.mkdir(layout.uploadsDir, { recursive: true, mode: 0o700 });
  await removeStaleUploads(layout.uploadsDir, clock.now());
  // Message patterns are mined after imports, in the background where the owner stays up.
  const patterns = createPatternService({
    db,
    events,
    clock,
    log,
    background: options.ownerKind !== 'cli',
    minerHost: options.minerWorker ? createWorkerMinerHost(options.minerWorker) : undefined,
    batchRows: options.patternBatchRows,
    engines: { query: (record, sql, signal) => datasetEngines.query(record, sql, signal) },
  });
  await patterns.start();
  const imports = createImportService({
    db,
    events,
    clock,
    log,
    tempDir: layout.tempDir,
    uploadsDir: layout.uploadsDir,
    dataDir: layout.dataDir,
    defaultZone: async () => (await settings.get()).timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    diskSpace: options.diskSpace,
  });

  const secrets = options.secretStore ?? createSecretStore({ encryptedFile: layout.secretsFile, encryptor: options.secretEncryptor });
  const oauth = createOAuthTokens({ secrets, clock });
  const oauthSignIn = createOAuthSignIn({ tokens: oauth, clock, log, openExternal: options.openExternal, timeoutMs: options.oauthSignInTimeoutMs });
  const mailIn = createMailInService({
    db,
    events,
    clock,
    log,
    imports,
    secrets,
    oauth,
    tempDir: layout.tempDir,
    ownerKind: options.ownerKind,
    appVersion,
    timeouts: options.imapTimeouts,
  });
  const mailListeners = createMailListeners({ mailIn, events, clock, log, backoff: options.mailReconnectBackoff });

  const engineConnections = createEngineConnectionService({ db, secrets, clock, log, linkDataset: (id, connection, table) => datasetEngines.link(id, connection, table) });
  const datasetEngines = createDatasetEngineService({ db, events, clock, log, open: (name, database) => engineConnections.open(name, database) });
  const importJobs = createImportJobs({ imports, events, clock, log, engines: { resolve: engineConnections.resolve, push: engineConnections.push } });
  const dashboard = createDashboardService({ db, events, clock, log, engines: datasetEngines, summaryMinReduction: options.dashboardSummaryMinReduction });
  const attachTables = createAttachService({
    db,
    events,
    clock,
    log,
    open: (name, database) => engineConnections.open(name, database),
    resolve: engineConnections.resolve,
    roles: { get: (id) => dashboard.roles(id), set: (id, roles) => dashboard.setRoles(id, roles) },
  });
  const layouts = createDashboardLayoutService({ db, events, clock, log, dashboard });
  const customCharts = createCustomChartService({ dashboard, query, log });
  const smtp = createSmtpService({ db, clock, log, secrets, oauth, timeouts: options.smtpTimeouts, retryDelaysMs: options.smtpRetryDelaysMs });
  const reports = createReportService({ db, clock, log, dashboard, patterns, settings, smtp, savedCharts: savedDashboardCharts(layouts, customCharts), printPdf: options.printPdf });

  const retention = createRetention({ db, clock, events, log });
  const scheduler = createSchedulerService({
    db,
    clock,
    log,
    events,
    executors: {
      fetch: async ({ job, signal }) => {
        if (job.target.kind !== 'fetch') throw new Error('not a fetch job');
        // A push fetch of the same rule may be running: wait for it rather than fail the job.
        const result = await mailIn.fetchRuleWhenFree(job.target.ruleId, { signal });
        const summary = `${result.rule}: ${result.imported} attachments imported (${result.rows} rows), ${result.skipped} skipped, ${result.failed} failed`;
        // A fetch that could not run fails with its own reason (no password, server refused…);
        // one with failed attachments is a failed run too: its error stays in the log.
        if (isWireError(result.error)) throw fromWireError(result.error);
        if (result.outcome !== 'ok') throw new AppError('mail_fetch_incomplete', { summary });
        return { message: summary };
      },
      retention: () => retention.apply(),
      report: reports.executor,
      alert: createAlertExecutor({ db, clock, log, dashboard, settings, smtp }),
    },
  });

  let demoDatasetId: number | null = null;
  if (options.seedDemo) demoDatasetId = await seedDemoDataset({ db, settings, imports, tempDir: layout.tempDir, log });

  const info = async (): Promise<AppInfo> => ({
    version: appVersion,
    dataDir: layout.dataDir,
    databaseFile: layout.databaseFile,
    ownerKind: options.ownerKind,
    pid: process.pid,
    duckdbVersion: db.duckdbVersion,
    demoDatasetId,
  });

  const openedFiles = createOpenedFilesService({ events });

  // Each feature adds its handlers here: `...createXHandlers({ … })`.
  const handlers: Handlers = {
    'app.info': () => info(),
    'app.ping': async () => ({ pid: process.pid, ownerKind: options.ownerKind }),
    'app.openedFiles.take': async () => openedFiles.take(),
    'settings.get': () => settings.get(),
    'settings.update': (input) => settings.update(input),
    'datasets.list': () => datasets.list(),
    'datasets.page': (input, { signal }) => datasets.page(input, signal),
    'datasets.rename': (input) => datasets.rename(input),
    'datasets.delete': (input) => datasets.remove(input),
    'query.run': (input, { signal }) => query.run(input, signal),
    'query.page': (input, { signal }) => query.page(input, signal),
    'query.schema': (input) => query.schema(input.engine),
    'query.history': (input) => query.history(input.limit),
    'query.export': (input, { signal }) => query.exportResult(input, signal),
    ...createImportHandlers(imports),
    ...createImportJobHandlers(importJobs),
    ...createMailInHandlers(mailIn),
    ...createMailListenerHandlers(mailListeners),
    ...createOAuthHandlers(oauthSignIn),
    ...createDashboardHandlers(dashboard),
    ...createDashboardsHandlers(layouts, customCharts),
    ...createPatternHandlers(patterns),
    ...createJobHandlers(scheduler, retention),
    ...createSmtpHandlers(smtp),
    ...createReportHandlers(reports),
    ...createEngineHandlers(engineConnections),
    ...createAttachHandlers(attachTables),
    ...createConfigHandlers(createConfigService({ clock, datasets, mailIn, scheduler, retention, smtp, reports })),
  };
  const rpc = createRpcServer({ handlers, log });

  let published = false;
  return {
    layout,
    db,
    events,
    rpc,
    imports,
    mailIn,
    mailListeners,
    oauth,
    dashboard,
    layouts,
    customCharts,
    patterns,
    scheduler,
    openedFiles,
    info,
    async publish(server) {
      await writeOwnerRecord(layout.ownerRecord, {
        pid: process.pid,
        kind: options.ownerKind,
        port: server?.port ?? null,
        token: server?.token ?? null,
        startedAt: clock.now().toISOString(),
      });
      published = true;
    },
    async dispose() {
      if (published) await removeOwnerRecord(layout.ownerRecord, process.pid);
      await scheduler.stop();
      oauthSignIn.dispose();
      await mailListeners.dispose();
      await importJobs.dispose();
      mailIn.dispose();
      layouts.dispose();
      await dashboard.dispose();
      await datasetEngines.dispose();
      await patterns.dispose();
      await db.dispose();
    },
  };
}

/** Uploads are imported right away; one left for a day was abandoned (a closed tab). */
async function removeStaleUploads(dir: string, now: Date): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const file = `${dir}/${name}`;
    const stats = await fs.stat(file).catch(() => null);
    if (stats && now.getTime() - stats.mtimeMs > 24 * 3600 * 1000) await fs.rm(file, { force: true });
  }
}

export function isServed(core: Awaited<ReturnType<typeof openAppCore>>): core is { served: Extract<Acquired, { kind: 'served' }>['record'] } {
  return 'served' in core;
}
