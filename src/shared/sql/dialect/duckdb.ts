import type { SqlDialect } from './index';
import { bucketSeconds, floatSql, fractionSql, integerSql } from './numbers';
import { quoteIdent, quoteLiteral } from '../quote';

/** `2024-03-01 09:15:02.153`: the UTC wall time DuckDB reads as a TIMESTAMP. */
const utcText = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

/**
 * DuckDB, as the rest of Logscope has always written it: `"ident"`, standard string
 * literals (no backslash escapes), TIMESTAMP values in UTC.
 */
export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  label: 'DuckDB SQL',
  quoteIdent,
  literal(value) {
    switch (value.type) {
      case 'string':
        return quoteLiteral(value.value);
      case 'int':
        return integerSql(value.value);
      case 'float':
        return floatSql(value.value);
      case 'bool':
        return value.value ? 'true' : 'false';
      case 'timestamp':
        return `TIMESTAMP ${quoteLiteral(utcText(value.value))}`;
      case 'null':
        return 'NULL';
    }
  },
  timeBucket(time, bucket) {
    if ((bucket.count ?? 1) === 1) return `date_trunc(${quoteLiteral(bucket.unit)}, ${time})`;
    // Aligned to the epoch like ClickHouse's, not to time_bucket's 2000-01-03 origin.
    const micros = integerSql(bucketSeconds(bucket) * 1_000_000);
    return `make_timestamp((epoch_us(${time}) // ${micros}) * ${micros})`;
  },
  percentile(value, fraction, { approximate }) {
    return approximate ? `approx_quantile(${value}, ${fractionSql(fraction)})` : `quantile_cont(${value}, ${fractionSql(fraction)})`;
  },
  regexMatch: (text, pattern) => `regexp_matches(${text}, ${pattern})`,
  containsIgnoreCase: (text, needle) => `contains(lower(${text}), lower(${needle}))`,
  intDiv: (dividend, divisor) => `(${dividend} // ${divisor})`,
  cast(value, type) {
    const name = { string: 'VARCHAR', int64: 'BIGINT', float64: 'DOUBLE', timestamp: 'TIMESTAMP' }[type];
    return `CAST(${value} AS ${name})`;
  },
  countIf: (condition) => `count_if(${condition})`,
};
