/**
 * The SQL that Logscope writes, for each engine it runs on. Features build their queries
 * from these pieces instead of editing strings, so a ClickHouse query never carries a
 * DuckDB idiom (`//` starts a comment in ClickHouse; `::`, `ILIKE` and `date_trunc` do not
 * exist in 18.16). Pure functions: no engine is needed to test them.
 *
 * Values reach the SQL as typed literals, not bound parameters: ClickHouse 18.16 has no
 * query parameters, and one path for both engines keeps their answers comparable. Every
 * literal goes through the dialect's escaping; identifiers through its quoting.
 */
import { duckdbDialect } from './duckdb';
import { clickhouseDialect } from './clickhouse';

export type DialectName = 'duckdb' | 'clickhouse';

/** Bucket sizes the dialects agree on. `count` > 1 gives N-minute (N-hour, N-day) buckets aligned to the Unix epoch. */
export type TimeUnit = 'minute' | 'hour' | 'day';
export interface TimeBucket {
  unit: TimeUnit;
  count?: number;
}

/** Types a value can be cast to, by meaning rather than engine spelling. */
export type CastType = 'string' | 'int64' | 'float64' | 'timestamp';

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'int'; value: number | bigint }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'timestamp'; value: Date }
  | { type: 'null' };

export interface SqlDialect {
  readonly name: DialectName;
  /** What the console shows as the language it runs. */
  readonly label: string;
  quoteIdent(name: string): string;
  literal(value: Literal): string;
  /** The start of the bucket holding `time` (a UTC timestamp), as a timestamp. */
  timeBucket(time: string, bucket: TimeBucket): string;
  /** The `fraction` quantile of `value`, linearly interpolated when `approximate` is false. */
  percentile(value: string, fraction: number, options: { approximate: boolean }): string;
  /** True when the RE2 `pattern` (a literal) matches anywhere in `text`. */
  regexMatch(text: string, pattern: string): string;
  /** True when `needle` (plain text, not a pattern) occurs in `text`, ignoring case. */
  containsIgnoreCase(text: string, needle: string): string;
  /** Integer division rounding toward zero for non-negative operands. */
  intDiv(dividend: string, divisor: string): string;
  cast(value: string, type: CastType): string;
  /** The number of rows for which `condition` holds. */
  countIf(condition: string): string;
}

export function dialectFor(name: DialectName): SqlDialect {
  return name === 'clickhouse' ? clickhouseDialect : duckdbDialect;
}

export { duckdbDialect, clickhouseDialect };
