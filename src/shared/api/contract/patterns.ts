import { z } from 'zod';
import { DatasetId, IsoInstant, RowPage, method } from '../schemas';

/**
 * Message patterns: the templates the miner found in a dataset's message column, the
 * pattern id of each row, and how far mining is. Mining runs in the background after
 * imports; `patterns.wait` is for callers that need it finished (the command).
 */

export const patternStates = ['queued', 'mining', 'done', 'failed', 'no_message_column'] as const;
export const PatternState = z.enum(patternStates);
export type PatternState = z.infer<typeof PatternState>;

export const PatternId = z.number().int().positive();

export const PatternStatus = z.object({
  datasetId: DatasetId,
  state: PatternState,
  /** Rows that have a pattern id. */
  rowsDone: z.number().int().min(0),
  rowsTotal: z.number().int().min(0),
  /** The column mined; null until chosen, or when the dataset has no text column. */
  messageColumn: z.string().nullable(),
  /** Templates with at least one row. */
  templates: z.number().int().min(0),
  /** Why mining failed (state `failed`), as an error code and its parameters. */
  error: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }).nullable(),
});
export type PatternStatus = z.infer<typeof PatternStatus>;

export const PatternRange = z.object({ from: IsoInstant, to: IsoInstant }).strict();
export type PatternRange = z.infer<typeof PatternRange>;

export const PatternSummary = z.object({
  patternId: PatternId,
  template: z.string(),
  /** Rows of this template (in the range, when one is given). */
  count: z.number().int().min(0),
  /** Over the whole dataset; null without a time column. */
  firstSeen: IsoInstant.nullable(),
  lastSeen: IsoInstant.nullable(),
  example: z.string().nullable(),
  /** Rows in the range before (as long as the range, ending where it starts); null without a range. */
  previousCount: z.number().int().min(0).nullable(),
  /** Has rows in the range and none in the range before (which holds some rows). */
  isNew: z.boolean(),
  /** Rows per bucket across the range (or the dataset's time range); empty without a time column. */
  sparkline: z.array(z.number().int().min(0)),
});
export type PatternSummary = z.infer<typeof PatternSummary>;

export const PatternList = z.object({
  status: PatternStatus,
  /** The range counted (the dataset's time range when none was given); null without a time column. */
  range: PatternRange.nullable(),
  previousRange: PatternRange.nullable(),
  bucketMs: z.number().nullable(),
  /** Templates with rows in the range (matching `search`), of which `templates` is one page. */
  total: z.number().int().min(0),
  /** Rows those templates cover. */
  rows: z.number().int().min(0),
  templates: z.array(PatternSummary),
});
export type PatternList = z.infer<typeof PatternList>;

export const PatternAssignment = z.object({
  sourceId: z.number().int(),
  source: z.string().nullable(),
  line: z.number().int().nullable(),
  patternId: PatternId.nullable(),
});
export type PatternAssignment = z.infer<typeof PatternAssignment>;

/** Where the next page of assignments starts: after this row. */
export const AssignCursor = z.object({ sourceId: z.number().int(), line: z.number().int() }).strict();

export const patternMethods = {
  'patterns.status': method(z.object({ datasetId: DatasetId }).strict(), PatternStatus),
  /** Resolves once every row has a pattern (mining it now if nothing else does). */
  'patterns.wait': method(z.object({ datasetId: DatasetId }).strict(), PatternStatus),
  'patterns.list': method(
    z
      .object({
        datasetId: DatasetId,
        range: PatternRange.nullable().default(null),
        /** Templates whose text contains this (case-insensitive). */
        search: z.string().max(500).nullable().default(null),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(100),
        sparklineBuckets: z.number().int().min(0).max(200).default(24),
      })
      .strict(),
    PatternList,
  ),
  /** The pattern of every row, in source and line order, a page at a time. */
  'patterns.assign': method(
    z
      .object({
        datasetId: DatasetId,
        after: AssignCursor.nullable().default(null),
        limit: z.number().int().min(1).max(100_000).default(10_000),
      })
      .strict(),
    z.object({ rows: z.array(PatternAssignment), next: AssignCursor.nullable() }),
  ),
  /** A page of the rows of one template (all columns), in source and line order. */
  'patterns.rows': method(
    z
      .object({
        datasetId: DatasetId,
        patternId: PatternId,
        range: PatternRange.nullable().default(null),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
      })
      .strict(),
    RowPage,
  ),
} as const;

export const patternEvents = {
  'patterns.progress': z.object({
    datasetId: DatasetId,
    rowsDone: z.number().int().min(0),
    rowsTotal: z.number().int().min(0),
    state: PatternState,
  }),
} as const;
