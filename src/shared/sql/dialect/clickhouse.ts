import type { SqlDialect } from './index';
import { bucketSeconds, floatSql, fractionSql, integerSql } from './numbers';

/**
 * ClickHouse string literals take backslash escapes, so a backslash is doubled as well
 * as the quote; without that a value ending in `\` would swallow the closing quote.
 */
const quoteString = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** `2024-03-01 09:15:02`: DateTime in 18.16 holds whole seconds (DateTime64 came in 20.1). */
const utcSeconds = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/**
 * ClickHouse, written to the subset that 18.16 (Debian 12's package) and current servers
 * (24.8+) both run: no `::`, `ILIKE`, `FILTER`, CTEs, window functions, query parameters or
 * `toStartOfInterval`; integer division is `intDiv`, never `//` (a comment there).
 */
export const clickhouseDialect: SqlDialect = {
  name: 'clickhouse',
  label: 'ClickHouse SQL',
  quoteIdent: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
  literal(value) {
    switch (value.type) {
      case 'string':
        return quoteString(value.value);
      case 'int':
        return integerSql(value.value);
      case 'float':
        return floatSql(value.value);
      case 'bool':
        return value.value ? '1' : '0';
      case 'timestamp':
        return `toDateTime(${quoteString(utcSeconds(value.value))}, 'UTC')`;
      case 'null':
        return 'NULL';
    }
  },
  timeBucket(time, bucket) {
    if ((bucket.count ?? 1) === 1) {
      const fn = { minute: 'toStartOfMinute', hour: 'toStartOfHour', day: 'toStartOfDay' }[bucket.unit];
      return `${fn}(${time})`;
    }
    const seconds = integerSql(bucketSeconds(bucket));
    return `toDateTime(intDiv(toUInt32(${time}), ${seconds}) * ${seconds}, 'UTC')`;
  },
  percentile(value, fraction, { approximate }) {
    const q = fractionSql(fraction);
    // `quantile` samples 8,192 values per group; above that it is approximate.
    if (approximate) return `quantile(${q})(${value})`;
    // quantileExact picks an element without interpolating, and 18.16 has no
    // quantileExactInclusive: sort the group once and interpolate between neighbours,
    // which is what DuckDB's quantile_cont does, so both engines give one answer.
    const position = `(${q} * (length(s) - 1))`;
    const low = `toUInt64(floor(${position}))`;
    return (
      `arrayElement(arrayMap(s -> if(length(s) = 0, nan, ` +
      `s[${low} + 1] + (${position} - floor(${position})) * (s[${low} + 2] - s[${low} + 1])), ` +
      `[arraySort(groupArray(toFloat64(${value})))]), 1)`
    );
  },
  regexMatch: (text, pattern) => `match(${text}, ${pattern})`,
  containsIgnoreCase: (text, needle) => `(positionCaseInsensitiveUTF8(${text}, ${needle}) > 0)`,
  intDiv: (dividend, divisor) => `intDiv(${dividend}, ${divisor})`,
  cast(value, type) {
    switch (type) {
      case 'string':
        return `toString(${value})`;
      case 'int64':
        return `toInt64(${value})`;
      case 'float64':
        return `toFloat64(${value})`;
      case 'timestamp':
        return `toDateTime(${value}, 'UTC')`;
    }
  },
  countIf: (condition) => `countIf(${condition})`,
};
