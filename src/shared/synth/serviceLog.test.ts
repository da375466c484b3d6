import { beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceLogGenerator,
  formatCsvHeader,
  formatCsvLine,
  formatIsoTime,
  formatJsonLine,
  formatNginxLine,
  formatNginxTime,
  SERVICE_LOG_CSV_COLUMNS,
  SERVICE_LOG_ENDPOINTS,
  SERVICE_LOG_MESSAGE_TEMPLATES,
  Xoshiro128StarStar,
  type ServiceLogRecord,
} from './serviceLog';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SEOUL_OFFSET_MS = 9 * HOUR_MS;
const DEFAULT_START_MS = Date.UTC(2024, 2, 4);
const HANGUL = /[\uac00-\ud7a3]/;

const take = (n: number, seed?: number, extra: { start?: string; days?: number } = {}): ServiceLogRecord[] =>
  [...createServiceLogGenerator({ lines: n, ...(seed === undefined ? {} : { seed }), ...extra })];

/** RFC 4180 record splitter (no line breaks inside fields: the generator writes none). */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new Error(`unterminated quoted field in ${line}`);
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') throw new Error(`text after a closing quote at ${i} in ${line}`);
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) throw new Error(`bare quote in unquoted field ${value}`);
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

const NGINX_COMBINED =
  /^(\d{1,3}(?:\.\d{1,3}){3}) - (\S+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0900\] "([A-Z]+) (\S+) HTTP\/1\.1" (\d{3}) (\d+) "([^"]*)" "([^"]*)" (\d+\.\d{3})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * fraction)] ?? NaN;
}
const median = (values: number[]): number => percentile(values, 0.5);

const record = (overrides: Partial<ServiceLogRecord>): ServiceLogRecord => ({
  time: DEFAULT_START_MS,
  method: 'GET',
  path: '/x',
  route: '/x',
  status: 200,
  latencyMs: 153,
  bytes: 512,
  clientIp: '10.0.0.1',
  userAgent: 'curl/8.5.0',
  user: null,
  level: 'INFO',
  message: 'ok',
  messageTemplate: 'ok',
  ...overrides,
});

describe('Xoshiro128StarStar', () => {
  it('matches the reference implementation from state (1, 2, 3, 4)', () => {
    const rng = new Xoshiro128StarStar(1, 2, 3, 4);
    const out = Array.from({ length: 6 }, () => rng.uint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('gives unrelated streams for neighbouring seeds', () => {
    const a = Xoshiro128StarStar.fromSeed(1);
    const b = Xoshiro128StarStar.fromSeed(2);
    const same = Array.from({ length: 100 }, () => a.uint32() === b.uint32()).filter(Boolean).length;
    expect(same).toBe(0);
  });
});

describe('createServiceLogGenerator determinism', () => {
  const lines = (seed: number) => take(1000, seed).flatMap((r) => [formatCsvLine(r), formatJsonLine(r), formatNginxLine(r)]);

  it('When the seed is the same, Then the first 1000 lines are identical in every format', () => {
    expect(lines(42)).toEqual(lines(42));
  });

  it('When the seed differs, Then the lines differ', () => {
    const a = lines(42);
    const b = lines(43);
    const equal = a.filter((line, i) => line === b[i]).length;
    expect(equal).toBeLessThan(a.length / 100);
  });

  it('pins the first lines of the default seed, so a change to the demo data is a deliberate one', () => {
    // If this fails after an intended change to the generator, update the lines below; if it
    // fails on another platform or Node version, the output is not portable and that is a bug.
    const [first, second] = take(2);
    expect(formatCsvLine(first!)).toBe(PINNED_FIRST_CSV_LINE);
    expect(formatCsvLine(second!)).toBe(PINNED_SECOND_CSV_LINE);
  });

  it('produces exactly the requested number of records, none for zero', () => {
    expect(take(0)).toEqual([]);
    expect(take(1234)).toHaveLength(1234);
  });
});

describe('createServiceLogGenerator over 100k records', () => {
  let records: ServiceLogRecord[] = [];
  beforeAll(() => {
    records = take(100_000, 7);
  });

  it('keeps times non-decreasing and inside [start, start + 7 days), spread over the whole range', () => {
    const backwards = records.findIndex((r, i) => i > 0 && r.time < records[i - 1]!.time);
    expect(backwards).toBe(-1);
    expect(records[0]!.time).toBeGreaterThanOrEqual(DEFAULT_START_MS);
    expect(records[0]!.time).toBeLessThan(DEFAULT_START_MS + HOUR_MS);
    expect(records.at(-1)!.time).toBeLessThan(DEFAULT_START_MS + 7 * DAY_MS);
    expect(records.at(-1)!.time).toBeGreaterThan(DEFAULT_START_MS + 7 * DAY_MS - HOUR_MS);
  });

  it('has busy afternoons and quiet nights in Seoul time', () => {
    const perHour = new Array<number>(24).fill(0);
    for (const r of records) perHour[Math.floor(((r.time + SEOUL_OFFSET_MS) % DAY_MS) / HOUR_MS)]!++;
    const mean = (hours: number[]) => hours.reduce((sum, h) => sum + perHour[h]!, 0) / hours.length;
    expect(mean([14, 15, 16, 17])).toBeGreaterThanOrEqual(2 * mean([2, 3, 4, 5]));
  });

  it('has quieter weekends', () => {
    // 2024-03-05 (Tue) .. 2024-03-10 (Sun), whole Seoul days inside the range.
    const perDay = new Map<number, number>();
    for (const r of records) {
      const day = new Date(r.time + SEOUL_OFFSET_MS).getUTCDate();
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const weekday = [5, 6, 7, 8].reduce((sum, d) => sum + perDay.get(d)!, 0) / 4;
    const weekend = [9, 10].reduce((sum, d) => sum + perDay.get(d)!, 0) / 2;
    expect(weekday).toBeGreaterThan(1.4 * weekend);
  });

  it('draws from about 200 endpoint templates with a skewed popularity', () => {
    const hits = new Map<string, number>();
    for (const r of records) hits.set(`${r.method} ${r.route}`, (hits.get(`${r.method} ${r.route}`) ?? 0) + 1);
    expect(SERVICE_LOG_ENDPOINTS.length).toBeGreaterThanOrEqual(180);
    expect(SERVICE_LOG_ENDPOINTS.length).toBeLessThanOrEqual(220);
    expect(hits.size).toBeGreaterThanOrEqual(180);
    const counts = [...hits.values()].sort((a, b) => b - a);
    const top10 = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(top10 / records.length).toBeGreaterThan(0.4);
    // Zipf with exponent 1 over 200 ranks: the first holds 1 / H(200), about 17 %.
    expect(hits.get(SERVICE_LOG_ENDPOINTS[0]!)! / records.length).toBeCloseTo(0.17, 1);
  });

  it('puts ids, uuids and hex ids in paths, different on each request', () => {
    const orderPaths = new Set(records.filter((r) => r.route === '/api/v1/orders/{id}').map((r) => r.path));
    expect(orderPaths.size).toBeGreaterThan(1000);
    for (const path of orderPaths) expect(path).toMatch(/^\/api\/v1\/orders\/\d{4,7}$/);
    expect(records.some((r) => /\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(\/|$)/.test(r.path))).toBe(true);
    expect(records.some((r) => /\/[0-9a-f]{24}(\/|$)/.test(r.path))).toBe(true);
  });

  it('has error bursts: an hour whose 5xx share and latency jump far above the usual hour', () => {
    const byHour = new Map<number, ServiceLogRecord[]>();
    for (const r of records) {
      const hour = Math.floor((r.time - DEFAULT_START_MS) / HOUR_MS);
      let list = byHour.get(hour);
      if (list === undefined) byHour.set(hour, (list = []));
      list.push(r);
    }
    const hours = [...byHour.values()].filter((list) => list.length >= 50);
    const share = (list: ServiceLogRecord[]) => list.filter((r) => r.status >= 500).length / list.length;
    const shares = hours.map(share);
    const worst = hours[shares.indexOf(Math.max(...shares))]!;
    expect(share(worst)).toBeGreaterThan(0.05);
    expect(share(worst)).toBeGreaterThan(10 * median(shares));
    const p95Latency = (list: ServiceLogRecord[]) => percentile(list.map((r) => r.latencyMs), 0.95);
    expect(p95Latency(worst)).toBeGreaterThan(2.5 * median(hours.map(p95Latency)));
  });

  it('gives each endpoint a log-normal latency around its own median, with rare spikes', () => {
    const quiet = (route: string) =>
      records.filter((r) => r.route === route && r.status < 400).map((r) => r.latencyMs);
    const product = quiet('/api/v1/products/{id}');
    const payment = quiet('/api/v1/payments');
    expect(median(product)).toBeGreaterThan(25);
    expect(median(product)).toBeLessThan(50);
    expect(median(payment)).toBeGreaterThan(5 * median(product));
    const sorted = [...product].sort((a, b) => a - b);
    expect(sorted.at(-1)!).toBeGreaterThan(5 * sorted[Math.floor(sorted.length * 0.99)]!);
  });

  it('sets the level from status and latency', () => {
    const expected = (r: ServiceLogRecord): string[] =>
      r.status >= 500 ? ['ERROR']
        : r.status >= 400 ? ['WARN']
          : r.latencyMs >= 1000 ? ['WARN', 'INFO', 'DEBUG'] // slow is relative to the endpoint, at least 1 s
            : ['INFO', 'DEBUG'];
    expect(records.find((r) => !expected(r).includes(r.level))).toBeUndefined();
    expect(new Set(records.map((r) => r.level))).toEqual(new Set(['DEBUG', 'ERROR', 'INFO', 'WARN']));
    expect(records.some((r) => r.level === 'WARN' && r.status < 400)).toBe(true);
  });

  it('draws messages from 30 to 40 templates, some Korean, some with quotes, hex ids and uuids', () => {
    expect(SERVICE_LOG_MESSAGE_TEMPLATES.length).toBeGreaterThanOrEqual(30);
    expect(SERVICE_LOG_MESSAGE_TEMPLATES.length).toBeLessThanOrEqual(40);
    const used = new Set(records.map((r) => r.messageTemplate));
    expect(used.size).toBeGreaterThanOrEqual(30);
    const messages = records.map((r) => r.message);
    expect(messages.filter((m) => HANGUL.test(m)).length / messages.length).toBeGreaterThan(0.02);
    expect(messages.some((m) => /"[^"]+"/.test(m))).toBe(true);
    expect(messages.some((m) => /\b[0-9a-f]{16,}\b/.test(m))).toBe(true);
    expect(messages.some((m) => /\b[0-9a-f]{8}-[0-9a-f]{4}-/.test(m))).toBe(true);
  });

  it('has Korean user names, anonymous requests and many client addresses', () => {
    expect(records.some((r) => r.user !== null && /^[\uac00-\ud7a3]{3}$/.test(r.user))).toBe(true);
    expect(records.some((r) => r.user === null)).toBe(true);
    expect(new Set(records.map((r) => r.clientIp)).size).toBeGreaterThan(1000);
    expect(new Set(records.map((r) => r.userAgent)).size).toBeGreaterThan(10);
  });
});

describe('formatCsvLine', () => {
  it('writes a header and lines that split back into the same 11 values', () => {
    expect(splitCsv(formatCsvHeader())).toEqual([...SERVICE_LOG_CSV_COLUMNS]);
    // Compared as one array: an expect per line would dominate the test's run time.
    const records = take(5000, 3);
    expect(records.map((r) => splitCsv(formatCsvLine(r)))).toEqual(
      records.map((r) => [
        new Date(r.time).toISOString(),
        r.method,
        r.path,
        String(r.status),
        String(r.latencyMs),
        String(r.bytes),
        r.clientIp,
        r.userAgent,
        r.user ?? '',
        r.level,
        r.message,
      ]),
    );
    expect(records.some((r) => formatCsvLine(r).includes('""'))).toBe(true);
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    const line = formatCsvLine(record({ message: 'a, "b"\nc', user: '김민준' }));
    expect(line).toBe('2024-03-04T00:00:00.000Z,GET,/x,200,153,512,10.0.0.1,curl/8.5.0,김민준,INFO,"a, ""b""\nc"');
  });
});

describe('formatJsonLine', () => {
  it('writes JSON with level, message and a nested client', () => {
    const records = take(5000, 4);
    expect(records.map((r) => JSON.parse(formatJsonLine(r)) as unknown)).toEqual(
      records.map((r) => ({
        time: new Date(r.time).toISOString(),
        level: r.level,
        method: r.method,
        path: r.path,
        status: r.status,
        latency_ms: r.latencyMs,
        bytes: r.bytes,
        user: r.user,
        message: r.message,
        client: { ip: r.clientIp, user_agent: r.userAgent },
      })),
    );
  });

  it('escapes quotes, backslashes, control characters and lone surrogates', () => {
    const message = 'say "hi"\\ \u0001 \ud800 한글 😀';
    const parsed = JSON.parse(formatJsonLine(record({ message }))) as { message: string };
    expect(parsed.message).toBe(message);
  });
});

describe('formatNginxLine', () => {
  it('writes the combined format plus the request time, in Seoul time', () => {
    const records = take(5000, 5);
    const parsed = records.map((r) => {
      const m = NGINX_COMBINED.exec(formatNginxLine(r));
      if (m === null) return null;
      const [, ip, user, day, month, year, hh, mm, ss, method, path, status, bytes, referer, agent, seconds] = m;
      const localMs = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(day), Number(hh), Number(mm), Number(ss));
      return [localMs - SEOUL_OFFSET_MS, ip, user, method, path, Number(status), Number(bytes), referer, agent, Number(seconds)];
    });
    expect(parsed).toEqual(
      records.map((r) => [
        Math.floor(r.time / 1000) * 1000, r.clientIp, '-', r.method, r.path, r.status, r.bytes, '-', r.userAgent, r.latencyMs / 1000,
      ]),
    );
  });

  it('matches the documented example', () => {
    const r = record({ time: Date.UTC(2024, 2, 4, 0, 15, 2, 999), path: '/api/orders/123', userAgent: 'Mozilla/5.0 (X11)' });
    expect(formatNginxLine(r)).toBe(
      '10.0.0.1 - - [04/Mar/2024:09:15:02 +0900] "GET /api/orders/123 HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11)" 0.153',
    );
  });

  it('escapes quotes, backslashes and non-ASCII bytes as nginx does', () => {
    const line = formatNginxLine(record({ path: '/a"b\\c/한', latencyMs: 12_345 }));
    expect(line).toContain('"GET /a\\x22b\\x5Cc/\\xED\\x95\\x9C HTTP/1.1"');
    expect(line.endsWith(' 12.345')).toBe(true);
  });
});

describe('time formatting', () => {
  it('formatIsoTime agrees with Date across years, leap days and negative times', () => {
    const rng = Xoshiro128StarStar.fromSeed(9);
    const times = [0, -1, 951_782_400_000, 1_709_251_199_999, 253_402_300_799_999, -62_135_596_800_000];
    for (let i = 0; i < 5000; i++) times.push(Math.floor((rng.float() * 2 - 1) * 6e12));
    for (const t of times) expect(formatIsoTime(t)).toBe(new Date(t).toISOString());
    // Outside 0000..9999 the fast path steps aside.
    expect(formatIsoTime(253_402_300_800_000)).toBe('+010000-01-01T00:00:00.000Z');
  });

  it('formatNginxTime moves to the next Seoul day and year at 15:00 UTC', () => {
    expect(formatNginxTime(Date.UTC(2024, 11, 31, 14, 59, 59, 999))).toBe('31/Dec/2024:23:59:59 +0900');
    expect(formatNginxTime(Date.UTC(2024, 11, 31, 15, 0, 0))).toBe('01/Jan/2025:00:00:00 +0900');
    expect(formatNginxTime(Date.UTC(2024, 1, 28, 15, 0, 0))).toBe('29/Feb/2024:00:00:00 +0900');
  });
});

describe('options', () => {
  it('spreads records over a custom start and a fractional number of days', () => {
    const startMs = Date.UTC(2023, 11, 31, 20);
    const records = take(2000, 1, { start: '2023-12-31T20:00:00Z', days: 0.5 });
    expect(records).toHaveLength(2000);
    for (const r of records) {
      expect(r.time).toBeGreaterThanOrEqual(startMs);
      expect(r.time).toBeLessThan(startMs + DAY_MS / 2);
    }
  });

  it.each([
    [{ lines: -1 }, /lines/],
    [{ lines: 1.5 }, /lines/],
    [{ lines: 10, seed: -1 }, /seed/],
    [{ lines: 10, seed: 2 ** 32 }, /seed/],
    [{ lines: 10, days: 0 }, /days/],
    [{ lines: 10, start: '2024-03-04T00:00:00' }, /start/],
    [{ lines: 10, start: '2024-03-04T00:00:00+09:00' }, /start/],
    [{ lines: 10, start: '2024-13-40T00:00:00Z' }, /start/],
  ])('refuses %j before generating anything', (options, message) => {
    expect(() => createServiceLogGenerator(options)).toThrow(message);
  });
});

const PINNED_FIRST_CSV_LINE =
  '2024-03-04T10:01:48.990Z,DELETE,/api/v1/subscriptions/ba35faa7-9f75-4be8-a9eb-be911970bd93,204,77,0,58.121.32.98,"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.5.0",김윤서,INFO,Request ac1e565d3202563b handled by worker-1 in 77 ms';
const PINNED_SECOND_CSV_LINE =
  '2024-03-09T07:13:54.124Z,GET,/static/js/app.05617da8.js,200,4,173852,66.249.251.109,Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html),,INFO,"Served /static/js/app.05617da8.js from cache (etag ""c2884939e0fb4342"")"';
