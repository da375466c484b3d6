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
import { seedDemoDataset } from './services/demo/demo';
import { createImportHandlers, createImportService, type DiskSpace, type ImportService } from './services/importer/importer';
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
}

export interface AppCore {
  layout: DataFolderLayout;
  db: Db;
  events: EventBus;
  rpc: RpcServer;
  imports: ImportService;
  info(): Promise<AppInfo>;
  /** Writes the discovery record, so commands find this owner (with a port when it serves). */
  publish(server: { port: number; token: string } | null): Promise<void>;
  dispose(): Promise<void>;
}

/** DuckDB's default is 80% of memory, too much beside a browser window: take 40%, at least 1 GB. */
export function defaultMemoryLimit(totalBytes = os.totalmem()): string {
  const megabytes = Math.max(1024, Math.floor((totalBytes * 0.4) / (1024 * 1024)));
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
    await migrate(await db.connection('catalog'), clock.now());
  } catch (error) {
    db.dispose();
    throw error;
  }

  const events = createEventBus();
  const settings = createSettingsService({ db });
  const datasets = createDatasetService({ db, events, clock });
  const query = createQueryService({ db });
  await fs.mkdir(layout.uploadsDir, { recursive: true, mode: 0o700 });
  await removeStaleUploads(layout.uploadsDir, clock.now());
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

  // Each feature adds its handlers here: `...createXHandlers({ … })`.
  const handlers: Handlers = {
    'app.info': () => info(),
    'app.ping': async () => ({ pid: process.pid, ownerKind: options.ownerKind }),
    'settings.get': () => settings.get(),
    'settings.update': (input) => settings.update(input),
    'datasets.list': () => datasets.list(),
    'datasets.page': (input, { signal }) => datasets.page(input, signal),
    'datasets.rename': (input) => datasets.rename(input),
    'datasets.delete': (input) => datasets.remove(input),
    'query.run': (input, { signal }) => query.run(input, signal),
    'query.page': (input, { signal }) => query.page(input, signal),
    ...createImportHandlers(imports),
  };
  const rpc = createRpcServer({ handlers, log });

  let published = false;
  return {
    layout,
    db,
    events,
    rpc,
    imports,
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
      db.dispose();
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
