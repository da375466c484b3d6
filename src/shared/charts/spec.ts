import { z } from 'zod';
import { Cell, DatasetId, IsoInstant } from '../api/schemas';
import { chartIds, columnFilterOps, roleNames } from './names';

/**
 * What a dashboard chart is asked for and what it answers, shared by the contract, the
 * SQL builders, the option builders, the export path and (later) the e-mailed report.
 */

export const ChartId = z.enum(chartIds);
export type ChartId = z.infer<typeof ChartId>;

/** A column, or a field inside a STRUCT column: `['client', 'ip']`. */
export const ColumnPath = z.array(z.string().min(1).max(256)).min(1).max(4);
export type ColumnPath = z.infer<typeof ColumnPath>;

export const DurationUnit = z.enum(['ns', 'us', 'ms', 's']);
export type DurationUnit = z.infer<typeof DurationUnit>;

export const RoleName = z.enum(roleNames);
export type RoleName = z.infer<typeof RoleName>;

/** Which column plays which part; null when the dataset has none. */
export const Roles = z
  .object({
    time: ColumnPath.nullable(),
    duration: z.object({ column: ColumnPath, unit: DurationUnit }).strict().nullable(),
    status: ColumnPath.nullable(),
    level: ColumnPath.nullable(),
    endpoint: ColumnPath.nullable(),
    method: ColumnPath.nullable(),
    client: ColumnPath.nullable(),
    user: ColumnPath.nullable(),
    message: ColumnPath.nullable(),
  })
  .strict();
export type Roles = z.infer<typeof Roles>;

/** A half-open range of instants `[from, to)`. */
export const TimeRange = z.object({ from: IsoInstant, to: IsoInstant }).strict();
export type TimeRange = z.infer<typeof TimeRange>;

/** How a column filter of the Rows grid compares a column with its value (`columnFilterOps`). */
export const ColumnFilterOp = z.enum(columnFilterOps);
export type ColumnFilterOp = z.infer<typeof ColumnFilterOp>;

/**
 * One filter chip. Chips on the same field are alternatives (OR), chips on different
 * fields all apply (AND); column filters combine alike by column and comparison, so two
 * `eq` values of one column are either, and a `contains` beside them applies as well.
 * `weekdayHour` is in the chart's zone, Monday = 0.
 */
export const FieldFilter = z.discriminatedUnion('field', [
  z.object({ field: z.literal('status'), value: z.number().int().min(0).max(9999) }).strict(),
  z.object({ field: z.literal('statusClass'), value: z.number().int().min(1).max(9) }).strict(),
  z.object({ field: z.literal('level'), value: z.string().max(200) }).strict(),
  z.object({ field: z.literal('endpoint'), value: z.string().max(2000) }).strict(),
  z.object({ field: z.literal('method'), value: z.string().max(200) }).strict(),
  z.object({ field: z.literal('client'), value: z.string().max(500) }).strict(),
  z.object({ field: z.literal('user'), value: z.string().max(500) }).strict(),
  z.object({ field: z.literal('weekdayHour'), weekday: z.number().int().min(0).max(6), hour: z.number().int().min(0).max(23) }).strict(),
  z.object({ field: z.literal('duration'), minMs: z.number().min(0), maxMs: z.number().min(0).nullable() }).strict(),
  /** A message template (issue 7): rows whose `_ls_pattern` is this id. */
  z.object({ field: z.literal('pattern'), value: z.number().int().positive() }).strict(),
  /** Error rows as the error-rate chart counts them: status 500 and above, or an error level. */
  z.object({ field: z.literal('error') }).strict(),
  /** Any column of the dataset (the Rows grid's column filters); values are compared as the column's type. */
  z
    .object({
      field: z.literal('column'),
      column: ColumnPath,
      op: ColumnFilterOp,
      value: z.union([z.string().max(2000), z.number(), z.boolean()]).nullable(),
    })
    .strict(),
]);
export type FieldFilter = z.infer<typeof FieldFilter>;
export type FilterField = FieldFilter['field'];

/**
 * The search box: `text` in the search language (`src/shared/search/query.ts`: words,
 * quoted phrases, `field:value`, `-exclude`), or one RE2 regular expression when `regex`;
 * over every text column, or the one `column` names.
 */
export const Search = z
  .object({
    text: z.string().min(1).max(500),
    regex: z.boolean().default(false),
    column: ColumnPath.nullable().default(null),
  })
  .strict();
export type Search = z.infer<typeof Search>;
export type SearchInput = z.input<typeof Search>;

export const StackBy = z.enum(['auto', 'status', 'level', 'none']);
export type StackBy = z.infer<typeof StackBy>;

export const ChartOptions = z
  .object({
    /** Events over time: what the bars are stacked by. */
    stackBy: StackBy.default('auto'),
    /** Latency histogram: logarithmic bins and axis. */
    logScale: z.boolean().default(true),
  })
  .strict();
export type ChartOptions = z.infer<typeof ChartOptions>;

/** One chart of one dataset under the dashboard's filter state. */
export const ChartQuery = z
  .object({
    datasetId: DatasetId,
    chart: ChartId,
    /** IANA zone the buckets, the heatmap and the labels are in. */
    zone: z.string().min(1).max(64),
    /** null: the dataset's whole time range. */
    range: TimeRange.nullable().default(null),
    filters: z.array(FieldFilter).max(50).default([]),
    search: Search.nullable().default(null),
    /** The chart's width on screen, for the bucket size. */
    widthPx: z.number().int().min(200).max(4000).default(1000),
    /**
     * A fixed bucket (ms, dividing a day) instead of one chosen from the range and width:
     * "requests per minute" for a report. At most `MAX_FIXED_BUCKETS` buckets.
     */
    bucketMs: z
      .number()
      .int()
      .min(1000)
      .max(86_400_000)
      .refine((ms) => 86_400_000 % ms === 0, 'a bucket divides a day')
      .nullable()
      .default(null),
    options: ChartOptions.default({ stackBy: 'auto', logScale: true }),
  })
  .strict();
export type ChartQuery = z.infer<typeof ChartQuery>;
export type ChartQueryInput = z.input<typeof ChartQuery>;

/** The Rows grid: the rows behind the dashboard's filter state, with the grid's own quick search and sort. */
export const RowsQuery = z
  .object({
    datasetId: DatasetId,
    zone: z.string().min(1).max(64),
    range: TimeRange.nullable().default(null),
    filters: z.array(FieldFilter).max(50).default([]),
    search: Search.nullable().default(null),
    /** The grid's quick search, applied on top of the dashboard's. */
    quick: Search.nullable().default(null),
    sort: z.object({ column: ColumnPath, direction: z.enum(['asc', 'desc']) }).strict().nullable().default(null),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(500),
  })
  .strict();
export type RowsQuery = z.infer<typeof RowsQuery>;
export type RowsQueryInput = z.input<typeof RowsQuery>;

/** Rows an export writes at most (the file travels as JSON to the window). */
export const ROWS_EXPORT_LIMIT = 200_000;

/** The grid's rows as a file: CSV (neutralised for spreadsheets) or JSON lines (values exact). */
export const RowsExportRequest = RowsQuery.omit({ offset: true, limit: true }).extend({ format: z.enum(['csv', 'jsonl']) }).strict();
export type RowsExportRequest = z.infer<typeof RowsExportRequest>;

export const RowsExport = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  base64: z.string(),
  bytes: z.number().int(),
  /** Rows written; `truncated` when the grid held more than `ROWS_EXPORT_LIMIT`. */
  rows: z.number().int(),
  truncated: z.boolean(),
});
export type RowsExport = z.infer<typeof RowsExport>;

/** Whether a search can run on a dataset, before it reaches a chart: the columns it looks at, or why not. */
export const SearchCheck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), columns: z.array(ColumnPath) }).strict(),
  z.object({ ok: z.literal(false), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }).strict(),
]);
export type SearchCheck = z.infer<typeof SearchCheck>;

/** What the events chart was stacked by, the error rate based on, and so on. */
export const ChartBasis = z.enum(['none', 'status', 'level']);
export type ChartBasis = z.infer<typeof ChartBasis>;

export const ChartResult = z.object({
  chart: ChartId,
  /** Column names of `rows`, as the CSV export writes them. */
  columns: z.array(z.string()),
  rows: z.array(z.array(Cell)),
  /** Time charts: every bucket start (UTC ms) of the range, empty ones too. */
  buckets: z.array(z.number()).nullable(),
  bucketMs: z.number().nullable(),
  /** The range the chart covers (the dataset's whole range when none was asked). */
  range: TimeRange.nullable(),
  /** Offsets of the zone over the range, for labels: `[startMs, endMs, offsetMs]`. */
  zoneOffsets: z.array(z.tuple([z.number(), z.number(), z.number()])),
  /** Rows the chart is computed from (after range, filters and search). */
  covered: z.number(),
  basis: ChartBasis,
  /** The duration unit converted from, when the chart shows durations. */
  durationUnit: DurationUnit.nullable(),
  /**
   * Read from the dataset's per-minute summary with values estimated from a histogram
   * (latency percentiles, within `LATENCY_MAX_RELATIVE_ERROR`): the chart says so.
   */
  approximate: z.boolean(),
  elapsedMs: z.number(),
});
export type ChartResult = z.infer<typeof ChartResult>;

export const ExportFormat = z.enum(['png', 'svg', 'csv']);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ChartExportRequest = z
  .object({
    query: ChartQuery,
    format: ExportFormat,
    /** Layout size in CSS pixels; a PNG has `scale` times as many pixels. */
    width: z.number().int().min(300).max(4000).default(1200),
    height: z.number().int().min(200).max(3000).default(600),
    scale: z.number().int().min(1).max(4).default(2),
    theme: z.enum(['light', 'dark']).default('light'),
    language: z.enum(['ko', 'en']).default('en'),
  })
  .strict();
export type ChartExportRequest = z.infer<typeof ChartExportRequest>;

export const ChartExport = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  /** The file's bytes, base64: both transports carry JSON. */
  base64: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Rows the chart was computed from, and the range it covers. */
  covered: z.number(),
  range: TimeRange.nullable(),
});
export type ChartExport = z.infer<typeof ChartExport>;

/** A column a role can point at, with its DuckDB type (STRUCT fields flattened). */
export const RoleColumn = z.object({ path: ColumnPath, type: z.string() });
export type RoleColumn = z.infer<typeof RoleColumn>;

export const DashboardRoles = z.object({
  datasetId: DatasetId,
  /** The roles charts use: the user's choice if saved, else the detected ones. */
  roles: Roles,
  detected: Roles,
  custom: z.boolean(),
  columns: z.array(RoleColumn),
  /** Charts whose roles are present, in dashboard order. */
  charts: z.array(ChartId),
});
export type DashboardRoles = z.infer<typeof DashboardRoles>;
