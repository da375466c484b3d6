import { describe, expect, it } from 'vitest';
import { detectRoles, durationUnit, normalizeHeader, roleProblems } from './roles';
import { flattenColumns, pathKey, structFields } from './columns';
import { availableCharts as allAvailable } from './registry';
import type { Cell } from '../api/schemas';
import type { RoleColumn } from './spec';

/** The issue-6 charts (the patterns chart of issue 7 needs mined messages, tested there). */
const availableCharts = (roles: Parameters<typeof allAvailable>[0]) => allAvailable(roles).filter((c) => c !== 'patterns');

const samplesOf = (values: Record<string, Cell[]>) => new Map(Object.entries(values).map(([name, cells]) => [pathKey(name.split('.')), cells]));

describe('columns', () => {
  it('flattens STRUCT fields, quoted names and nesting, and skips Logscope columns', () => {
    const columns = flattenColumns([
      { name: 'time', type: 'TIMESTAMP' },
      { name: 'client', type: 'STRUCT(ip VARCHAR, "user agent" VARCHAR, geo STRUCT(country VARCHAR, "a""b" INTEGER))' },
      { name: 'tags', type: 'VARCHAR[]' },
      { name: '_ls_source', type: 'INTEGER' },
      { name: '_ls_line', type: 'BIGINT' },
    ]);
    expect(columns).toEqual([
      { path: ['time'], type: 'TIMESTAMP' },
      { path: ['client', 'ip'], type: 'VARCHAR' },
      { path: ['client', 'user agent'], type: 'VARCHAR' },
      { path: ['client', 'geo', 'country'], type: 'VARCHAR' },
      { path: ['client', 'geo', 'a"b'], type: 'INTEGER' },
      { path: ['tags'], type: 'VARCHAR[]' },
    ]);
  });

  it('keeps a type it cannot read as one opaque column', () => {
    expect(structFields('STRUCT(')).toBeNull();
    expect(flattenColumns([{ name: 'x', type: 'STRUCT(((' }])).toEqual([{ path: ['x'], type: 'STRUCT(((' }]);
    expect(flattenColumns([{ name: 'm', type: 'MAP(VARCHAR, INTEGER)' }])).toEqual([{ path: ['m'], type: 'MAP(VARCHAR, INTEGER)' }]);
  });

  it('normalises headers in both languages', () => {
    expect(normalizeHeader('응답 시간(ms)')).toBe('응답_시간_ms');
    expect(normalizeHeader('Status-Code')).toBe('status_code');
    expect(normalizeHeader('@timestamp')).toBe('timestamp');
  });
});

describe('detectRoles', () => {
  it('finds every role of the demo service log, nested client fields included', () => {
    const columns: RoleColumn[] = flattenColumns([
      { name: 'time', type: 'TIMESTAMP' },
      { name: 'level', type: 'VARCHAR' },
      { name: 'method', type: 'VARCHAR' },
      { name: 'path', type: 'VARCHAR' },
      { name: 'status', type: 'INTEGER' },
      { name: 'latency_ms', type: 'DOUBLE' },
      { name: 'bytes', type: 'BIGINT' },
      { name: 'user', type: 'VARCHAR' },
      { name: 'message', type: 'VARCHAR' },
      { name: 'client', type: 'STRUCT(ip VARCHAR, user_agent VARCHAR)' },
      { name: '_ls_line', type: 'BIGINT' },
    ]);
    const samples = samplesOf({
      level: ['INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'],
      method: ['GET', 'POST', 'GET', 'DELETE', 'GET'],
      path: ['/api/v1/orders/48213', '/health', '/api/v1/search?q=x', '/metrics', '/api/v1/cart'],
      status: [200, 200, 404, 503, 201],
      latency_ms: [12, 230, 4, 30012, 55],
      bytes: [2400, 15, 900, 120, 600],
      user: ['김민준', null, 'lee.seo', null, '박지민'],
      message: ['Order 48213 shipped to 서울', 'Health check ok from 10.0.0.4', 'Search for x took 120 ms', 'Payment gateway timed out after 30000 ms', 'Cart updated'],
      'client.ip': ['10.0.0.4', '192.168.1.20', '172.16.4.5', '10.0.0.9', '2001:db8::1'],
      'client.user_agent': ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'curl/8.5.0', 'Mozilla/5.0', 'kube-probe/1.29', 'Mozilla/5.0'],
    });
    const roles = detectRoles({ columns, samples, timeColumn: 'time' });
    expect(roles).toEqual({
      time: ['time'],
      duration: { column: ['latency_ms'], unit: 'ms' },
      status: ['status'],
      level: ['level'],
      endpoint: ['path'],
      method: ['method'],
      client: ['client', 'ip'],
      user: ['user'],
      message: ['message'],
    });
    expect(availableCharts(roles)).toHaveLength(8);
  });

  it('reads Korean headers', () => {
    const columns: RoleColumn[] = [
      { path: ['시간'], type: 'TIMESTAMP' },
      { path: ['상태'], type: 'INTEGER' },
      { path: ['응답시간(초)'], type: 'DOUBLE' },
      { path: ['경로'], type: 'VARCHAR' },
      { path: ['사용자'], type: 'VARCHAR' },
      { path: ['메시지'], type: 'VARCHAR' },
    ];
    const samples = samplesOf({
      상태: [200, 500, 200],
      '응답시간(초)': [0.12, 0.5, 1.2],
      경로: ['/주문/1', '/상품/22', '/'],
      사용자: ['김민준', '이서연', null],
      메시지: ['주문이 접수되었습니다 (주문번호 1)', '결제 실패: 카드 한도 초과', '정상 처리'],
    });
    const roles = detectRoles({ columns, samples, timeColumn: null });
    expect(roles.time).toEqual(['시간']);
    expect(roles.status).toEqual(['상태']);
    expect(roles.duration).toEqual({ column: ['응답시간(초)'], unit: 's' });
    expect(roles.endpoint).toEqual(['경로']);
    expect(roles.user).toEqual(['사용자']);
    expect(roles.message).toEqual(['메시지']);
  });

  it('reads nginx columns: request_time is seconds, the request line is the endpoint', () => {
    const columns: RoleColumn[] = [
      { path: ['remote_addr'], type: 'VARCHAR' },
      { path: ['time_local'], type: 'TIMESTAMP' },
      { path: ['request'], type: 'VARCHAR' },
      { path: ['status'], type: 'SMALLINT' },
      { path: ['body_bytes_sent'], type: 'BIGINT' },
      { path: ['http_referer'], type: 'VARCHAR' },
      { path: ['http_user_agent'], type: 'VARCHAR' },
      { path: ['request_time'], type: 'DOUBLE' },
    ];
    const samples = samplesOf({
      remote_addr: ['203.0.113.9', '198.51.100.7'],
      request: ['GET /api/v1/orders/123 HTTP/1.1', 'POST /api/v1/cart/items HTTP/1.1'],
      status: [200, 201],
      body_bytes_sent: [3100, 600],
      http_referer: ['-', '-'],
      http_user_agent: ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)'],
      request_time: [0.045, 0.22],
    });
    const roles = detectRoles({ columns, samples, timeColumn: 'time_local' });
    expect(roles).toMatchObject({
      time: ['time_local'],
      duration: { column: ['request_time'], unit: 's' },
      status: ['status'],
      endpoint: ['request'],
      client: ['remote_addr'],
      message: null,
    });
    expect(availableCharts(roles)).toEqual(['events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'heatmap', 'histogram']);
    // A unit the importer recorded from the format wins over the guess.
    const recorded = detectRoles({ columns, samples, timeColumn: 'time_local', units: new Map([['request_time', 'ms' as const]]) });
    expect(recorded.duration?.unit).toBe('ms');
  });

  it('gives a plain syslog only the charts its roles allow', () => {
    const columns: RoleColumn[] = [
      { path: ['time'], type: 'TIMESTAMP' },
      { path: ['host'], type: 'VARCHAR' },
      { path: ['program'], type: 'VARCHAR' },
      { path: ['pid'], type: 'BIGINT' },
      { path: ['message'], type: 'VARCHAR' },
    ];
    const samples = samplesOf({
      host: ['combo', 'combo'],
      program: ['sshd', 'kernel'],
      pid: [2319, 0],
      message: ['authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4', 'Linux version 2.6.5-1.358'],
    });
    const roles = detectRoles({ columns, samples, timeColumn: 'time' });
    expect(roles).toMatchObject({ time: ['time'], status: null, duration: null, level: null, endpoint: null, client: null, message: ['message'] });
    expect(availableCharts(roles)).toEqual(['events', 'heatmap']);
    const withLevel = detectRoles({
      columns: [...columns, { path: ['level'], type: 'VARCHAR' }],
      samples: new Map([...samples, [pathKey(['level']), ['info', 'err', 'warning']]]),
      timeColumn: 'time',
    });
    expect(availableCharts(withLevel)).toEqual(['events', 'errors', 'status', 'heatmap']);
  });

  it('does not take a column whose values contradict its name', () => {
    const roles = detectRoles({
      columns: [
        { path: ['status'], type: 'VARCHAR' },
        { path: ['level'], type: 'VARCHAR' },
      ],
      samples: samplesOf({ status: ['active', 'closed'], level: ['3', 'high'] }),
    });
    expect(roles.status).toBeNull();
    expect(roles.level).toBeNull();
  });

  it('guesses duration units from names and values', () => {
    const unit = (name: string, values: Cell[] = []) => durationUnit({ path: [name], type: 'DOUBLE' }, samplesOf({ [name]: values }));
    expect(unit('latency_ms')).toBe('ms');
    expect(unit('duration_us')).toBe('us');
    expect(unit('elapsed_ns')).toBe('ns');
    expect(unit('took_seconds')).toBe('s');
    expect(unit('upstream_response_time')).toBe('s');
    expect(unit('latency', [0.012, 0.2, 1.5])).toBe('s');
    expect(unit('latency', [12, 200, 1500])).toBe('ms');
  });

  it('reports roles pointing at missing or unfit columns', () => {
    const columns: RoleColumn[] = [{ path: ['t'], type: 'TIMESTAMP' }, { path: ['msg'], type: 'VARCHAR' }];
    const roles = detectRoles({ columns, timeColumn: 't' });
    expect(roleProblems({ ...roles, status: ['nope'], time: ['msg'] }, columns)).toEqual([
      { role: 'time', column: 'msg' },
      { role: 'status', column: 'nope' },
    ]);
  });
});
