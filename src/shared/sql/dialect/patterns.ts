import { clickhouseDialect as d } from './clickhouse';
import { integerSql } from './numbers';
import { patternColumn, previousRange, type TimeWindow } from '../../patterns/sql';

/**
 * The pattern list of a ClickHouse dataset, counted on the server: rows carry their
 * template id in `_ls_pattern` (pushed with them); the templates' text and example come
 * from Logscope's local template table (the miner's). Times there are whole seconds
 * (`DateTime('UTC')`), so a bound in ms becomes the first whole second at or after it.
 */

const pattern = d.quoteIdent(patternColumn);
const epochMs = (time: string) => `(toInt64(toUInt32(${time})) * 1000)`;
const atOrAfter = (iso: string) => `toDateTime(${integerSql(Math.ceil(Date.parse(iso) / 1000))}, 'UTC')`;

/** Per template id: its rows (`n`: in `range`, or all of them) and, with a range, those in the range just before (`previous`). */
export function buildClickHousePatternCountsQuery(table: string, timeColumn: string | null, range: TimeWindow | null): string {
  if (range === null || timeColumn === null) {
    return `SELECT ${pattern} AS id, count() AS n, toUInt64(0) AS previous FROM ${d.quoteIdent(table)} WHERE isNotNull(${pattern}) GROUP BY id`;
  }
  const time = d.quoteIdent(timeColumn);
  const before = previousRange(range);
  return `SELECT ${pattern} AS id, countIf(${time} >= ${atOrAfter(range.from)}) AS n, countIf(${time} < ${atOrAfter(range.from)}) AS previous
FROM ${d.quoteIdent(table)} WHERE isNotNull(${pattern}) AND ${time} >= ${atOrAfter(before.from)} AND ${time} < ${atOrAfter(range.to)} GROUP BY id`;
}

/** Per template id its first and last row's time, in epoch seconds, over the whole dataset. */
export function buildClickHousePatternSeenQuery(table: string, timeColumn: string): string {
  const time = d.quoteIdent(timeColumn);
  return `SELECT ${pattern} AS id, toUInt32(min(${time})), toUInt32(max(${time})) FROM ${d.quoteIdent(table)} WHERE isNotNull(${pattern}) GROUP BY id`;
}

/** Rows (any pattern or none) in the range just before `range`: none there, nothing is "new". */
export function buildClickHouseRowsBeforeQuery(table: string, timeColumn: string, range: TimeWindow): string {
  const time = d.quoteIdent(timeColumn);
  const before = previousRange(range);
  return `SELECT count() FROM ${d.quoteIdent(table)} WHERE ${time} >= ${atOrAfter(before.from)} AND ${time} < ${atOrAfter(before.to)}`;
}

/** Rows per sparkline bucket of each listed template across the range, as DuckDB's `buildSparklineQuery`. */
export function buildClickHouseSparklineQuery(table: string, timeColumn: string, range: TimeWindow, bucketMs: number, patternIds: readonly number[]): string {
  const time = d.quoteIdent(timeColumn);
  const ids = patternIds.map((id) => integerSql(id)).join(', ');
  const bucket = `toInt64(floor((${epochMs(time)} - ${integerSql(Date.parse(range.from))}) / ${integerSql(bucketMs)}))`;
  return `SELECT ${pattern}, ${bucket} AS bucket, count() FROM ${d.quoteIdent(table)}
WHERE ${pattern} IN (${ids}) AND ${time} >= ${atOrAfter(range.from)} AND ${time} < ${atOrAfter(range.to)} GROUP BY ${pattern}, bucket`;
}
