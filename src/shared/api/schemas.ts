import { z } from 'zod';

/** Schemas shared by several parts of the contract. */

export const DatasetId = z.number().int().positive();

export const ColumnInfo = z.object({ name: z.string(), type: z.string() });
export type ColumnInfo = z.infer<typeof ColumnInfo>;

/** A cell on the wire: 64-bit integers that do not fit a double travel as strings, times as ISO-8601 with `Z`. */
export const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof Cell>;

export const IsoInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

export const DatasetSummary = z.object({
  id: DatasetId,
  name: z.string(),
  rows: z.number(),
  columns: z.array(ColumnInfo),
  timeColumn: z.string().nullable(),
  timeMin: IsoInstant.nullable(),
  timeMax: IsoInstant.nullable(),
  createdAt: IsoInstant,
  /** The ClickHouse connection whose table holds the rows; null for the local file. */
  engine: z.string().nullable(),
  /** An attached ClickHouse table: read there, never written (no imports, deletes or patterns). */
  readOnly: z.boolean(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

export const SortSpec = z.object({ column: z.string().min(1), direction: z.enum(['asc', 'desc']) });
export type SortSpec = z.infer<typeof SortSpec>;

export const RowPage = z.object({
  columns: z.array(ColumnInfo),
  rows: z.array(z.array(Cell)),
  offset: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type RowPage = z.infer<typeof RowPage>;

export const Language = z.enum(['system', 'ko', 'en']);
export const Theme = z.enum(['system', 'light', 'dark']);
export const Settings = z.object({
  language: Language,
  theme: Theme,
  /** IANA zone the UI shows times in; null follows the computer. */
  timeZone: z.string().nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const OwnerKind = z.enum(['app', 'serve', 'cli']);
export type OwnerKind = z.infer<typeof OwnerKind>;

export const AppInfo = z.object({
  version: z.string(),
  dataDir: z.string(),
  databaseFile: z.string(),
  ownerKind: OwnerKind,
  pid: z.number().int(),
  duckdbVersion: z.string(),
  demoDatasetId: DatasetId.nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const QueryResult = z.object({
  resultId: z.string(),
  columns: z.array(ColumnInfo),
  total: z.number().int().min(0),
  rows: z.array(z.array(Cell)),
  elapsedMs: z.number(),
  /** A server result was cut at the console's row cap: `total` counts the rows kept. */
  truncated: z.boolean(),
});
export type QueryResult = z.infer<typeof QueryResult>;

/** An empty input: methods that take nothing still refuse unknown fields. */
export const empty = z.object({}).strict();

/** One method of the contract: its input and output schemas. */
export const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
