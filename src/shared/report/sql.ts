import type { SqlQuery } from '../sql/quote';
import { quoteIdent } from '../sql/quote';
import {
  columnSql,
  durationMsSql,
  errorLevelList,
  filteredRowsSql,
  integerLiteral,
  statusSql,
  textSql,
  type ChartPlan,
  type Params,
} from '../charts/sql';

/**
 * The report's own statements, over the same filtered rows as the dashboard's charts (the
 * plan carries the range, filters and search): key figures of one period, and the
 * message templates of error rows. Aggregation happens in DuckDB.
 */

/** An error row: status 500 and above, or an error level when there is no status (as the error-rate chart counts). */
export function errorConditionSql(plan: ChartPlan, params: Params): string | null {
  const { roles, types } = plan.source;
  const status = statusSql(roles, types);
  if (status) return `${status} >= 500`;
  const level = textSql(roles, types, 'level');
  return level ? `${level} IN (${errorLevelList(params)})` : null;
}

const timePresent = (plan: ChartPlan) => (plan.source.roles.time ? [`${columnSql(plan.source.roles.time)} IS NOT NULL`] : []);

/**
 * One row: `events, errors, error_base, p50, p95, p99, clients`. Errors and their base
 * follow the error-rate chart (status: 5xx of rows with a status; level: error levels of
 * all rows); a figure whose role the dataset lacks is NULL.
 */
export function buildKeyFiguresQuery(plan: ChartPlan): SqlQuery {
  const params: Params = {};
  const { roles, types } = plan.source;
  const select = ['1 AS one'];
  const status = statusSql(roles, types);
  const level = status ? null : textSql(roles, types, 'level');
  if (status) select.push(`${status} AS s`);
  else if (level) select.push(`${level} AS s`);
  const duration = durationMsSql(roles, types);
  if (duration) select.push(`${duration} AS d`);
  const client = textSql(roles, types, 'client');
  if (client) select.push(`${client} AS c`);
  const rows = filteredRowsSql(plan, select, params, timePresent(plan));
  const errors = status ? 'count(*) FILTER (WHERE s >= 500)' : level ? `count(*) FILTER (WHERE s IN (${errorLevelList(params)}))` : 'NULL::BIGINT';
  const base = status ? 'count(s)' : level ? 'count(*)' : 'NULL::BIGINT';
  const quantiles = duration ? 'quantile_cont(d, [0.5, 0.95, 0.99])' : 'NULL::DOUBLE[]';
  return {
    sql: `WITH f AS (${rows}),
a AS (SELECT count(*) AS events, ${errors} AS errors, ${base} AS error_base, ${quantiles} AS q, ${client ? 'count(DISTINCT c)' : 'NULL::BIGINT'} AS clients FROM f)
SELECT events, errors, error_base, q[1] AS p50, q[2] AS p95, q[3] AS p99, clients FROM a`,
    params,
  };
}

/** Templates of error rows, most frequent first: `pattern_id, template, count`. */
export function buildErrorPatternsQuery(plan: ChartPlan, datasetId: number, limit: number): SqlQuery | null {
  const params: Params = { datasetId };
  const error = errorConditionSql(plan, params);
  if (!error) return null;
  const pattern = quoteIdent('_ls_pattern');
  const rows = filteredRowsSql(plan, [`${pattern} AS p`], params, [...timePresent(plan), error, `${pattern} IS NOT NULL`]);
  return {
    sql: `WITH f AS (${rows})
SELECT f.p AS pattern_id, any_value(t.template) AS template, count(*) AS n
FROM f JOIN logscope.pattern_templates t ON t.dataset_id = $datasetId AND t.pattern_id = f.p
GROUP BY f.p ORDER BY n DESC, f.p LIMIT ${integerLiteral(limit)}`,
    params,
  };
}

/** Error rows of the given templates in (another) period: `pattern_id, count`. */
export function buildPatternCountsQuery(plan: ChartPlan, patternIds: readonly number[]): SqlQuery | null {
  const params: Params = {};
  const error = errorConditionSql(plan, params);
  if (!error || patternIds.length === 0) return null;
  const pattern = quoteIdent('_ls_pattern');
  const ids = patternIds.map(integerLiteral).join(', ');
  const rows = filteredRowsSql(plan, [`${pattern} AS p`], params, [...timePresent(plan), error, `${pattern} IN (${ids})`]);
  return { sql: `WITH f AS (${rows}) SELECT p, count(*) AS n FROM f GROUP BY p`, params };
}
