import { z } from 'zod';
import { Cell, DatasetId } from '../api/schemas';
import { bucketSizesMs } from './buckets';
import { ColumnPath, FieldFilter, Search, TimeRange } from './spec';

/**
 * Charts the user makes (issue 8): with the chart builder (fields picked from a dataset,
 * SQL built by `custom.ts`) or from a SQL console result (the user's SQL, checked by the
 * console's confinement every time it runs). Both are saved on a dataset's dashboard.
 */

export const customChartTypes = ['line', 'area', 'bar', 'stacked-bar', 'pie', 'donut', 'heatmap', 'histogram', 'scatter', 'table'] as const;
export const CustomChartType = z.enum(customChartTypes);
export type CustomChartType = z.infer<typeof CustomChartType>;

/** Aggregates as a closed list: each maps to one SQL expression in `custom.ts`. */
export const aggregates = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99'] as const;
export const Aggregate = z.enum(aggregates);
export type Aggregate = z.infer<typeof Aggregate>;

/** A time bucket: chosen from the range and width, or one of the dashboard's sizes (each divides a day). */
export const TimeBucket = z.union([
  z.literal('auto'),
  z
    .number()
    .int()
    .refine((ms) => bucketSizesMs.includes(ms), 'a bucket is one of the standard sizes'),
]);
export type TimeBucket = z.infer<typeof TimeBucket>;

/** The x axis: the dataset's time (its time role) in buckets of the user's zone, or a column's values. */
export const BuilderX = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('time'), bucket: TimeBucket.default('auto') }).strict(),
  z.object({ kind: z.literal('column'), column: ColumnPath }).strict(),
]);
export type BuilderX = z.infer<typeof BuilderX>;

export const filterOps = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains', 'not_contains', 'is_null', 'not_null'] as const;
export const FilterOp = z.enum(filterOps);
export type FilterOp = z.infer<typeof FilterOp>;

/** One condition of the builder, on top of the dashboard's range, filter chips and search. */
export const BuilderFilter = z
  .object({
    column: ColumnPath,
    op: FilterOp,
    value: z.union([z.string().max(2000), z.number()]).nullable().default(null),
  })
  .strict();
export type BuilderFilter = z.infer<typeof BuilderFilter>;

/** Categories (x values) and series (group-by values) shown at most by default. */
export const DEFAULT_CATEGORIES = 20;
export const MAX_CATEGORIES = 200;

export const BuilderSpec = z
  .object({
    kind: z.literal('builder'),
    type: CustomChartType,
    x: BuilderX,
    /** The column aggregated (not needed by `count`), or the y of a scatter plot. */
    y: ColumnPath.nullable().default(null),
    aggregate: Aggregate.default('count'),
    groupBy: ColumnPath.nullable().default(null),
    filters: z.array(BuilderFilter).max(20).default([]),
    /** Most categories of a column on the x axis (the most frequent). */
    limit: z.number().int().min(1).max(MAX_CATEGORIES).default(DEFAULT_CATEGORIES),
  })
  .strict();
export type BuilderSpec = z.infer<typeof BuilderSpec>;
export type BuilderSpecInput = z.input<typeof BuilderSpec>;

/** A result column's name (from the user's SQL). */
const ResultColumn = z.string().min(1).max(256);

export const SqlChartSpec = z
  .object({
    kind: z.literal('sql'),
    type: CustomChartType,
    /** One SELECT; checked by the console's confinement each time the chart runs. */
    sql: z.string().min(1).max(100_000),
    /** Result columns: the x axis (labels of a pie, the binned values of a histogram). */
    x: ResultColumn.nullable().default(null),
    /** Values drawn (several make several series). */
    y: z.array(ResultColumn).max(10).default([]),
    /** A column whose values split the rows into series (the rows of a heatmap). */
    series: ResultColumn.nullable().default(null),
  })
  .strict();
export type SqlChartSpec = z.infer<typeof SqlChartSpec>;

export const CustomChartSpec = z.discriminatedUnion('kind', [BuilderSpec, SqlChartSpec]);
export type CustomChartSpec = z.infer<typeof CustomChartSpec>;
export type CustomChartSpecInput = z.input<typeof CustomChartSpec>;

export const CustomChartId = z.string().regex(/^c[a-z0-9]{1,39}$/);

/** A custom chart on a dashboard. */
export const CustomChart = z
  .object({
    id: CustomChartId,
    title: z.string().max(200),
    spec: CustomChartSpec,
  })
  .strict();
export type CustomChart = z.infer<typeof CustomChart>;

/** One custom chart of one dataset under the dashboard's filter state (SQL charts ignore it). */
export const CustomChartQuery = z
  .object({
    datasetId: DatasetId,
    chart: CustomChartSpec,
    zone: z.string().min(1).max(64),
    range: TimeRange.nullable().default(null),
    filters: z.array(FieldFilter).max(50).default([]),
    search: Search.nullable().default(null),
    widthPx: z.number().int().min(200).max(4000).default(1000),
  })
  .strict();
export type CustomChartQuery = z.infer<typeof CustomChartQuery>;
export type CustomChartQueryInput = z.input<typeof CustomChartQuery>;

/**
 * How the x values are drawn: `bucket` (UTC ms of the zone's buckets, every bucket
 * listed), `time` (instants), `number`, `category`, or `bins` (histogram edges).
 */
export const XKind = z.enum(['bucket', 'time', 'number', 'category', 'bins']);
export type XKind = z.infer<typeof XKind>;

export const CustomChartResult = z.object({
  type: CustomChartType,
  /** The rows' columns as the CSV export and the table show them. */
  columns: z.array(z.string()),
  rows: z.array(z.array(Cell)),
  /** Which columns are drawn, by index into `columns`. */
  shape: z.object({
    x: z.number().int().nullable(),
    ys: z.array(z.number().int()),
    series: z.number().int().nullable(),
    /** A boolean column: the row stands for the groups beyond the top ones. */
    other: z.number().int().nullable(),
  }),
  xKind: XKind,
  buckets: z.array(z.number()).nullable(),
  bucketMs: z.number().nullable(),
  range: TimeRange.nullable(),
  zoneOffsets: z.array(z.tuple([z.number(), z.number(), z.number()])),
  /** Rows the chart is computed from: the dataset's rows after filters, or the SQL result's rows. */
  covered: z.number().nullable(),
  /** The SQL result had more rows than a chart draws; only the first were drawn. */
  truncated: z.boolean(),
  /** Empty buckets mean zero (counts, sums), not "no value" (averages, percentiles). */
  fillZero: z.boolean(),
  /** Axis names: column labels, or `count(*)`, `avg(latency_ms)`; x is null for the dataset's time. */
  labels: z.object({ x: z.string().nullable(), y: z.string(), series: z.string().nullable() }),
  /** The statement that ran, with its bound values: the builder shows it. */
  sql: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  elapsedMs: z.number(),
});
export type CustomChartResult = z.infer<typeof CustomChartResult>;

export const CustomExportRequest = z
  .object({
    query: CustomChartQuery,
    title: z.string().max(200).default(''),
    format: z.enum(['png', 'svg', 'csv']),
    width: z.number().int().min(300).max(4000).default(1200),
    height: z.number().int().min(200).max(3000).default(600),
    scale: z.number().int().min(1).max(4).default(2),
    theme: z.enum(['light', 'dark']).default('light'),
    language: z.enum(['ko', 'en']).default('en'),
  })
  .strict();
export type CustomExportRequest = z.infer<typeof CustomExportRequest>;
export type CustomExportRequestInput = z.input<typeof CustomExportRequest>;
