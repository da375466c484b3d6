import { z } from 'zod';
import { ColumnInfo, IsoInstant, method } from '../schemas';
import { RowsExport } from '../../charts/spec';

/** The SQL console: what completion offers, and the history of what ran. */
export const SchemaTable = z.object({
  name: z.string(),
  schema: z.string(),
  /** `table`: a server's table that no dataset names. */
  kind: z.enum(['dataset', 'view', 'table']),
  /** The dataset whose rows the table holds, when its name differs (a ClickHouse table). */
  dataset: z.string().nullable(),
  columns: z.array(ColumnInfo),
});

/**
 * Rows of a ClickHouse result the console keeps (in memory, for paging and export): the
 * server stops there (`max_result_rows`), and the result says it was cut.
 */
export const CONSOLE_SERVER_ROWS = 100_000;

/** Where the console's queries run, as its header says it. */
export const ConsoleEngine = z.object({
  /** The connection's name; null for the local DuckDB. */
  connection: z.string().nullable(),
  kind: z.enum(['duckdb', 'clickhouse']),
  version: z.string(),
  /** The server's database the queries read; null for DuckDB. */
  database: z.string().nullable(),
  /** The SQL language the queries are written in. */
  dialect: z.string(),
});
export type ConsoleEngine = z.infer<typeof ConsoleEngine>;

export const HistoryEntry = z.object({
  id: z.number().int(),
  sql: z.string(),
  ranAt: IsoInstant,
  elapsedMs: z.number().nullable(),
  rows: z.number().nullable(),
  errorCode: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const consoleMethods = {
  'query.schema': method(
    z.object({ engine: z.string().min(1).nullable().default(null) }).strict(),
    z.object({ engine: ConsoleEngine, tables: z.array(SchemaTable), functions: z.array(z.string()) }),
  ),
  /** A console result as a file: CSV neutralised for spreadsheets, or JSON lines with exact values. */
  'query.export': method(z.object({ resultId: z.string(), format: z.enum(['csv', 'jsonl']) }).strict(), RowsExport),
  'query.history': method(z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(), z.array(HistoryEntry)),
} as const;
