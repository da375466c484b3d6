import type { SqlDialect, TimeBucket } from './index';

/**
 * The dashboard's core questions — traffic over time, error rate, latency percentiles, top
 * endpoints, status classes — written once through a dialect, so the embedded DuckDB and a
 * ClickHouse server answer them from the same text plan. Each query orders its rows fully
 * (ties broken by the key), so two engines' answers compare row by row.
 *
 * Columns come from the dataset's detected roles; a role a dataset lacks is absent and the
 * query that needs it is not built.
 */
export interface CoreSource {
  /** The table, with its schema (DuckDB `main`) or database (ClickHouse) when it is not the current one. */
  table: { schema?: string; name: string };
  time: string;
  status?: string;
  latency?: string;
  endpoint?: string;
}

/** A half-open range [from, to) of the time column; both ends in UTC. */
export interface TimeRange {
  from: Date;
  to: Date;
}

/** Statuses counted as errors: 5xx, as the dashboard's error-rate chart counts them. */
const errorStatusFrom = 500;

function tableSql(d: SqlDialect, source: CoreSource): string {
  const name = d.quoteIdent(source.table.name);
  return source.table.schema ? `${d.quoteIdent(source.table.schema)}.${name}` : name;
}

function rangeSql(d: SqlDialect, source: CoreSource, range: TimeRange | undefined): string {
  const time = d.quoteIdent(source.time);
  if (!range) return `${time} IS NOT NULL`;
  return `${time} >= ${d.literal({ type: 'timestamp', value: range.from })} AND ${time} < ${d.literal({ type: 'timestamp', value: range.to })}`;
}

function need(column: string | undefined, role: string): string {
  if (column === undefined) throw new RangeError(`this query needs the ${role} column`);
  return column;
}

/** Requests per bucket: `bucket`, `requests`. */
export function buildTrafficQuery(d: SqlDialect, source: CoreSource, o: { bucket: TimeBucket; range?: TimeRange }): string {
  const bucket = d.timeBucket(d.quoteIdent(source.time), o.bucket);
  return `SELECT ${bucket} AS bucket, count(*) AS requests
FROM ${tableSql(d, source)}
WHERE ${rangeSql(d, source, o.range)}
GROUP BY bucket
ORDER BY bucket`;
}

/** Requests, 5xx errors and their share per bucket: `bucket`, `requests`, `errors`, `error_rate`. */
export function buildErrorRateQuery(d: SqlDialect, source: CoreSource, o: { bucket: TimeBucket; range?: TimeRange }): string {
  const status = d.quoteIdent(need(source.status, 'status'));
  const bucket = d.timeBucket(d.quoteIdent(source.time), o.bucket);
  const errors = d.countIf(`${status} >= ${d.literal({ type: 'int', value: errorStatusFrom })}`);
  // A subquery rather than a CTE: 18.16 has no WITH … AS (subquery).
  return `SELECT bucket, requests, errors, errors / requests AS error_rate
FROM (
  SELECT ${bucket} AS bucket, count(*) AS requests, ${errors} AS errors
  FROM ${tableSql(d, source)}
  WHERE ${rangeSql(d, source, o.range)}
  GROUP BY bucket
) AS per_bucket
ORDER BY bucket`;
}

/** One row: `p50`, `p90`… for each fraction (named by its percent), plus `requests`. */
export function buildLatencyPercentilesQuery(
  d: SqlDialect,
  source: CoreSource,
  o: { fractions: readonly number[]; approximate: boolean; range?: TimeRange },
): string {
  const latency = d.quoteIdent(need(source.latency, 'latency'));
  const columns = o.fractions.map((f) => `${d.percentile(latency, f, { approximate: o.approximate })} AS ${d.quoteIdent(percentileName(f))}`);
  return `SELECT ${columns.join(', ')}, count(*) AS requests
FROM ${tableSql(d, source)}
WHERE ${rangeSql(d, source, o.range)} AND ${latency} IS NOT NULL`;
}

/** `p50`, `p99`, `p99.9`. */
export const percentileName = (fraction: number): string => `p${Number((fraction * 100).toFixed(6))}`;

/** The busiest endpoints: `endpoint`, `requests`, `errors`, busiest first, then by name. */
export function buildTopEndpointsQuery(d: SqlDialect, source: CoreSource, o: { limit: number; range?: TimeRange }): string {
  const endpoint = d.quoteIdent(need(source.endpoint, 'endpoint'));
  const errors = source.status
    ? d.countIf(`${d.quoteIdent(source.status)} >= ${d.literal({ type: 'int', value: errorStatusFrom })}`)
    : d.literal({ type: 'int', value: 0 });
  return `SELECT ${endpoint} AS endpoint, count(*) AS requests, ${errors} AS errors
FROM ${tableSql(d, source)}
WHERE ${rangeSql(d, source, o.range)}
GROUP BY endpoint
ORDER BY requests DESC, endpoint
LIMIT ${d.literal({ type: 'int', value: o.limit })}`;
}

/** Requests per status class (`200`, `400`, `500`…): `status_class`, `requests`. */
export function buildStatusClassesQuery(d: SqlDialect, source: CoreSource, o: { range?: TimeRange } = {}): string {
  const status = d.quoteIdent(need(source.status, 'status'));
  const hundred = d.literal({ type: 'int', value: 100 });
  return `SELECT ${d.intDiv(d.cast(status, 'int64'), hundred)} * ${hundred} AS status_class, count(*) AS requests
FROM ${tableSql(d, source)}
WHERE ${rangeSql(d, source, o.range)} AND ${status} IS NOT NULL
GROUP BY status_class
ORDER BY status_class`;
}
