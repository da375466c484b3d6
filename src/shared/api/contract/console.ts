import { z } from 'zod';
import { ColumnInfo, IsoInstant, empty, method } from '../schemas';
import { RowsExport } from '../../charts/spec';

/** The SQL console: what completion offers, and the history of what ran. */
export const SchemaTable = z.object({
  name: z.string(),
  schema: z.string(),
  kind: z.enum(['dataset', 'view']),
  columns: z.array(ColumnInfo),
});

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
  'query.schema': method(empty, z.object({ tables: z.array(SchemaTable), functions: z.array(z.string()) })),
  /** A console result as a file: CSV neutralised for spreadsheets, or JSON lines with exact values. */
  'query.export': method(z.object({ resultId: z.string(), format: z.enum(['csv', 'jsonl']) }).strict(), RowsExport),
  'query.history': method(z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(), z.array(HistoryEntry)),
} as const;
