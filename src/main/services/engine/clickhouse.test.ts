import { describe, expect, it } from 'vitest';
import { parseCompact, toCell, toEngineError } from './clickhouse';

const target = { url: 'http://db:8123', username: 'ana', database: 'logs' };

describe('reading a JSONCompact answer', () => {
  it('When the server appended an error after some rows, Then that error is thrown, not a short result', () => {
    const body = '{\n"meta": [{"name": "n", "type": "UInt64"}],\n"data": [\n["1"],\n["2"]Code: 395, e.displayText() = DB::Exception: Value passed to \'throwIf\' function is non zero, e.what() = DB::Exception\n';
    let thrown: unknown;
    try {
      parseCompact(body);
    } catch (error) {
      thrown = error;
    }
    const mapped = toEngineError(thrown, target);
    expect(mapped.code).toBe('engine_query_failed');
    expect(mapped.params).toEqual({ serverCode: 395, message: "Value passed to 'throwIf' function is non zero" });
  });

  it('When the body is complete, Then columns and rows come back', () => {
    expect(parseCompact('{"meta":[{"name":"a","type":"String"}],"data":[["x"]],"rows":1}')).toEqual({
      meta: [{ name: 'a', type: 'String' }],
      data: [['x']],
    });
  });
});

describe('cells from ClickHouse', () => {
  it.each([
    ['42', 'UInt64', 42],
    ['18446744073709551615', 'UInt64', '18446744073709551615'],
    ['-7', 'Nullable(Int64)', -7],
    ['2024-03-01 09:15:02', "DateTime('UTC')", '2024-03-01T09:15:02.000Z'],
    ['2024-03-01 09:15:02', 'DateTime', '2024-03-01T09:15:02.000Z'],
    ['2024-03-01 09:15:02', "DateTime('Asia/Seoul')", '2024-03-01 09:15:02'],
    ['2024-03-01', 'Date', '2024-03-01'],
    [[1, 2], 'Array(UInt8)', '[1,2]'],
    [null, 'Nullable(String)', null],
    [1.5, 'Float64', 1.5],
  ])('When %j of type %s arrives (server in UTC), Then the cell is %j', (value, type, cell) => {
    expect(toCell(value, type, 'UTC')).toEqual(cell);
  });

  it('When a bare DateTime comes from a server in another zone, Then it stays the server’s text', () => {
    expect(toCell('2024-03-01 09:15:02', 'DateTime', 'Asia/Seoul')).toBe('2024-03-01 09:15:02');
  });
});

describe('errors from the client', () => {
  it.each([
    ['Code: 193, e.displayText() = DB::Exception: Wrong password for user ana, e.what() = DB::Exception', 'engine_auth_failed'],
    ['Code: 516. DB::Exception: ana: Authentication failed. (AUTHENTICATION_FAILED) (version 24.8.4.13)', 'engine_auth_failed'],
    ['Code: 81, e.displayText() = DB::Exception: Database logs doesn\'t exist, e.what() = DB::Exception', 'engine_database_not_found'],
    ['Code: 164, e.displayText() = DB::Exception: Cannot drop table in readonly mode, e.what() = DB::Exception', 'engine_write_refused'],
    ['Code: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 2.0 seconds, maximum: 2, e.what() = DB::Exception', 'engine_timeout'],
    ['Code: 62, e.displayText() = DB::Exception: Syntax error, e.what() = DB::Exception', 'engine_query_failed'],
  ])('When the server says %s, Then the code is %s', (message, code) => {
    expect(toEngineError(new Error(message), target).code).toBe(code);
  });

  it('When the network or TLS fails, Then the code names it and carries the URL', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const untrusted = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(toEngineError(refused, target).toWire()).toEqual({ code: 'engine_unreachable', params: { url: 'http://db:8123', message: 'connect ECONNREFUSED' } });
    expect(toEngineError(untrusted, target).code).toBe('engine_tls_failed');
    expect(toEngineError(new Error('Code: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 2.0 seconds, maximum: 2, e.what() = DB::Exception'), target).params).toEqual({ seconds: 2 });
  });
});
