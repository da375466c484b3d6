import { quoteIdent, type SqlQuery } from '../sql/quote';
import { columnLabel, isIntervalType, isNumericType, isTextType, samePath } from './columns';
import { MissingColumnError, bucketInputsSql, bucketKeySql, columnSql, filteredRowsSql, planScope, type ChartScope, type ChartSource, type FilterPlan, type Params } from './sql';

export { MissingColumnError };
import type { Aggregate, BuilderFilter, BuilderSpec, CustomChartResult, SqlChartSpec, XKind } from './customSpec';
import { isAggregatedType, needsColumn, zeroWhenEmpty } from './names';
import type { ColumnPath, FieldFilter, Search } from './spec';

/**
 * SQL of the chart builder and of charts made from a console query. The builder's SQL is
 * made here from picked columns and closed lists (aggregate, operator, bucket), over the
 * same filtered rows as the standard charts (`filteredRowsSql`: the dashboard's range,
 * filter chips and search) and the same zone bucketing (`bucketKeySql`). Identifiers go
 * through `quoteIdent` (via `columnSql`), values are bound. A console query's SQL is the
 * user's own: it is wrapped here and checked by the confinement before it runs.
 */

/** Series (group-by values) drawn at most; the rest are summed up as "other". */
export const MAX_SERIES = 10;
/** Rows of a heatmap (group-by values) at most. */
export const MAX_HEATMAP_ROWS = 30;
/** Histogram: about this many bins of a round width. */
export const HISTOGRAM_BINS = 30;
/** Scatter plots draw a repeatable sample of this many points. */
export const MAX_SCATTER_POINTS = 5000;
/** Rows of a SQL result a chart draws. */
export const MAX_SQL_CHART_ROWS = 5000;

/** The builder's request is not one it can chart; `reason` is an i18n key under `builder.problem`. */
export class BuilderProblem extends Error {
  constructor(
    readonly reason: 'time_missing' | 'column_required' | 'y_required' | 'y_not_numeric' | 'group_required' | 'x_not_numeric' | 'filter_value',
    readonly column: string | null = null,
  ) {
    super(`chart builder: ${reason}${column ? ` (${column})` : ''}`);
    this.name = 'BuilderProblem';
  }
}

/** What a builder chart is planned over: the dashboard's source (which has the dataset's columns). */
export type BuilderSource = ChartSource;

export interface BuilderRequest {
  zone: string;
  range: { from: string; to: string } | null;
  filters: readonly FieldFilter[];
  search: Search | null;
  widthPx: number;
}

export interface BuilderPlan extends FilterPlan, ChartScope {
  spec: BuilderSpec;
  source: BuilderSource;
}

export function planBuilderChart(spec: BuilderSpec, request: BuilderRequest, source: BuilderSource): BuilderPlan {
  if (spec.x.kind === 'time' && !source.roles.time) throw new BuilderProblem('time_missing');
  const bucketed = spec.x.kind === 'time' && isAggregatedType(spec.type);
  const bucketMs = spec.x.kind === 'time' && spec.x.bucket !== 'auto' ? spec.x.bucket : null;
  const scope = planScope({ zone: request.zone, range: request.range, widthPx: request.widthPx, bucketMs }, source, bucketed);
  return { spec, source, filters: request.filters, search: request.search, ...scope };
}

type ValueKind = 'number' | 'interval' | 'time' | 'text' | 'boolean' | 'other';

function valueKind(type: string): ValueKind {
  if (isNumericType(type)) return 'number';
  if (isIntervalType(type)) return 'interval';
  if (/^TIMESTAMP/i.test(type.trim())) return 'time';
  if (isTextType(type)) return 'text';
  if (/^BOOL(EAN)?$/i.test(type.trim())) return 'boolean';
  return 'other';
}

function columnType(source: BuilderSource, path: ColumnPath): string {
  const column = source.columns.find((c) => samePath(c.path, path));
  if (!column) throw new MissingColumnError(columnLabel(path));
  return column.type;
}

/** A column as a number: intervals in ms, text parsed where it holds a number (logs read as text). */
function numericSql(source: BuilderSource, path: ColumnPath, problem: 'y_not_numeric' | 'x_not_numeric'): string {
  const column = columnSql(path);
  switch (valueKind(columnType(source, path))) {
    case 'number':
      return column;
    case 'interval':
      return `(epoch(${column}) * 1000)`;
    case 'boolean':
      return `CAST(${column} AS INTEGER)`;
    case 'text':
      return `TRY_CAST(${column} AS DOUBLE)`;
    default:
      throw new BuilderProblem(problem, columnLabel(path));
  }
}

/** A column as text, for series names. */
function textOf(source: BuilderSource, path: ColumnPath): string {
  const column = columnSql(path);
  return valueKind(columnType(source, path)) === 'text' ? column : `CAST(${column} AS VARCHAR)`;
}

const quantiles: Partial<Record<Aggregate, string>> = { p50: '0.5', p90: '0.9', p95: '0.95', p99: '0.99' };

/** The SQL of an aggregate over the CTE's column `y`: a closed list, nothing from the user. */
export function aggregateSql(aggregate: Aggregate): string {
  switch (aggregate) {
    case 'count':
      return 'count(*)';
    case 'count_distinct':
      return 'count(DISTINCT y)';
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return `${aggregate}(y)`;
    default:
      return `quantile_cont(y, ${quantiles[aggregate]})`;
  }
}

/** `count(*)`, `avg(latency_ms)`, `p95(client.ms)`: the value's name on the axis and in the CSV. */
export function aggregateLabel(aggregate: Aggregate, y: ColumnPath | null): string {
  if (aggregate === 'count' || !y) return 'count(*)';
  const column = columnLabel(y);
  return aggregate === 'count_distinct' ? `count(DISTINCT ${column})` : `${aggregate}(${column})`;
}

/** One builder condition; values bound, compared as the column's kind. */
function filterSql(source: BuilderSource, filter: BuilderFilter, params: Params, index: number): string {
  const column = columnSql(filter.column);
  const kind = valueKind(columnType(source, filter.column));
  if (filter.op === 'is_null') return `${column} IS NULL`;
  if (filter.op === 'not_null') return `${column} IS NOT NULL`;
  if (filter.value === null || filter.value === '') throw new BuilderProblem('filter_value', columnLabel(filter.column));
  const name = `b${index}`;
  const text = kind === 'text' ? column : `CAST(${column} AS VARCHAR)`;
  if (filter.op === 'contains' || filter.op === 'not_contains') {
    params[name] = String(filter.value).toLowerCase();
    return `${filter.op === 'not_contains' ? 'NOT ' : ''}coalesce(contains(lower(${text}), $${name}), false)`;
  }
  // Instants are limited by the dashboard's range, in the user's zone; here only by presence.
  if (kind === 'time' || kind === 'other') throw new BuilderProblem('filter_value', columnLabel(filter.column));
  const operator = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[filter.op];
  if (kind === 'number' || kind === 'interval') {
    const value = Number(filter.value);
    if (!Number.isFinite(value)) throw new BuilderProblem('filter_value', columnLabel(filter.column));
    params[name] = value;
    return `${kind === 'interval' ? `(epoch(${column}) * 1000)` : column} ${operator} $${name}`;
  }
  params[name] = String(filter.value);
  return `${text} ${operator} $${name}`;
}

export interface BuiltChartQuery extends SqlQuery {
  /** How to read the rows (the last column is always `covered`, taken off by the service). */
  shape: CustomChartResult['shape'];
  columns: string[];
  xKind: XKind;
  fillZero: boolean;
  labels: CustomChartResult['labels'];
}

/** The builder's statement for a plan: one of aggregated, histogram or scatter. */
export function buildBuilderQuery(plan: BuilderPlan): BuiltChartQuery {
  const { spec } = plan;
  if (spec.type === 'histogram') return buildHistogramQuery(plan);
  if (spec.type === 'scatter') return buildScatterQuery(plan);
  return buildAggregatedQuery(plan);
}

/** The filtered rows of the dataset with the builder's conditions, selecting `select`. */
function rowsSql(plan: BuilderPlan, select: string[], params: Params, extra: string[] = []): string {
  const conditions = plan.spec.filters.map((filter, i) => filterSql(plan.source, filter, params, i));
  return filteredRowsSql(plan, select, params, [...conditions, ...extra]);
}

function xColumnKind(plan: BuilderPlan, path: ColumnPath): XKind {
  const kind = valueKind(columnType(plan.source, path));
  return kind === 'number' ? 'number' : kind === 'time' ? 'time' : 'category';
}

function buildAggregatedQuery(plan: BuilderPlan): BuiltChartQuery {
  const { spec, source } = plan;
  const params: Params = {};
  const select: string[] = [];
  const extra: string[] = [];
  // A pie has one value per slice: a group-by would make slices of slices.
  const groupBy = spec.type === 'pie' || spec.type === 'donut' ? null : spec.groupBy;
  if (spec.type === 'heatmap' && !groupBy) throw new BuilderProblem('group_required');
  let xKind: XKind;
  if (spec.x.kind === 'time') {
    const time = columnSql(source.roles.time!);
    select.push(...bucketInputsSql(plan));
    extra.push(`${time} IS NOT NULL`);
    xKind = 'bucket';
  } else {
    select.push(`${columnSql(spec.x.column)} AS x`);
    xKind = xColumnKind(plan, spec.x.column);
  }
  if (groupBy) select.push(`${textOf(source, groupBy)} AS g`);
  if (needsColumn(spec.aggregate)) {
    if (!spec.y) throw new BuilderProblem('y_required');
    select.push(spec.aggregate === 'count_distinct' ? `${columnSql(spec.y)} AS y` : `${numericSql(source, spec.y, 'y_not_numeric')} AS y`);
  }
  const rows = rowsSql(plan, select, params, extra);
  const seriesLimit = spec.type === 'heatmap' ? MAX_HEATMAP_ROWS : MAX_SERIES;
  const ctes = [`f AS MATERIALIZED (${rows})`];
  if (groupBy) ctes.push(`gs AS (SELECT g FROM f WHERE g IS NOT NULL GROUP BY g ORDER BY count(*) DESC, g LIMIT ${seriesLimit})`);
  const series = groupBy
    ? `CASE WHEN f.g IN (SELECT g FROM gs) THEN f.g END AS series, (f.g IS NOT NULL AND f.g NOT IN (SELECT g FROM gs)) AS other`
    : `NULL::VARCHAR AS series, false AS other`;
  const value = `${aggregateSql(spec.aggregate)} AS value`;
  let sql: string;
  if (spec.x.kind === 'time') {
    sql = `WITH ${ctes.join(',\n')}
SELECT ${bucketKeySql(plan)} AS x, ${series}, ${value}, sum(count(*)) OVER () AS covered
FROM f GROUP BY ALL ORDER BY x, series NULLS LAST, other`;
  } else {
    // The most frequent x values; a line over numbers or instants is drawn in x order.
    ctes.push(`xs AS (SELECT x, count(*) AS n FROM f GROUP BY x ORDER BY n DESC, x NULLS LAST LIMIT ${spec.limit})`);
    const byX = (spec.type === 'line' || spec.type === 'area') && xKind !== 'category';
    sql = `WITH ${ctes.join(',\n')}
SELECT f.x AS x, ${series}, ${value}, (SELECT count(*) FROM f) AS covered
FROM f JOIN xs ON f.x IS NOT DISTINCT FROM xs.x
GROUP BY ALL ORDER BY ${byX ? 'x NULLS LAST' : 'max(xs.n) DESC, x NULLS LAST'}, series NULLS LAST, other`;
  }
  return {
    sql,
    params,
    columns: ['x', 'series', 'other', 'value'],
    shape: { x: 0, ys: [3], series: groupBy ? 1 : null, other: groupBy ? 2 : null },
    xKind,
    fillZero: zeroWhenEmpty(spec.aggregate),
    labels: {
      x: spec.x.kind === 'time' ? null : columnLabel(spec.x.column),
      y: aggregateLabel(spec.aggregate, spec.y),
      series: groupBy ? columnLabel(groupBy) : null,
    },
  };
}

/**
 * Bins of a round width (1, 2 or 5 times a power of ten; at least 1 for whole numbers)
 * over `f.v`, about `HISTOGRAM_BINS` of them from the smallest value to the largest.
 * Empty bins are not returned (`fillHistogramBins` adds them).
 */
function histogramSql(ctes: string[]): string {
  return `WITH ${[
    ...ctes,
    `s AS (SELECT min(v) AS lo, max(v) AS hi, bool_and(v = floor(v)) AS whole, (max(v) - min(v)) / ${HISTOGRAM_BINS} AS raw FROM f WHERE v IS NOT NULL)`,
    `w AS (SELECT lo, whole, CASE WHEN raw IS NULL OR raw <= 0 THEN 1.0 ELSE
  pow(10, floor(log10(raw))) * CASE WHEN raw / pow(10, floor(log10(raw))) <= 1 THEN 1 WHEN raw / pow(10, floor(log10(raw))) <= 2 THEN 2
    WHEN raw / pow(10, floor(log10(raw))) <= 5 THEN 5 ELSE 10 END END AS nice FROM s)`,
    `wb AS (SELECT lo, CASE WHEN whole THEN greatest(nice, 1) ELSE nice END AS width FROM w)`,
    `b AS (SELECT width, floor(lo / width) * width AS start FROM wb)`,
  ].join(',\n')}
SELECT b.start + k * b.width AS bin_from, b.start + (k + 1) * b.width AS bin_to, n AS value, (SELECT count(*) FROM f) AS covered
FROM (SELECT floor((f.v - b.start) / b.width)::BIGINT AS k, count(*) AS n FROM f, b WHERE f.v IS NOT NULL GROUP BY ALL) AS counted, b
ORDER BY k`;
}

function buildHistogramQuery(plan: BuilderPlan): BuiltChartQuery {
  const { spec, source } = plan;
  if (spec.x.kind !== 'column') throw new BuilderProblem('column_required');
  const params: Params = {};
  const rows = rowsSql(plan, [`${numericSql(source, spec.x.column, 'x_not_numeric')} AS v`], params);
  return {
    sql: histogramSql([`f AS MATERIALIZED (${rows})`]),
    params,
    columns: ['bin_from', 'bin_to', 'count'],
    shape: { x: 0, ys: [2], series: null, other: null },
    xKind: 'bins',
    fillZero: true,
    labels: { x: columnLabel(spec.x.column), y: 'count(*)', series: null },
  };
}

function buildScatterQuery(plan: BuilderPlan): BuiltChartQuery {
  const { spec, source } = plan;
  if (!spec.y) throw new BuilderProblem('y_required');
  const params: Params = {};
  let x: string;
  let xKind: XKind;
  if (spec.x.kind === 'time') {
    x = `epoch_ms(${columnSql(source.roles.time!)})`;
    xKind = 'time';
  } else {
    x = numericOrTime(plan, spec.x.column);
    xKind = xColumnKind(plan, spec.x.column) === 'time' ? 'time' : 'number';
  }
  const select = [`${x} AS x`, `${numericSql(source, spec.y, 'y_not_numeric')} AS y`];
  if (spec.groupBy) select.push(`${textOf(source, spec.groupBy)} AS g`);
  const rows = rowsSql(plan, select, params);
  // The sample is taken from the filtered rows (USING SAMPLE applies before a WHERE) and
  // is the same on every run, so a chart does not change when nothing did.
  return {
    sql: `WITH f AS MATERIALIZED (SELECT * FROM (${rows}) WHERE x IS NOT NULL AND y IS NOT NULL)
SELECT x, ${spec.groupBy ? 'g' : 'NULL::VARCHAR'} AS series, y AS value, (SELECT count(*) FROM f) AS covered
FROM f USING SAMPLE reservoir(${MAX_SCATTER_POINTS} ROWS) REPEATABLE (42)`,
    params,
    columns: ['x', 'series', 'value'],
    shape: { x: 0, ys: [2], series: spec.groupBy ? 1 : null, other: null },
    xKind,
    fillZero: false,
    labels: {
      x: spec.x.kind === 'time' ? null : columnLabel(spec.x.column),
      y: columnLabel(spec.y),
      series: spec.groupBy ? columnLabel(spec.groupBy) : null,
    },
  };
}

/** A scatter plot's x: a number, or an instant as epoch ms. */
function numericOrTime(plan: BuilderPlan, path: ColumnPath): string {
  return valueKind(columnType(plan.source, path)) === 'time' ? `epoch_ms(${columnSql(path)})` : numericSql(plan.source, path, 'x_not_numeric');
}

// ----------------------------------------------------------------------------- SQL charts

/** The user's statement without trailing semicolons, as the console runs it. */
export const trimStatement = (sql: string): string => sql.trim().replace(/;+\s*$/, '');

/**
 * A console query charted: the user's statement as a CTE (it was checked on its own, and
 * the whole is checked again), the columns the chart reads, one row more than is drawn
 * (so the service knows the result was cut). A histogram bins its column here, in DuckDB.
 * The newlines keep a trailing `-- comment` from swallowing the closing parenthesis.
 */
export function buildSqlChartQuery(spec: SqlChartSpec, limit = MAX_SQL_CHART_ROWS): SqlQuery {
  const user = `_ls_q AS (\n${trimStatement(spec.sql)}\n)`;
  if (spec.type === 'histogram') {
    if (!spec.x) throw new BuilderProblem('column_required');
    return { sql: histogramSql([user, `f AS (SELECT TRY_CAST(${quoteIdent(spec.x)} AS DOUBLE) AS v FROM _ls_q)`]), params: {} };
  }
  if (spec.type === 'table') return { sql: `WITH ${user}\nSELECT * FROM _ls_q LIMIT ${limit + 1}`, params: {} };
  if (!spec.x) throw new BuilderProblem('column_required');
  if (spec.y.length === 0) throw new BuilderProblem('y_required');
  if (spec.type === 'heatmap' && !spec.series) throw new BuilderProblem('group_required');
  const columns = [spec.x, ...(spec.series ? [spec.series] : []), ...spec.y].map(quoteIdent);
  return { sql: `WITH ${user}\nSELECT ${columns.join(', ')} FROM _ls_q LIMIT ${limit + 1}`, params: {} };
}

/** How the rows of a SQL chart are read, from the columns that came back and their DuckDB types. */
export function sqlChartShape(spec: SqlChartSpec, types: readonly string[]): Pick<BuiltChartQuery, 'shape' | 'xKind' | 'labels' | 'fillZero'> {
  if (spec.type === 'histogram') {
    return { shape: { x: 0, ys: [2], series: null, other: null }, xKind: 'bins', fillZero: true, labels: { x: spec.x, y: 'count(*)', series: null } };
  }
  if (spec.type === 'table') {
    return { shape: { x: null, ys: [], series: null, other: null }, xKind: 'category', fillZero: false, labels: { x: null, y: '', series: null } };
  }
  const seriesIndex = spec.series ? 1 : null;
  const first = spec.series ? 2 : 1;
  const xType = types[0] ?? '';
  const kind = valueKind(xType);
  return {
    shape: { x: 0, ys: spec.y.map((_, i) => first + i), series: seriesIndex, other: null },
    xKind: kind === 'time' ? 'time' : kind === 'number' ? 'number' : 'category',
    fillZero: false,
    labels: { x: spec.x, y: spec.y.join(', '), series: spec.series },
  };
}
