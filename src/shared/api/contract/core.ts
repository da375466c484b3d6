import { z } from 'zod';
import {
  AppInfo,
  DatasetId,
  DatasetSummary,
  OwnerKind,
  QueryResult,
  RowPage,
  Settings,
  SortSpec,
  Cell,
  empty,
  method,
} from '../schemas';

/** A file the operating system asked the app to open; the main process reads it from its path. */
export const OpenedFile = z.object({ path: z.string().min(1), name: z.string(), size: z.number().int().min(0) });
export type OpenedFile = z.infer<typeof OpenedFile>;

/** The app itself, settings, datasets and read-only queries. */
export const coreMethods = {
  /** Files opened from the operating system since the last call, each returned once. */
  'app.openedFiles.take': method(empty, z.array(OpenedFile)),
  'app.info': method(empty, AppInfo),
  'app.ping': method(empty, z.object({ pid: z.number().int(), ownerKind: OwnerKind })),
  'settings.get': method(empty, Settings),
  'settings.update': method(Settings.partial().strict(), Settings),
  'datasets.list': method(empty, z.array(DatasetSummary)),
  'datasets.page': method(
    z
      .object({
        datasetId: DatasetId,
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
        sort: SortSpec.nullable().default(null),
      })
      .strict(),
    RowPage,
  ),
  'datasets.rename': method(z.object({ datasetId: DatasetId, name: z.string().min(1).max(128) }).strict(), DatasetSummary),
  'datasets.delete': method(z.object({ datasetId: DatasetId }).strict(), z.object({ deleted: z.boolean() })),
  'query.run': method(
    z
      .object({
        sql: z.string().min(1).max(100_000),
        /** Rows returned with the result; the rest is paged with `query.page`. */
        limit: z.number().int().min(0).max(10_000).default(200),
        /** Keep it in the console's history. */
        history: z.boolean().default(false),
        /** The ClickHouse connection to run on, in its own SQL; null for the local DuckDB. */
        engine: z.string().min(1).nullable().default(null),
      })
      .strict(),
    QueryResult,
  ),
  'query.page': method(
    z.object({ resultId: z.string(), offset: z.number().int().min(0), limit: z.number().int().min(1).max(10_000) }).strict(),
    z.object({ rows: z.array(z.array(Cell)), offset: z.number().int(), total: z.number().int() }),
  ),
} as const;

export const coreEvents = {
  'datasets.changed': z.object({
    reason: z.enum(['created', 'imported', 'renamed', 'deleted']),
    datasetId: DatasetId.nullable(),
  }),
  'app.status': z.object({ state: z.enum(['ready', 'waiting_for_owner']), message: z.string().optional() }),
  /** More files wait in `app.openedFiles.take`. */
  'app.filesOpened': z.object({ count: z.number().int() }),
} as const;
