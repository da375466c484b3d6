import { describe, expect, it } from 'vitest';
import { accessRecoveryRegex, detectAccessLayout, splitAccessLine } from './accessLog';
import { execGrouped } from './regex';

const roles = (lines: string[]) => detectAccessLayout(lines)?.layout.fields.map((f) => f.role);

describe('splitAccessLine', () => {
  it('splits like DuckDB with quote " and no escape, and refuses what it would refuse', () => {
    expect(splitAccessLine('1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 5')?.map((t) => t.text)).toEqual([
      '1.2.3.4', '-', '-', '[04/Mar/2024:09:15:02', '+0900]', 'GET / HTTP/1.1', '200', '5',
    ]);
    expect(splitAccessLine('a "unclosed')).toBeNull();
    expect(splitAccessLine('a "b"c d')).toBeNull();
  });
});

describe('detectAccessLayout', () => {
  it('reads combined plus request and upstream times, and a forwarded-for field', () => {
    const line = '1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 512 "-" "curl/8.0" "10.0.0.1, 10.0.0.2" 0.012 0.010';
    expect(roles([line])).toEqual([
      'client_ip', 'ident', 'user', 'time_open', 'time_close', 'request', 'status', 'bytes', 'referer', 'user_agent', 'x_forwarded_for', 'request_time', 'upstream_response_time',
    ]);
    expect(detectAccessLayout([line])?.layout.flavour).toBe('nginx');
  });

  it('reads common, an ISO time in one field, a vhost first, and Apache %D microseconds', () => {
    expect(roles(['127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326'])).toEqual([
      'client_ip', 'ident', 'user', 'time_open', 'time_close', 'request', 'status', 'bytes',
    ]);
    expect(roles(['1.2.3.4 - - [2024-03-04T09:15:02+09:00] "GET / HTTP/1.1" 200 5 "-" "ua"'])).toContain('time_single');
    const vhost = ['www.example.com:443 1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 512 "-" "curl/8.0" 1234'];
    expect(roles(vhost)).toEqual(['vhost', 'client_ip', 'ident', 'user', 'time_open', 'time_close', 'request', 'status', 'bytes', 'referer', 'user_agent', 'request_time_us']);
    expect(detectAccessLayout(vhost)?.layout.flavour).toBe('apache');
  });

  it('takes the layout most lines share and says how many do', () => {
    const good = Array.from({ length: 8 }, (_, i) => `10.0.0.${i} - - [04/Mar/2024:09:15:02 +0900] "GET /${i} HTTP/1.1" 200 ${i} "-" "ua" 0.00${i}`);
    const found = detectAccessLayout([...good, 'garbage', '10.0.0.9 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 5']);
    expect(found?.share).toBeCloseTo(0.8);
    expect(found?.layout.fields.at(-1)?.role).toBe('request_time');
    expect(detectAccessLayout(['nothing like an access log'])).toBeNull();
  });
});

describe('accessRecoveryRegex', () => {
  it('reads a line with an Apache \\" inside a quoted field into the same fields the split gives', () => {
    const layout = detectAccessLayout(['1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 5 "-" "ua"'])!.layout;
    const regex = accessRecoveryRegex(layout);
    const fields = execGrouped(regex, new RegExp(regex.source), '1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET /a\\"b HTTP/1.1" 200 5 "-" "ua \\"x\\""');
    expect(fields).toMatchObject({ f4: '[04/Mar/2024:09:15:02', f5: '+0900]', f6: 'GET /a\\"b HTTP/1.1', f7: '200', f10: 'ua \\"x\\"' });
  });
});

describe('accessRecoveryRegex on a line cut off', () => {
  const layout = detectAccessLayout(['1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET / HTTP/1.1" 200 5 "-" "ua" 1234'])!.layout;
  const regex = accessRecoveryRegex(layout);
  const read = (line: string) => execGrouped(regex, new RegExp(regex.source), line);

  it('keeps the fields before a user agent without its closing quote, and the agent so far', () => {
    expect(read('1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET /a HTTP/1.1" 503 77 "https://example.com/" "Mozilla/5.0 (Windows NT')).toMatchObject({
      f7: '503',
      f8: '77',
      f9: 'https://example.com/',
      f10: 'Mozilla/5.0 (Windows NT',
      f11: '',
    });
  });

  it('reads a line that stops after the bytes, and still refuses one cut before its status', () => {
    expect(read('1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET /a HTTP/1.1" 200 5')).toMatchObject({ f7: '200', f9: '', f10: '' });
    expect(read('1.2.3.4 - - [04/Mar/2024:09:15:02 +0900] "GET /a HTT')).toBeNull();
  });
});
