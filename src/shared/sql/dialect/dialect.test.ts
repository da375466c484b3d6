import { describe, expect, it } from 'vitest';
import { clickhouseDialect as ch, dialectFor, duckdbDialect as duck } from './index';
import {
  buildErrorRateQuery,
  buildLatencyPercentilesQuery,
  buildStatusClassesQuery,
  buildTopEndpointsQuery,
  buildTrafficQuery,
  percentileName,
  type CoreSource,
} from './coreQueries';

describe('identifier quoting', () => {
  it('When a name holds the quote character, Then DuckDB doubles it and ClickHouse escapes it', () => {
    expect(duck.quoteIdent('url"x')).toBe('"url""x"');
    expect(ch.quoteIdent('url`x')).toBe('`url\\`x`');
    expect(ch.quoteIdent('a\\`; DROP')).toBe('`a\\\\\\`; DROP`');
  });
});

describe('typed literals', () => {
  it('When a string holds quotes and backslashes, Then each dialect escapes what its parser reads', () => {
    expect(duck.literal({ type: 'string', value: "it's \\" })).toBe("'it''s \\'");
    // In ClickHouse a lone trailing backslash would escape the closing quote.
    expect(ch.literal({ type: 'string', value: "it's \\" })).toBe("'it\\'s \\\\'");
  });

  it('When a timestamp is written, Then it is the UTC instant in each engine’s own type', () => {
    const at = new Date('2024-03-01T09:15:02.153Z');
    expect(duck.literal({ type: 'timestamp', value: at })).toBe("TIMESTAMP '2024-03-01 09:15:02.153'");
    expect(ch.literal({ type: 'timestamp', value: at })).toBe("toDateTime('2024-03-01 09:15:02', 'UTC')");
  });

  it('When a number is not what its type says, Then no SQL is written', () => {
    expect(() => duck.literal({ type: 'int', value: 1.5 })).toThrow(RangeError);
    expect(() => ch.literal({ type: 'float', value: Number.NaN })).toThrow(RangeError);
    expect(ch.literal({ type: 'int', value: 12345678901234567890n })).toBe('12345678901234567890');
    expect(ch.literal({ type: 'bool', value: true })).toBe('1');
    expect(duck.literal({ type: 'bool', value: false })).toBe('false');
  });
});

describe('time buckets', () => {
  it.each([
    ['minute', 'toStartOfMinute(t)', "date_trunc('minute', t)"],
    ['hour', 'toStartOfHour(t)', "date_trunc('hour', t)"],
    ['day', 'toStartOfDay(t)', "date_trunc('day', t)"],
  ] as const)('When the bucket is one %s, Then ClickHouse uses its function, not toStartOfInterval', (unit, clickhouse, duckdb) => {
    expect(ch.timeBucket('t', { unit })).toBe(clickhouse);
    expect(duck.timeBucket('t', { unit })).toBe(duckdb);
  });

  it('When the bucket is N minutes, Then both align it to the epoch with integer arithmetic', () => {
    expect(ch.timeBucket('t', { unit: 'minute', count: 5 })).toBe("toDateTime(intDiv(toUInt32(t), 300) * 300, 'UTC')");
    expect(duck.timeBucket('t', { unit: 'minute', count: 5 })).toBe('make_timestamp((epoch_us(t) // 300000000) * 300000000)');
    expect(() => ch.timeBucket('t', { unit: 'hour', count: 0 })).toThrow(RangeError);
  });
});

describe('percentiles, regex, contains, division, casts', () => {
  it('When exact percentiles are asked, Then ClickHouse interpolates over the sorted group like quantile_cont', () => {
    expect(duck.percentile('x', 0.95, { approximate: false })).toBe('quantile_cont(x, 0.95)');
    expect(duck.percentile('x', 0.95, { approximate: true })).toBe('approx_quantile(x, 0.95)');
    expect(ch.percentile('x', 0.95, { approximate: true })).toBe('quantile(0.95)(x)');
    const exact = ch.percentile('x', 0.95, { approximate: false });
    expect(exact).toContain('arraySort(groupArray(toFloat64(x)))');
    expect(exact).not.toMatch(/quantile\(/);
    expect(() => ch.percentile('x', 1.5, { approximate: false })).toThrow(RangeError);
  });

  it('When text is matched, Then each engine gets its own function and no ILIKE reaches ClickHouse', () => {
    expect(duck.regexMatch('m', "'a+'")).toBe("regexp_matches(m, 'a+')");
    expect(ch.regexMatch('m', "'a+'")).toBe("match(m, 'a+')");
    expect(ch.containsIgnoreCase('m', "'Err'")).toBe("(positionCaseInsensitiveUTF8(m, 'Err') > 0)");
    expect(duck.containsIgnoreCase('m', "'Err'")).toBe("contains(lower(m), lower('Err'))");
  });

  it('When integers are divided, Then ClickHouse never sees `//` (a comment there)', () => {
    expect(duck.intDiv('status', '100')).toBe('(status // 100)');
    expect(ch.intDiv('status', '100')).toBe('intDiv(status, 100)');
  });

  it('When a value is cast, Then ClickHouse gets a function and no `::`', () => {
    expect(duck.cast('x', 'int64')).toBe('CAST(x AS BIGINT)');
    expect(ch.cast('x', 'int64')).toBe('toInt64(x)');
    expect(ch.cast('x', 'timestamp')).toBe("toDateTime(x, 'UTC')");
    expect(ch.countIf('ok')).toBe('countIf(ok)');
    expect(duck.countIf('ok')).toBe('count_if(ok)');
  });

  it('When a dialect is asked for by name, Then it is that one', () => {
    expect(dialectFor('clickhouse').label).toBe('ClickHouse SQL');
    expect(dialectFor('duckdb').label).toBe('DuckDB SQL');
  });
});

describe('core dashboard queries', () => {
  const source: CoreSource = { table: { name: 'logs' }, time: 'time', status: 'status', latency: 'latency_ms', endpoint: 'path' };
  const range = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') };
  const all = (d: typeof ch) => [
    buildTrafficQuery(d, source, { bucket: { unit: 'minute', count: 5 }, range }),
    buildErrorRateQuery(d, source, { bucket: { unit: 'hour' } }),
    buildLatencyPercentilesQuery(d, source, { fractions: [0.5, 0.95, 0.99], approximate: false }),
    buildTopEndpointsQuery(d, source, { limit: 10 }),
    buildStatusClassesQuery(d, source),
  ];

  it('When built for ClickHouse, Then no query holds a construct 18.16 cannot run', () => {
    for (const sql of all(ch)) {
      expect(sql).not.toContain('//');
      expect(sql).not.toContain('::');
      expect(sql).not.toMatch(/\b(ILIKE|FILTER|QUALIFY|OVER|toStartOfInterval|date_trunc|quantile_cont|DateTime64)\b/i);
      expect(sql).not.toMatch(/^\s*WITH\b/i);
      expect(sql).not.toContain('$');
      expect(sql).not.toContain('"');
    }
  });

  it('When a range is given, Then it is written as typed literals of the dialect', () => {
    const sql = buildTrafficQuery(ch, source, { bucket: { unit: 'minute' }, range });
    expect(sql).toContain("`time` >= toDateTime('2024-03-01 00:00:00', 'UTC') AND `time` < toDateTime('2024-03-02 00:00:00', 'UTC')");
    expect(buildTrafficQuery(duck, source, { bucket: { unit: 'minute' }, range })).toContain(`"time" >= TIMESTAMP '2024-03-01 00:00:00.000'`);
  });

  it('When a role is missing, Then the query that needs it is not built', () => {
    expect(() => buildStatusClassesQuery(ch, { table: { name: 'logs' }, time: 't' })).toThrow(/status/);
    expect(buildTopEndpointsQuery(ch, { table: { name: 'logs' }, time: 't', endpoint: 'p' }, { limit: 3 })).toContain('0 AS errors');
  });

  it('When percentiles are named, Then the names follow the percent', () => {
    expect([0.5, 0.95, 0.999].map(percentileName)).toEqual(['p50', 'p95', 'p99.9']);
  });
});
