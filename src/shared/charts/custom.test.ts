import { describe, expect, it } from 'vitest';
import {
  BuilderProblem,
  MAX_SQL_CHART_ROWS,
  MissingColumnError,
  aggregateSql,
  buildBuilderQuery,
  buildSqlChartQuery,
  planBuilderChart,
  sqlChartShape,
  type BuilderRequest,
  type BuilderSource,
} from './custom';
import { BuilderSpec, SqlChartSpec, aggregates, type BuilderSpecInput } from './customSpec';
import { emptyRoles } from './names';
import { MS_PER_DAY, MS_PER_HOUR } from './zone';

const source: BuilderSource = {
  table: '주문 log"s',
  roles: { ...emptyRoles, time: ['발생 시각'], status: ['상태 "코드"'] },
  types: { time: 'TIMESTAMP', status: 'VARCHAR' },
  timeMin: '2024-03-04T00:00:00.000Z',
  timeMax: '2024-03-10T23:59:59.999Z',
  endpointIndex: null,
  columns: [
    { path: ['발생 시각'], type: 'TIMESTAMP' },
    { path: ['상태 "코드"'], type: 'VARCHAR' },
    { path: ['응답 시간(ms)'], type: 'DOUBLE' },
    { path: ['bytes'], type: 'BIGINT' },
    { path: ['took'], type: 'INTERVAL' },
    { path: ['ok'], type: 'BOOLEAN' },
    { path: ['client', "o'ip"], type: 'VARCHAR' },
    { path: ['tags'], type: 'VARCHAR[]' },
  ],
};

const request = (extra: Partial<BuilderRequest> = {}): BuilderRequest => ({ zone: 'UTC', range: null, filters: [], search: null, widthPx: 1000, ...extra });

function build(spec: Omit<BuilderSpecInput, 'kind'>, extra: Partial<BuilderRequest> = {}) {
  return buildBuilderQuery(planBuilderChart(BuilderSpec.parse({ kind: 'builder', ...spec }), request(extra), source));
}

describe('the chart builder’s SQL', () => {
  it('quotes odd and Korean names: the table, columns, STRUCT fields', () => {
    const q = build({ type: 'bar', x: { kind: 'column', column: ['상태 "코드"'] }, y: ['응답 시간(ms)'], aggregate: 'avg', groupBy: ['client', "o'ip"] });
    expect(q.sql).toContain('FROM "main"."주문 log""s"');
    expect(q.sql).toContain('"상태 ""코드""" AS x');
    expect(q.sql).toContain('"응답 시간(ms)" AS y');
    expect(q.sql).toContain(`struct_extract("client", 'o''ip') AS g`);
    expect(q.labels).toEqual({ x: '"상태 ""코드"""', y: 'avg("응답 시간(ms)")', series: "client.o'ip" });
  });

  it.each([
    ['count', 'count(*)'],
    ['count_distinct', 'count(DISTINCT y)'],
    ['sum', 'sum(y)'],
    ['avg', 'avg(y)'],
    ['min', 'min(y)'],
    ['max', 'max(y)'],
    ['p50', 'quantile_cont(y, 0.5)'],
    ['p90', 'quantile_cont(y, 0.9)'],
    ['p95', 'quantile_cont(y, 0.95)'],
    ['p99', 'quantile_cont(y, 0.99)'],
  ] as const)('aggregates with %s as %s', (aggregate, sql) => {
    expect(aggregateSql(aggregate)).toBe(sql);
    const q = build({ type: 'line', x: { kind: 'time', bucket: 'auto' }, y: ['응답 시간(ms)'], aggregate });
    expect(q.sql).toContain(`${sql} AS value`);
    // Counting needs no column; every other aggregate reads the value column.
    expect(q.sql.includes('"응답 시간(ms)" AS y')).toBe(aggregate !== 'count');
    expect(q.fillZero).toBe(aggregate === 'count' || aggregate === 'count_distinct' || aggregate === 'sum');
  });

  it('covers every aggregate of the closed list', () => {
    expect(aggregates).toHaveLength(10);
  });

  it('turns the value column into a number: text parsed, intervals in ms, booleans as 0/1', () => {
    expect(build({ type: 'bar', x: { kind: 'time' }, y: ['상태 "코드"'], aggregate: 'sum' }).sql).toContain('TRY_CAST("상태 ""코드""" AS DOUBLE) AS y');
    expect(build({ type: 'bar', x: { kind: 'time' }, y: ['took'], aggregate: 'p95' }).sql).toContain('(epoch("took") * 1000) AS y');
    expect(build({ type: 'bar', x: { kind: 'time' }, y: ['ok'], aggregate: 'sum' }).sql).toContain('CAST("ok" AS INTEGER) AS y');
    // Distinct values are counted as they are.
    expect(build({ type: 'bar', x: { kind: 'time' }, y: ['tags'], aggregate: 'count_distinct' }).sql).toContain('"tags" AS y');
    expect(() => build({ type: 'bar', x: { kind: 'time' }, y: ['tags'], aggregate: 'avg' })).toThrow(BuilderProblem);
  });

  it('buckets the dataset’s time in the user’s zone, as the standard charts do', () => {
    // Asia/Seoul is a whole number of hours from UTC: hourly buckets are UTC's.
    const seoul = build({ type: 'line', x: { kind: 'time', bucket: MS_PER_HOUR } }, { zone: 'Asia/Seoul' });
    expect(seoul.sql).toContain(`(e // ${MS_PER_HOUR}) * ${MS_PER_HOUR} AS x`);
    expect(seoul.sql).toContain('epoch_ms("발생 시각") AS e');
    expect(seoul.sql).toContain('"발생 시각" IS NOT NULL');
    expect(seoul.xKind).toBe('bucket');
    // +05:30: shift into local time, truncate, shift back.
    const kolkata = build({ type: 'line', x: { kind: 'time', bucket: MS_PER_HOUR } }, { zone: 'Asia/Kolkata' });
    expect(kolkata.sql).toContain(`((e + o) // ${MS_PER_HOUR}) * ${MS_PER_HOUR} - o AS x`);
    expect(kolkata.sql).toContain('19800000 AS o');
    // Days are local days; New York changes its offset on 2024-03-10 inside the range.
    const days = build({ type: 'bar', x: { kind: 'time', bucket: MS_PER_DAY } }, { zone: 'America/New_York' });
    expect(days.sql).toContain(`(e + o) // ${MS_PER_DAY} AS x`);
    expect(days.sql).toMatch(/CASE WHEN "발생 시각" < TIMESTAMP '2024-03-10 07:00:00.000' THEN -18000000 ELSE -14400000 END/);
  });

  it('chooses the bucket from the range and width when asked to', () => {
    const plan = planBuilderChart(BuilderSpec.parse({ kind: 'builder', type: 'area', x: { kind: 'time', bucket: 'auto' } }), request({ widthPx: 1000 }), source);
    // A week over 200 buckets: an hour.
    expect(plan.bucketMs).toBe(MS_PER_HOUR);
    expect(plan.bucketMode).toBe('utc');
  });

  it('applies the dashboard’s range, filter chips and search, bound', () => {
    const q = build(
      { type: 'bar', x: { kind: 'column', column: ['bytes'] } },
      { range: { from: '2024-03-05T00:00:00.000Z', to: '2024-03-06T00:00:00.000Z' }, filters: [{ field: 'status', value: 503 }] },
    );
    expect(q.sql).toContain('"발생 시각" >= $rangeFrom::TIMESTAMP AND "발생 시각" < $rangeTo::TIMESTAMP');
    expect(q.sql).toContain('TRY_CAST("상태 ""코드""" AS INTEGER) = $f0');
    expect(q.params).toMatchObject({ rangeFrom: '2024-03-05 00:00:00.000', rangeTo: '2024-03-06 00:00:00.000', f0: 503 });
  });

  it('binds the builder’s condition values and never writes them into the SQL', () => {
    const evil = "x'); DROP TABLE t; --";
    const q = build({
      type: 'table',
      x: { kind: 'column', column: ['상태 "코드"'] },
      filters: [
        { column: ['상태 "코드"'], op: 'contains', value: evil },
        { column: ['bytes'], op: 'ge', value: '1024' },
        { column: ['client', "o'ip"], op: 'ne', value: '10.0.0.1' },
        { column: ['ok'], op: 'not_null' },
      ],
    });
    expect(q.sql).not.toContain('DROP');
    expect(q.sql).toContain('coalesce(contains(lower("상태 ""코드"""), $b0), false)');
    expect(q.sql).toContain('"bytes" >= $b1');
    expect(q.sql).toContain(`struct_extract("client", 'o''ip') <> $b2`);
    expect(q.sql).toContain('"ok" IS NOT NULL');
    expect(q.params).toMatchObject({ b0: evil.toLowerCase(), b1: 1024, b2: '10.0.0.1' });
  });

  it('refuses a condition it cannot compare', () => {
    expect(() => build({ type: 'bar', x: { kind: 'time' }, filters: [{ column: ['bytes'], op: 'gt', value: 'lots' }] })).toThrow(BuilderProblem);
    expect(() => build({ type: 'bar', x: { kind: 'time' }, filters: [{ column: ['발생 시각'], op: 'gt', value: '2024' }] })).toThrow(BuilderProblem);
    expect(() => build({ type: 'bar', x: { kind: 'time' }, filters: [{ column: ['bytes'], op: 'eq', value: null }] })).toThrow(BuilderProblem);
  });

  it('keeps the most frequent x values and the largest groups; the rest of the groups become “other”', () => {
    const q = build({ type: 'stacked-bar', x: { kind: 'column', column: ['상태 "코드"'] }, groupBy: ['client', "o'ip"], limit: 7 });
    expect(q.sql).toContain('ORDER BY n DESC, x NULLS LAST LIMIT 7');
    expect(q.sql).toContain('ORDER BY count(*) DESC, g LIMIT 10');
    expect(q.sql).toContain('(f.g IS NOT NULL AND f.g NOT IN (SELECT g FROM gs)) AS other');
    expect(q.shape).toEqual({ x: 0, ys: [3], series: 1, other: 2 });
    // Categories by frequency; a line over numbers in x order.
    expect(q.sql).toContain('ORDER BY max(xs.n) DESC');
    expect(build({ type: 'line', x: { kind: 'column', column: ['bytes'] } }).sql).toContain('ORDER BY x NULLS LAST');
  });

  it('bins a histogram at a round width', () => {
    const q = build({ type: 'histogram', x: { kind: 'column', column: ['응답 시간(ms)'] } });
    expect(q.sql).toContain('"응답 시간(ms)" AS v');
    expect(q.sql).toContain('/ 30 AS raw');
    expect(q.xKind).toBe('bins');
    expect(() => build({ type: 'histogram', x: { kind: 'time' } })).toThrow(BuilderProblem);
  });

  it('samples a scatter plot repeatably', () => {
    const q = build({ type: 'scatter', x: { kind: 'column', column: ['bytes'] }, y: ['응답 시간(ms)'], groupBy: ['상태 "코드"'] });
    expect(q.sql).toContain('USING SAMPLE reservoir(5000 ROWS) REPEATABLE (42)');
    expect(q.sql).toContain('"bytes" AS x');
    expect(build({ type: 'scatter', x: { kind: 'time' }, y: ['bytes'] }).xKind).toBe('time');
  });

  it('says what is missing', () => {
    const problem = (spec: Omit<BuilderSpecInput, 'kind'>) => {
      try {
        build(spec);
      } catch (error) {
        return error instanceof BuilderProblem ? error.reason : error instanceof MissingColumnError ? `missing ${error.column}` : String(error);
      }
      return null;
    };
    expect(problem({ type: 'heatmap', x: { kind: 'time' } })).toBe('group_required');
    expect(problem({ type: 'bar', x: { kind: 'time' }, aggregate: 'avg' })).toBe('y_required');
    expect(problem({ type: 'bar', x: { kind: 'column', column: ['gone'] } })).toBe('missing gone');
    expect(() =>
      buildBuilderQuery(
        planBuilderChart(BuilderSpec.parse({ kind: 'builder', type: 'bar', x: { kind: 'time' } }), request(), { ...source, roles: emptyRoles }),
      ),
    ).toThrow(BuilderProblem);
  });
});

describe('charts of a console query', () => {
  const spec = (extra: Partial<SqlChartSpec>) => SqlChartSpec.parse({ kind: 'sql', type: 'bar', sql: 'SELECT 1', ...extra });

  it('wraps the statement and reads its columns by quoted name, one row more than it draws', () => {
    const q = buildSqlChartQuery(spec({ sql: 'SELECT "상태", count(*) AS "요청 수" FROM t GROUP BY 1;; ', x: '상태', y: ['요청 수', 'a"b'], series: 'g' }));
    expect(q.sql).toBe(`WITH _ls_q AS (\nSELECT "상태", count(*) AS "요청 수" FROM t GROUP BY 1\n)\nSELECT "상태", "g", "요청 수", "a""b" FROM _ls_q LIMIT ${MAX_SQL_CHART_ROWS + 1}`);
    expect(q.params).toEqual({});
  });

  it('keeps a trailing comment from swallowing the wrapper', () => {
    expect(buildSqlChartQuery(spec({ sql: 'SELECT 1 AS a -- note', x: 'a', y: ['a'] })).sql).toContain('-- note\n)');
  });

  it('bins a histogram in DuckDB', () => {
    const q = buildSqlChartQuery(spec({ type: 'histogram', x: 'ms' }));
    expect(q.sql).toContain('f AS (SELECT TRY_CAST("ms" AS DOUBLE) AS v FROM _ls_q)');
    expect(sqlChartShape(spec({ type: 'histogram', x: 'ms' }), ['DOUBLE', 'DOUBLE', 'BIGINT']).xKind).toBe('bins');
  });

  it('reads the x axis’s kind from the result’s types', () => {
    expect(sqlChartShape(spec({ type: 'line', x: 't', y: ['n'] }), ['TIMESTAMP', 'BIGINT']).xKind).toBe('time');
    expect(sqlChartShape(spec({ type: 'line', x: 't', y: ['n'] }), ['DOUBLE', 'BIGINT']).xKind).toBe('number');
    expect(sqlChartShape(spec({ type: 'line', x: 't', y: ['n', 'm'], series: 's' }), ['VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT']).shape).toEqual({ x: 0, ys: [2, 3], series: 1, other: null });
  });

  it('needs an x and a value, and a heatmap its rows', () => {
    expect(() => buildSqlChartQuery(spec({ y: ['n'] }))).toThrow(BuilderProblem);
    expect(() => buildSqlChartQuery(spec({ x: 'a' }))).toThrow(BuilderProblem);
    expect(() => buildSqlChartQuery(spec({ type: 'heatmap', x: 'a', y: ['n'] }))).toThrow(BuilderProblem);
    expect(buildSqlChartQuery(spec({ type: 'table' })).sql).toContain('SELECT * FROM _ls_q LIMIT');
  });
});
