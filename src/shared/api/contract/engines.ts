import { z } from 'zod';
import { Cell, ColumnInfo, DatasetId, IsoInstant, empty, method } from '../schemas';
import { PasswordSecretInput, PasswordSecretLocation } from './mail';
import { Roles } from '../../charts/spec';

/**
 * Query engines beyond the embedded DuckDB: connections to ClickHouse servers. A
 * connection holds where and as whom; its password lives in the keychain or a
 * credentials file, like mail passwords, and never crosses back.
 */
export const EngineName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _ (up to 64)');

const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'must be an absolute path');

export const EngineConnection = z.object({
  name: z.string(),
  kind: z.literal('clickhouse'),
  /** `http://host:8123` or `https://host:8443`. */
  url: z.string(),
  user: z.string(),
  database: z.string(),
  /** A private CA (PEM) that the server's certificate must chain to; the system's CAs when null. */
  caFile: z.string().nullable(),
  secret: PasswordSecretLocation,
  createdAt: IsoInstant,
});
export type EngineConnection = z.infer<typeof EngineConnection>;

export const EngineTestResult = z.object({
  name: z.string(),
  ok: z.literal(true),
  version: z.string(),
  timeZone: z.string(),
  /** The user's profile sets readonly=1: the server refuses writes, and imports need another user. */
  readonlyProfile: z.boolean(),
  /** The connection is encrypted (https), with the certificate verified. */
  tls: z.boolean(),
  tables: z.number().int(),
  /** Which SQL the console runs there. */
  dialect: z.string(),
});
export type EngineTestResult = z.infer<typeof EngineTestResult>;

/** A table on the server that could be attached: where it is, its table engine and its columns. */
export const EngineTableListing = z.object({
  database: z.string(),
  table: z.string(),
  /** ClickHouse's table engine (`MergeTree`, `View`, …). */
  engine: z.string(),
  columns: z.array(ColumnInfo),
});
export type EngineTableListing = z.infer<typeof EngineTableListing>;

export const engineMethods = {
  'engines.list': method(empty, z.array(EngineConnection)),
  'engines.create': method(
    z
      .object({
        name: EngineName,
        url: z.string().min(1).max(2048),
        user: z.string().min(1).max(256),
        database: z.string().min(1).max(256).default('default'),
        caFile: AbsolutePath.optional(),
        secret: PasswordSecretInput,
      })
      .strict(),
    EngineConnection,
  ),
  'engines.remove': method(
    z.object({ name: z.string() }).strict(),
    z.object({ removed: z.boolean(), secret: z.enum(['deleted', 'none', 'file_kept', 'keychain_unavailable']) }),
  ),
  'engines.test': method(z.object({ name: z.string() }).strict(), EngineTestResult),
  /** One read-only query in the engine's own SQL (the server enforces readonly=1, a time limit and a row cap). */
  'engines.query': method(
    z
      .object({
        name: z.string(),
        sql: z.string().min(1).max(1_000_000),
        maxRows: z.number().int().min(1).max(100_000).default(1000),
        timeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      })
      .strict(),
    z.object({
      columns: z.array(ColumnInfo),
      rows: z.array(z.array(Cell)),
      truncated: z.boolean(),
      queryId: z.string(),
      dialect: z.string(),
      elapsedMs: z.number(),
    }),
  ),
  /** Copies a dataset into a MergeTree table ordered by its time; rows already there (same content hash) are skipped. */
  'engines.push': method(
    z.object({ name: z.string(), dataset: z.string().min(1), table: EngineName.optional() }).strict(),
    z.object({ table: z.string(), rows: z.number().int(), duplicates: z.number().int(), withoutTime: z.number().int() }),
  ),
  /** The server's tables outside its system databases, each with its columns. */
  'engines.tables': method(z.object({ name: z.string() }).strict(), z.array(EngineTableListing)),
  /**
   * A dataset over an existing table, read-only: Logscope never imports into it, deletes
   * from it or writes pattern ids to it. Roles not given are detected from its columns and
   * a sample of its rows.
   */
  'engines.attach': method(
    z
      .object({
        name: z.string(),
        database: z.string().min(1).max(256),
        table: z.string().min(1).max(256),
        dataset: z.string().min(1).max(128),
        roles: Roles.partial().optional(),
      })
      .strict(),
    z.object({
      datasetId: DatasetId,
      dataset: z.string(),
      rows: z.number().int(),
      timeMin: IsoInstant.nullable(),
      timeMax: IsoInstant.nullable(),
      roles: Roles,
    }),
  ),
} as const;
