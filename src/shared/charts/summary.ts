import type { SqlQuery } from '../sql/quote';
import { quoteIdent } from '../sql/quote';
import { MS_PER_HOUR, MS_PER_MINUTE, type OffsetSegment } from './zone';
import { bucketKeySql, columnSql, durationMsSql, errorLevelList, integerLiteral, statusSql, textSql, timestampLiteral, type ChartPlan, type Params, type RoleTypes } from './sql';
import { MAX_LEVEL_SERIES } from './queries';
import type { ChartId, Roles } from './spec';

/**
 * Per-minute summary of a dataset (issue 19): what the time-only dashboard reads instead of
 * scanning every row. Two groupings in one table (DuckDB `GROUPING SETS`):
 * - count rows (`hist = false`): per UTC minute, status code and level, how many rows;
 * - latency rows (`hist = true`): per UTC minute and log-spaced duration bucket, how many.
 * Minute `m` is the epoch ms of the minute's start, NULL for rows without a time (the status
 * chart over the whole dataset counts those too).
 */

/** Duration buckets per factor of ten: bucket b holds [10^(b/k), 10^((b+1)/k)) ms. */
export const LATENCY_BUCKETS_PER_DECADE = 20;
/** The bucket of durations ≤ 0 (shown as 0 ms). */
export const ZERO_DURATION_BUCKET = -32768;
/** Buckets are clamped to this range: 10^-10 ms … 10^15 ms (longer than any log holds). */
const MIN_BUCKET = -200;
const MAX_BUCKET = 300;
/**
 * A percentile read from the histogram is the geometric centre of the bucket holding the
 * exact order statistic, so it is within this factor of it (10^(1/40) − 1 ≈ 5.9%).
 */
export const LATENCY_MAX_RELATIVE_ERROR = 10 ** (1 / (2 * LATENCY_BUCKETS_PER_DECADE)) - 1;

/** What a summary was built from: the roles it groups by and their columns' types. */
export interface SummarySpec {
  time: Roles['time'];
  status: Roles['status'];
  level: Roles['level'];
  duration: Roles['duration'];
  types: RoleTypes;
}

export function summarySpec(roles: Roles, types: RoleTypes): SummarySpec | null {
  if (!roles.time) return null;
  const pick: RoleTypes = {};
  for (const role of ['time', 'status', 'level', 'duration'] as const) if (types[role] !== undefined) pick[role] = types[role];
  return { time: roles.time, status: roles.status, level: roles.level, duration: roles.duration, types: pick };
}

/** A spec as stored in the catalogue; two specs are the same summary when these are equal. */
export const summarySpecKey = (spec: SummarySpec) => JSON.stringify(spec);

const specRoles = (spec: SummarySpec): Roles => ({
  time: spec.time,
  status: spec.status,
  level: spec.level,
  duration: spec.duration,
  endpoint: null,
  method: null,
  client: null,
  user: null,
  message: null,
});

/** The columns of a summary table, in order. */
export const summaryColumns = ['m', 'hist', 'status', 'level', 'lat_bucket', 'n'] as const;

/**
 * `SELECT m, hist, status, level, lat_bucket, n` over the rows of `table` that `where` keeps:
 * the statement that builds a summary, appends an import's rows to it and summarises the
 * partial minutes at the edges of a brushed range.
 */
export function summaryRowsSql(spec: SummarySpec, table: string, where: string | null): string {
  const roles = specRoles(spec);
  const time = columnSql(spec.time!);
  const status = statusSql(roles, spec.types) ?? 'NULL::INTEGER';
  const level = textSql(roles, spec.types, 'level') ?? 'NULL::VARCHAR';
  const duration = durationMsSql(roles, spec.types);
  const k = LATENCY_BUCKETS_PER_DECADE;
  const bucket = duration
    ? `CASE WHEN d IS NULL THEN NULL WHEN d <= 0 THEN ${ZERO_DURATION_BUCKET}
        ELSE least(greatest(floor(log10(d) * ${k}), ${MIN_BUCKET}), ${MAX_BUCKET}) END::SMALLINT`
    : 'NULL::SMALLINT';
  return `SELECT m, grouping(s) = 1 AS hist, s AS status, lv AS level, lb AS lat_bucket, count(*)::BIGINT AS n FROM (
  SELECT (epoch_ms(t) // ${MS_PER_MINUTE}) * ${MS_PER_MINUTE} AS m, s, lv, ${bucket} AS lb FROM (
    SELECT ${time} AS t, ${status} AS s, ${level} AS lv, ${duration ?? 'NULL::DOUBLE'} AS d FROM ${table}${where ? ` WHERE ${where}` : ''}
  )
) GROUP BY GROUPING SETS ((m, s, lv), (m, lb))`;
}

/** Charts a summary can answer, and what of the spec each needs. */
const summaryCharts = new Set<ChartId>(['events', 'errors', 'status', 'latency', 'heatmap']);

/**
 * Whether a chart's plan can be answered from a summary built with `spec`: the filter state
 * is time only (no chips, no search), every bucket is whole minutes in the chart's zone
 * (bucket size, zone offsets and the instants where they change all fall on minutes), and
 * the summary groups by the roles the chart uses now.
 */
export function summaryAnswers(plan: ChartPlan, spec: SummarySpec | null): boolean {
  if (!spec || !summaryCharts.has(plan.chart)) return false;
  if (plan.filters.length > 0 || plan.search) return false;
  const current = summarySpec(plan.source.roles, plan.source.types);
  if (!current || summarySpecKey(current) !== summarySpecKey(spec)) return false;
  if (plan.chart === 'latency' && !spec.duration) return false;
  if (plan.bucketMs !== null && plan.bucketMode !== 'localDay' && plan.bucketMs % MS_PER_MINUTE !== 0) return false;
  if (!plan.segments.every((s) => s.offsetMs % MS_PER_MINUTE === 0)) return false;
  if (!plan.segments.slice(0, -1).every((s) => s.endMs % MS_PER_MINUTE === 0)) return false;
  return true;
}

/** The zone's offset at minute `m` (see `offsetSql`, which does the same for a row's TIMESTAMP). */
function minuteOffsetSql(segments: readonly OffsetSegment[]): string {
  const last = segments[segments.length - 1];
  if (!last) return '0';
  if (segments.length === 1) return integerLiteral(last.offsetMs);
  const whens = segments
    .slice(0, -1)
    .map((s) => `WHEN m < ${integerLiteral(s.endMs)} THEN ${integerLiteral(s.offsetMs)}`)
    .join(' ');
  return `(CASE ${whens} ELSE ${integerLiteral(last.offsetMs)} END)`;
}

/**
 * The summary rows a chart reads, as `e` (minute start), `o` (zone offset) and the
 * summary's columns. A range that does not start or end on a minute takes the whole
 * minutes inside it from the summary and summarises the rows of the partial minutes at
 * its edges from the dataset (a filter on the time column alone).
 */
function summarySourceSql(plan: ChartPlan, spec: SummarySpec, summaryTable: string): string {
  const cols = 'm, hist, status, level, lat_bucket, n';
  let rows = `SELECT ${cols} FROM ${summaryTable}`;
  if (plan.restrictRange && plan.fromMs !== null && plan.toMs !== null) {
    const wholeFrom = Math.ceil(plan.fromMs / MS_PER_MINUTE) * MS_PER_MINUTE;
    const wholeTo = Math.floor(plan.toMs / MS_PER_MINUTE) * MS_PER_MINUTE;
    const time = columnSql(spec.time!);
    const edge = (from: number, to: number) => `(${time} >= ${timestampLiteral(from)} AND ${time} < ${timestampLiteral(to)})`;
    if (wholeFrom < wholeTo) {
      rows = `SELECT ${cols} FROM ${summaryTable} WHERE m >= ${integerLiteral(wholeFrom)} AND m < ${integerLiteral(wholeTo)}`;
      const edges = [plan.fromMs < wholeFrom ? edge(plan.fromMs, wholeFrom) : null, wholeTo < plan.toMs ? edge(wholeTo, plan.toMs) : null].filter((e) => e !== null);
      if (edges.length) rows += `\nUNION ALL ${summaryRowsSql(spec, datasetTableSql(plan.source.table), edges.join(' OR '))}`;
    } else {
      rows = summaryRowsSql(spec, datasetTableSql(plan.source.table), edge(plan.fromMs, plan.toMs));
    }
  }
  return `SELECT m AS e, ${minuteOffsetSql(plan.segments)} AS o, ${cols} FROM (${rows})`;
}

const datasetTableSql = (name: string) => `main.${quoteIdent(name)}`;

/** `CASE` turning a histogram bucket into the duration it stands for (its geometric centre). */
function bucketValueSql(bucket: string): string {
  const k = LATENCY_BUCKETS_PER_DECADE;
  return `CASE WHEN ${bucket} = ${ZERO_DURATION_BUCKET} THEN 0.0 ELSE pow(10, (${bucket} + 0.5) / ${k}) END`;
}

/**
 * The chart's statement over a summary: the same columns, rows and `covered` as the scan
 * in `queries.ts`; counts are exact, latency percentiles approximate (see
 * `LATENCY_MAX_RELATIVE_ERROR`).
 */
export function buildSummaryChartQuery(plan: ChartPlan, spec: SummarySpec, summaryTable: string): SqlQuery {
  const params: Params = {};
  const source = summarySourceSql(plan, spec, summaryTable);
  const key = bucketKeySql(plan);
  const counts = `WITH f AS (SELECT * FROM (${source}) WHERE NOT hist AND e IS NOT NULL)`;
  switch (plan.chart) {
    case 'events':
      if (plan.basis === 'status') {
        return {
          sql: `${counts}
SELECT ${key} AS bucket, status // 100 AS series, false AS other, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered
FROM f GROUP BY ALL ORDER BY bucket, series NULLS LAST`,
          params,
        };
      }
      if (plan.basis === 'level') {
        return {
          sql: `${counts},
g AS (SELECT ${key} AS bucket, level AS s, sum(n) AS n FROM f GROUP BY ALL),
top AS (SELECT s FROM g WHERE s IS NOT NULL GROUP BY s ORDER BY sum(n) DESC, s LIMIT ${MAX_LEVEL_SERIES})
SELECT bucket, CASE WHEN s IN (SELECT s FROM top) THEN s END AS series,
  (s IS NOT NULL AND s NOT IN (SELECT s FROM top)) AS other, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered
FROM g GROUP BY ALL ORDER BY bucket, series NULLS LAST, other`,
          params,
        };
      }
      return {
        sql: `${counts}
SELECT ${key} AS bucket, NULL::VARCHAR AS series, false AS other, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered
FROM f GROUP BY ALL ORDER BY bucket`,
        params,
      };
    case 'errors': {
      const isError = plan.basis === 'status' ? 'status >= 500' : `level IN (${errorLevelList(params)})`;
      const counted = plan.basis === 'status' ? 'status IS NOT NULL' : 'true';
      return {
        sql: `${counts}
SELECT ${key} AS bucket, coalesce(sum(n) FILTER (WHERE ${isError}), 0)::BIGINT AS errors, coalesce(sum(n) FILTER (WHERE ${counted}), 0)::BIGINT AS total,
  sum(coalesce(sum(n) FILTER (WHERE ${counted}), 0)) OVER ()::BIGINT AS covered
FROM f GROUP BY ALL ORDER BY bucket`,
        params,
      };
    }
    case 'status': {
      // Rows without a time count here as in the scan (which does not filter on time).
      const all = `WITH f AS (SELECT * FROM (${source}) WHERE NOT hist)`;
      if (plan.basis === 'status') {
        return {
          sql: `${all}
SELECT status AS value, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered FROM f WHERE status IS NOT NULL GROUP BY status ORDER BY value LIMIT 200`,
          params,
        };
      }
      return {
        sql: `${all}
SELECT level AS value, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered FROM f WHERE level IS NOT NULL GROUP BY level ORDER BY n DESC, value LIMIT 50`,
        params,
      };
    }
    case 'heatmap':
      return {
        sql: `${counts}
SELECT ((e + o) // ${MS_PER_HOUR} + 72) % 168 AS hour_of_week, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered FROM f GROUP BY ALL ORDER BY hour_of_week`,
        params,
      };
    case 'latency': {
      // The p-th percentile is the bucket holding the order statistic of rank ⌊p·(n−1)⌋ (0-based).
      const at = (p: number) => bucketValueSql(`min(b) FILTER (WHERE upto > floor(${p} * (total - 1)))`);
      return {
        sql: `WITH f AS (SELECT * FROM (${source}) WHERE hist AND lat_bucket IS NOT NULL AND e IS NOT NULL),
h AS (SELECT ${key} AS bucket, lat_bucket AS b, sum(n) AS n FROM f GROUP BY ALL),
c AS (SELECT bucket, b, sum(n) OVER (PARTITION BY bucket ORDER BY b ROWS UNBOUNDED PRECEDING) AS upto, sum(n) OVER (PARTITION BY bucket) AS total FROM h)
SELECT bucket, ${at(0.5)} AS p50, ${at(0.95)} AS p95, ${at(0.99)} AS p99, any_value(total)::BIGINT AS n, sum(any_value(total)) OVER ()::BIGINT AS covered
FROM c GROUP BY bucket ORDER BY bucket`,
        params,
      };
    }
    default:
      throw new Error(`no summary statement for chart ${plan.chart}`);
  }
}

/** Whether the summary's answer for this chart is approximate (latency percentiles are). */
export const summaryIsApproximate = (chart: ChartId) => chart === 'latency';
