import { describe, expect, it } from 'vitest';
import { foldEndpoint } from './fold';
import { columnSql, offsetSql, planChart, whereSql, type ChartSource, type Params } from './sql';
import { queryBuilders } from './queries';
import { offsetSegments, MS_PER_HOUR } from './zone';
import type { ChartId, FieldFilter, Search } from './spec';
import { chartIds, emptyRoles } from './names';

const oddSource: ChartSource = {
  table: '주문 log"s',
  roles: {
    ...emptyRoles,
    time: ['order'],
    duration: { column: ['a"b'], unit: 's' },
    status: ['상태 코드'],
    level: ['lvl'],
    endpoint: ['req', 'path it'],
    method: ['method'],
    client: ['client', "o'ip"],
    user: ['사용자'],
    message: ['메시지 본문'],
  },
  types: { time: 'TIMESTAMP', duration: 'DOUBLE', status: 'VARCHAR', level: 'VARCHAR', endpoint: 'VARCHAR', message: 'VARCHAR', user: 'VARCHAR' },
  timeMin: '2024-03-04T00:00:00.000Z',
  timeMax: '2024-03-10T23:59:59.999Z',
  endpointIndex: null,
  columns: [
    { path: ['order'], type: 'TIMESTAMP' },
    { path: ['a"b'], type: 'DOUBLE' },
    { path: ['상태 코드'], type: 'VARCHAR' },
    { path: ['lvl'], type: 'VARCHAR' },
    { path: ['req', 'path it'], type: 'VARCHAR' },
    { path: ['메시지 본문'], type: 'VARCHAR' },
    { path: ['bytes'], type: 'BIGINT' },
  ],
};

function plan(chart: ChartId, extra: { filters?: FieldFilter[]; search?: Search | null; zone?: string; range?: { from: string; to: string } | null } = {}) {
  return planChart(
    {
      chart,
      zone: extra.zone ?? 'America/New_York',
      range: extra.range ?? null,
      filters: extra.filters ?? [],
      search: extra.search ?? null,
      widthPx: 1000,
      options: { stackBy: 'auto', logScale: true },
    },
    oddSource,
  );
}

describe('folding endpoints', () => {
  it.each([
    ['/api/v1/orders/48213', '/api/v1/orders/{id}'],
    ['/api/v1/orders/48213?page=2#top', '/api/v1/orders/{id}'],
    ['/api/v1/payments/3f2b9c1e-8a4d-4f6b-9c2d-1e5f7a8b9c0d/confirm', '/api/v1/payments/{id}/confirm'],
    ['/static/js/app.1a2b3c4d.js', '/static/js/app.{id}.js'],
    ['/images/products/48213/2.webp', '/images/products/{id}/{id}.webp'],
    ['/admin/api/reports/daily/2024-03-04?format=csv', '/admin/api/reports/daily/{date}'],
    ['/api/v1/inventory/SKU-482913-KR', '/api/v1/inventory/SKU-{id}-KR'],
    ['/api/v1/coupons/K7M2P9QX3R', '/api/v1/coupons/{id}'],
    ['/ko/products/running-shoes-x2-48213', '/ko/products/running-shoes-x2-{id}'],
    ['/api/v2/products', '/api/v2/products'],
    ['GET /api/v1/orders/7 HTTP/1.1', '/api/v1/orders/{id}'],
    ['https://shop.example.com/api/v1/users/12?x=1', '/api/v1/users/{id}'],
    ['/상품/123/리뷰', '/상품/{id}/리뷰'],
  ])('%s → %s', (path, endpoint) => {
    expect(foldEndpoint(path)).toBe(endpoint);
  });
});

describe('SQL builders', () => {
  it('quotes odd column names and reads STRUCT fields through struct_extract', () => {
    expect(columnSql(['order'])).toBe('"order"');
    expect(columnSql(['a"b'])).toBe('"a""b"');
    expect(columnSql(['상태 코드'])).toBe('"상태 코드"');
    expect(columnSql(['client', "o'ip"])).toBe(`struct_extract("client", 'o''ip')`);
  });

  it.each(chartIds)('builds %s over odd names without a name outside quotes', (chart) => {
    const query = queryBuilders[chart](plan(chart));
    expect(query.sql).toContain('FROM "main"."주문 log""s"');
    for (const fragment of ['"order"', '"a""b"', '"상태 코드"', '"lvl"', 'struct_extract("req", \'path it\')', '"메시지 본문"']) {
      if (query.sql.includes(fragment.replace(/^"|"$/g, ''))) expect(query.sql).toContain(fragment);
    }
    expect(query.sql).not.toMatch(/[^"]order[^"]/);
  });

  it('binds filter values and the range, never writing them into the text', () => {
    const p = plan('events', {
      range: { from: '2024-03-05T00:00:00.000Z', to: '2024-03-06T00:00:00.000Z' },
      filters: [
        { field: 'status', value: 503 },
        { field: 'status', value: 504 },
        { field: 'level', value: "x'; DROP TABLE t; --" },
        { field: 'user', value: '김민준' },
        { field: 'weekdayHour', weekday: 0, hour: 9 },
      ],
      search: { text: 'timed out (30s)', regex: false, column: null },
    });
    const params: Params = {};
    const where = whereSql(p, params).join(' AND ');
    expect(where).toContain('"order" >= $rangeFrom::TIMESTAMP AND "order" < $rangeTo::TIMESTAMP');
    expect(where).toContain('(TRY_CAST("상태 코드" AS INTEGER) = $f0 OR TRY_CAST("상태 코드" AS INTEGER) = $f1)');
    expect(where).toContain('"lvl" = $f2');
    expect(where).toContain('"사용자" = $f3');
    expect(where).toContain('coalesce(contains(lower("메시지 본문"), lower($s0)), false)');
    expect(where).toContain(`coalesce(contains(lower(struct_extract("req", 'path it')), lower($s0)), false)`);
    expect(where).not.toContain('DROP');
    expect(where).not.toContain('김민준');
    expect(params).toMatchObject({
      rangeFrom: '2024-03-05 00:00:00.000',
      rangeTo: '2024-03-06 00:00:00.000',
      f0: 503,
      f1: 504,
      f2: "x'; DROP TABLE t; --",
      f3: '김민준',
      f4: 9,
      s0: 'timed',
      s2: '(30s)',
    });
  });

  it('passes a regular expression through as RE2 reads it, over every text column', () => {
    const params: Params = {};
    const where = whereSql(plan('events', { search: { text: 'time(d)? ?out', regex: true, column: null } }), params).join(' AND ');
    expect(params.s0).toBe('time(d)? ?out');
    expect(where).toContain('coalesce(regexp_matches("lvl", $s0), false)');
    expect(where).not.toContain('"bytes"');
  });

  it('converts durations to ms by their unit', () => {
    expect(queryBuilders.latency(plan('latency')).sql).toContain('("a""b"::DOUBLE * 1000) AS d');
  });

  it('shifts by a constant for one offset and a CASE across a change', () => {
    const seoul = offsetSegments('Asia/Seoul', Date.parse('2024-03-04T00:00:00Z'), Date.parse('2024-03-11T00:00:00Z'));
    expect(offsetSql('"t"', seoul)).toBe(String(9 * MS_PER_HOUR));
    const ny = offsetSegments('America/New_York', Date.parse('2024-03-04T00:00:00Z'), Date.parse('2024-03-11T00:00:00Z'));
    expect(offsetSql('"t"', ny)).toBe(`(CASE WHEN "t" < TIMESTAMP '2024-03-10 07:00:00.000' THEN -18000000 ELSE -14400000 END)`);
  });

  it('buckets by UTC when it can and by local days when it must', () => {
    const hourly = planChart(
      { chart: 'events', zone: 'Asia/Seoul', range: { from: '2024-03-04T00:00:00.000Z', to: '2024-03-05T00:00:00.000Z' }, filters: [], search: null, widthPx: 200, options: { stackBy: 'none', logScale: true } },
      oddSource,
    );
    expect(hourly.bucketMs).toBe(MS_PER_HOUR);
    expect(queryBuilders.events(hourly).sql).toContain('(e // 3600000) * 3600000 AS bucket');
    const daily = planChart(
      { chart: 'events', zone: 'Asia/Seoul', range: null, filters: [], search: null, widthPx: 200, options: { stackBy: 'none', logScale: true } },
      { ...oddSource, timeMax: '2024-12-31T00:00:00.000Z' },
    );
    expect(daily.bucketMode).toBe('localDay');
    expect(queryBuilders.events(daily).sql).toContain('(e + o) // 86400000 AS bucket');
  });

  it('reads folded endpoints from the index by position when there is one', () => {
    const indexed = planChart(
      { chart: 'top-endpoints', zone: 'UTC', range: null, filters: [{ field: 'endpoint', value: '/x/{id}' }], search: null, widthPx: 1000, options: { stackBy: 'auto', logScale: true } },
      { ...oddSource, endpointIndex: 'logscope."endpoint_index_3"' },
    );
    const sql = queryBuilders['top-endpoints'](indexed).sql;
    expect(sql).toContain('POSITIONAL JOIN logscope."endpoint_index_3" AS "_ls_ep"');
    expect(sql).toContain('"_ls_ep"."_ls_endpoint" = $f0');
    expect(sql).not.toContain('regexp_replace');
  });

  it('refuses a filter whose role is missing', () => {
    const bare: ChartSource = { ...oddSource, roles: { ...emptyRoles, time: ['order'] } };
    expect(() =>
      queryBuilders.events(
        planChart({ chart: 'events', zone: 'UTC', range: null, filters: [{ field: 'status', value: 500 }], search: null, widthPx: 800, options: { stackBy: 'auto', logScale: true } }, bare),
      ),
    ).toThrow(/missing role status/);
  });
});
