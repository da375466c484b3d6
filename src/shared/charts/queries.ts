import type { SqlQuery } from '../sql/quote';
import {
  bucketInputsSql,
  bucketKeySql,
  durationMsSql,
  errorLevelList,
  endpointSql,
  endpointIndexRowsSql,
  filteredRowsSql,
  hourOfWeekSql,
  columnSql,
  statusSql,
  textSql,
  MissingRoleError,
  type ChartPlan,
  type Params,
} from './sql';
import type { ChartId } from './spec';
import { buildPatternsChartQuery, patternsChartColumns } from './patternsChart';

/**
 * One SQL statement per chart, aggregating in DuckDB so the renderer gets at most a few
 * thousand points. Every statement ends with a `covered` column: how many rows the chart
 * was computed from (the same on every row; the service takes it off).
 */

/** Endpoints listed in the top-N charts. */
export const TOP_ENDPOINTS = 20;
/** The slowest-endpoints chart only ranks endpoints with at least this many timed requests. */
export const SLOW_ENDPOINT_MIN_REQUESTS = 10;
/** Events stacked by level show the most frequent levels, the rest as "other". */
export const MAX_LEVEL_SERIES = 8;
/** Linear latency histogram: bins up to the 99th percentile, one more for everything above. */
export const LINEAR_BINS = 40;
/** Logarithmic latency histogram: bins per factor of ten. */
export const LOG_BINS_PER_DECADE = 10;

/** The columns each chart's rows have, in order (without `covered`). */
export const chartColumns: Record<ChartId, readonly string[]> = {
  events: ['bucket', 'series', 'other', 'count'],
  latency: ['bucket', 'p50_ms', 'p95_ms', 'p99_ms', 'count'],
  errors: ['bucket', 'errors', 'total'],
  status: ['value', 'count'],
  'top-endpoints': ['endpoint', 'count', 'p95_ms'],
  'slow-endpoints': ['endpoint', 'p95_ms', 'count'],
  heatmap: ['hour_of_week', 'count'],
  histogram: ['bin', 'count', 'width_ms', 'whole_ms'],
  patterns: patternsChartColumns,
};

function need<T>(value: T | null, role: ConstructorParameters<typeof MissingRoleError>[0]): T {
  if (value === null) throw new MissingRoleError(role);
  return value;
}

/** Rows with a time, each with its epoch ms `e` (and zone offset `o`) for `bucketKeySql`. */
function timeRows(plan: ChartPlan, select: string[], params: Params): string {
  const time = columnSql(need(plan.source.roles.time, 'time'));
  return filteredRowsSql(plan, [...bucketInputsSql(plan), ...select], params, [`${time} IS NOT NULL`]);
}

export function buildEventsQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const { roles, types } = plan.source;
  const key = bucketKeySql(plan);
  if (plan.basis === 'status') {
    const rows = timeRows(plan, [`${need(statusSql(roles, types), 'status')} AS s`], params);
    return {
      sql: `WITH f AS (${rows})
SELECT ${key} AS bucket, s // 100 AS series, false AS other, count(*) AS n, sum(count(*)) OVER () AS covered
FROM f GROUP BY ALL ORDER BY bucket, series NULLS LAST`,
      params,
    };
  }
  if (plan.basis === 'level') {
    const rows = timeRows(plan, [`${need(textSql(roles, types, 'level'), 'level')} AS s`], params);
    // Grouped first, so the top levels are picked from the small grouped table.
    return {
      sql: `WITH f AS (${rows}),
g AS (SELECT ${key} AS bucket, s, count(*) AS n FROM f GROUP BY ALL),
top AS (SELECT s FROM g WHERE s IS NOT NULL GROUP BY s ORDER BY sum(n) DESC, s LIMIT ${MAX_LEVEL_SERIES})
SELECT bucket, CASE WHEN s IN (SELECT s FROM top) THEN s END AS series,
  (s IS NOT NULL AND s NOT IN (SELECT s FROM top)) AS other, sum(n)::BIGINT AS n, sum(sum(n)) OVER ()::BIGINT AS covered
FROM g GROUP BY ALL ORDER BY bucket, series NULLS LAST, other`,
      params,
    };
  }
  const rows = timeRows(plan, [], params);
  return {
    sql: `WITH f AS (${rows})
SELECT ${key} AS bucket, NULL::VARCHAR AS series, false AS other, count(*) AS n, sum(count(*)) OVER () AS covered
FROM f GROUP BY ALL ORDER BY bucket`,
    params,
  };
}

export function buildLatencyQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const duration = need(durationMsSql(plan.source.roles, plan.source.types), 'duration');
  const rows = timeRows(plan, [`${duration} AS d`], params);
  return {
    sql: `WITH f AS (${rows})
SELECT bucket, q[1] AS p50, q[2] AS p95, q[3] AS p99, n, sum(n) OVER () AS covered FROM (
  SELECT ${bucketKeySql(plan)} AS bucket, quantile_cont(d, [0.5, 0.95, 0.99]) AS q, count(*) AS n
  FROM f WHERE d IS NOT NULL GROUP BY ALL
) ORDER BY bucket`,
    params,
  };
}

export function buildErrorsQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const { roles, types } = plan.source;
  if (plan.basis === 'status') {
    const rows = timeRows(plan, [`${statusSql(roles, types)} AS s`], params);
    return {
      sql: `WITH f AS (${rows})
SELECT ${bucketKeySql(plan)} AS bucket, count(*) FILTER (WHERE s >= 500) AS errors, count(s) AS total, sum(count(s)) OVER () AS covered
FROM f GROUP BY ALL ORDER BY bucket`,
      params,
    };
  }
  const level = need(textSql(roles, types, 'level'), 'status');
  const rows = timeRows(plan, [`${level} AS s`], params);
  return {
    sql: `WITH f AS (${rows})
SELECT ${bucketKeySql(plan)} AS bucket, count(*) FILTER (WHERE s IN (${errorLevelList(params)})) AS errors, count(*) AS total,
  sum(count(*)) OVER () AS covered
FROM f GROUP BY ALL ORDER BY bucket`,
    params,
  };
}

export function buildStatusQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const { roles, types } = plan.source;
  if (plan.basis === 'status') {
    const rows = filteredRowsSql(plan, [`${statusSql(roles, types)} AS v`], params);
    return {
      sql: `WITH f AS (${rows})
SELECT v AS value, count(*) AS n, sum(count(*)) OVER () AS covered FROM f WHERE v IS NOT NULL GROUP BY v ORDER BY v LIMIT 200`,
      params,
    };
  }
  const rows = filteredRowsSql(plan, [`${need(textSql(roles, types, 'level'), 'status')} AS v`], params);
  return {
    sql: `WITH f AS (${rows})
SELECT v AS value, count(*) AS n, sum(count(*)) OVER () AS covered FROM f WHERE v IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT 50`,
    params,
  };
}

function endpointRows(plan: ChartPlan, params: Params, withDuration: boolean): string {
  const { roles, types } = plan.source;
  if (withDuration) need(durationMsSql(roles, types), 'duration');
  const fromIndex = endpointIndexRowsSql(plan, withDuration, params);
  if (fromIndex) return fromIndex;
  const select = [`${need(endpointSql(plan.source), 'endpoint')} AS ep`];
  if (withDuration) select.push(`${need(durationMsSql(roles, types), 'duration')} AS d`);
  return filteredRowsSql(plan, select, params);
}

export function buildTopEndpointsQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const withDuration = plan.source.roles.duration !== null;
  const rows = endpointRows(plan, params, withDuration);
  return {
    sql: `WITH f AS (${rows})
SELECT ep AS endpoint, count(*) AS n, ${withDuration ? 'quantile_cont(d, 0.95)' : 'NULL::DOUBLE'} AS p95, sum(count(*)) OVER () AS covered
FROM f WHERE ep IS NOT NULL GROUP BY ep ORDER BY n DESC, ep LIMIT ${TOP_ENDPOINTS}`,
    params,
  };
}

export function buildSlowEndpointsQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const rows = endpointRows(plan, params, true);
  return {
    sql: `WITH f AS (${rows})
SELECT endpoint, p95, n, covered FROM (
  SELECT ep AS endpoint, quantile_cont(d, 0.95) AS p95, count(d) AS n, sum(count(d)) OVER () AS covered FROM f WHERE ep IS NOT NULL GROUP BY ep
) WHERE n >= ${SLOW_ENDPOINT_MIN_REQUESTS} ORDER BY p95 DESC, endpoint LIMIT ${TOP_ENDPOINTS}`,
    params,
  };
}

export function buildHeatmapQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const time = columnSql(need(plan.source.roles.time, 'time'));
  const rows = filteredRowsSql(plan, [`${hourOfWeekSql(time, plan.segments)} AS how`], params, [`${time} IS NOT NULL`]);
  return {
    sql: `WITH f AS (${rows})
SELECT how AS hour_of_week, count(*) AS n, sum(count(*)) OVER () AS covered FROM f GROUP BY how ORDER BY how`,
    params,
  };
}

export function buildHistogramQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const duration = need(durationMsSql(plan.source.roles, plan.source.types), 'duration');
  const rows = filteredRowsSql(plan, [`${duration} AS d`], params);
  if (plan.options.logScale) {
    // Bin i holds [10^(i/10), 10^((i+1)/10)) ms; zero and negative durations share bin NULL.
    // `whole_ms`: every duration is a whole number of ms, so bins holding no whole number
    // are left out instead of drawn as gaps.
    return {
      sql: `WITH f AS (${rows})
SELECT CASE WHEN d > 0 THEN least(greatest(floor(log10(d) * ${LOG_BINS_PER_DECADE}), -60), 120)::INTEGER END AS bin,
  count(*) AS n, NULL::DOUBLE AS width, bool_and(bool_and(d = round(d))) OVER () AS whole_ms, sum(count(*)) OVER () AS covered
FROM f WHERE d IS NOT NULL GROUP BY ALL ORDER BY bin NULLS FIRST`,
      params,
    };
  }
  // Equal bins of a round width (1, 2 or 5 times a power of ten) up to the 99th percentile.
  return {
    sql: `WITH f AS (${rows}),
s AS (SELECT quantile_cont(d, 0.99) / ${LINEAR_BINS} AS raw FROM f WHERE d > 0),
w AS (SELECT CASE WHEN raw IS NULL OR raw <= 0 THEN 1.0 ELSE
  pow(10, floor(log10(raw))) * CASE WHEN raw / pow(10, floor(log10(raw))) <= 1 THEN 1 WHEN raw / pow(10, floor(log10(raw))) <= 2 THEN 2
    WHEN raw / pow(10, floor(log10(raw))) <= 5 THEN 5 ELSE 10 END END AS width FROM s)
SELECT least(greatest(floor(d / width), 0), ${LINEAR_BINS})::INTEGER AS bin, count(*) AS n, any_value(width) AS width,
  false AS whole_ms, sum(count(*)) OVER () AS covered
FROM f, w WHERE d IS NOT NULL GROUP BY ALL ORDER BY bin`,
    params,
  };
}

export const queryBuilders: Record<ChartId, (plan: ChartPlan) => SqlQuery> = {
  events: buildEventsQuery,
  latency: buildLatencyQuery,
  errors: buildErrorsQuery,
  status: buildStatusQuery,
  'top-endpoints': buildTopEndpointsQuery,
  'slow-endpoints': buildSlowEndpointsQuery,
  heatmap: buildHeatmapQuery,
  histogram: buildHistogramQuery,
  patterns: buildPatternsChartQuery,
};
