/**
 * Deterministic synthetic service logs: the demo dataset, test data and benchmark input.
 *
 * One seed and one set of options give the same records, and so the same bytes, on every
 * platform: all randomness comes from a seeded xoshiro128** stream, never `Math.random` or
 * the clock. The transcendental functions used (log, exp, expm1, pow) are V8's own fdlibm
 * ports, so Node gives the same results on every OS; another JS engine may differ in the last
 * bit of a double, which could move a rounded millisecond once in a long while.
 *
 * The shape is chosen so that every later chart has something to show: a daily and weekly
 * rhythm in Asia/Seoul time, Zipf-skewed endpoints, ids in paths to fold, error bursts with
 * latency jumps, Korean names and messages, messages from a few dozen templates.
 * Each record also carries the ground truth (`route`, `messageTemplate`) that the id folding
 * and the template miner are expected to recover.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type ServiceLogFormat = 'csv' | 'jsonl' | 'nginx';

export interface ServiceLogOptions {
  /** How many records to produce. */
  lines: number;
  /** Unsigned 32-bit integer; default 1. */
  seed?: number;
  /** ISO-8601 instant ending in `Z`; default 2024-03-04T00:00:00Z (a Monday, 09:00 in Seoul). */
  start?: string;
  /** Length of the time range the records are spread over; default 7. */
  days?: number;
}

export interface ServiceLogRecord {
  /** Epoch milliseconds; non-decreasing along the stream, within [start, start + days). */
  time: number;
  method: HttpMethod;
  /** Concrete request path with query, e.g. `/api/v1/orders/48213`. */
  path: string;
  /** The endpoint template the path was drawn from, e.g. `/api/v1/orders/{id}` (ground truth). */
  route: string;
  status: number;
  latencyMs: number;
  /** Response body size. */
  bytes: number;
  clientIp: string;
  userAgent: string;
  /** Signed-in user, or null for anonymous requests. */
  user: string | null;
  level: LogLevel;
  message: string;
  /** The template `message` was drawn from, e.g. `Connection from {ip} closed after {ms} ms` (ground truth). */
  messageTemplate: string;
}

export const DEFAULT_SERVICE_LOG_START = '2024-03-04T00:00:00Z';
export const DEFAULT_SERVICE_LOG_DAYS = 7;
export const DEFAULT_SERVICE_LOG_SEED = 1;

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Asia/Seoul has had no daylight saving time since 1988, so a fixed offset is exact. */
const SEOUL_OFFSET_MS = 9 * MS_PER_HOUR;
/** Fine enough that the hourly profile looks smooth, coarse enough to stay a small table. */
const RHYTHM_BUCKET_MS = 10 * MS_PER_MINUTE;
/** The gateway's own limit: anything slower is cut off as a 504. */
const GATEWAY_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------
// Random numbers

/**
 * xoshiro128** 1.1 (Blackman and Vigna, https://prng.di.unimi.it/xoshiro128starstar.c).
 * Only 32-bit integer operations, so the stream is the same on every engine.
 */
export class Xoshiro128StarStar {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    // The all-zero state is the generator's one fixed point.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** State from one 32-bit seed through splitmix32-style mixing, so seeds 1 and 2 give unrelated streams. */
  static fromSeed(seed: number): Xoshiro128StarStar {
    let x = seed >>> 0;
    const mix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    return new Xoshiro128StarStar(mix(), mix(), mix(), mix());
  }

  uint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in (0, 1): safe to take the logarithm of. */
  openFloat(): number {
    return (this.uint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Marsaglia's polar method: no trigonometry; the pair's second value is kept). */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    let x: number;
    let y: number;
    let r: number;
    do {
      x = 2 * this.float() - 1;
      y = 2 * this.float() - 1;
      r = x * x + y * y;
    } while (r >= 1 || r === 0);
    const scale = Math.sqrt((-2 * Math.log(r)) / r);
    this.spareNormal = y * scale;
    this.hasSpareNormal = true;
    return x * scale;
  }
}

/**
 * Walker's alias method (Vose's construction): after O(n) setup, one uniform draw picks an
 * index with probability proportional to its weight in O(1), which matters for 5,000 clients.
 */
interface AliasTable {
  /** Probability of keeping column i rather than taking its alias. */
  keep: Float64Array;
  alias: Int32Array;
}

function createAliasTable(weights: readonly number[]): AliasTable {
  const n = weights.length;
  if (n === 0) throw new Error('alias table needs at least one weight');
  const total = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map((w) => (w * n) / total);
  const keep = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((w, i) => (w < 1 ? small : large).push(i));
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    keep[s] = scaled[s] as number;
    alias[s] = l;
    const rest = (scaled[l] as number) + (scaled[s] as number) - 1;
    scaled[l] = rest;
    (rest < 1 ? small : large).push(l);
  }
  // What is left is 1 up to rounding: keep it whole.
  for (const i of [...small, ...large]) {
    keep[i] = 1;
    alias[i] = i;
  }
  return { keep, alias };
}

/** The column from the integer part of u * n, keep-or-alias from the fraction: one draw. */
function pickAlias(table: AliasTable, u: number): number {
  const x = u * table.keep.length;
  const i = Math.floor(x);
  return x - i < (table.keep[i] as number) ? i : (table.alias[i] as number);
}

function pickOf<T>(rng: Xoshiro128StarStar, items: readonly T[]): T {
  return items[rng.below(items.length)] as T;
}

// ---------------------------------------------------------------------------------------
// Small fast formatting helpers (toLocaleString and friends depend on the host's locale)

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function hex32(x: number): string {
  return `${HEX2[(x >>> 24) & 255]}${HEX2[(x >>> 16) & 255]}${HEX2[(x >>> 8) & 255]}${HEX2[x & 255]}`;
}

function hexId(rng: Xoshiro128StarStar, words: number): string {
  let s = '';
  for (let i = 0; i < words; i++) s += hex32(rng.uint32());
  return s;
}

/** RFC 4122 version-4 UUID. */
function uuid(rng: Xoshiro128StarStar): string {
  const a = rng.uint32();
  const b = rng.uint32();
  const c = rng.uint32();
  const d = rng.uint32();
  const h = hex32(a);
  const i = hex32((b & 0xffff0fff) | 0x00004000);
  const j = hex32((c & 0x3fffffff) | 0x80000000);
  return `${h}-${i.slice(0, 4)}-${i.slice(4)}-${j.slice(0, 4)}-${j.slice(4)}${hex32(d)}`;
}

/** 1234567 -> "1,234,567". */
function withThousands(n: number): string {
  const s = String(n);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return out;
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/** An entity id of 4 to 7 digits, so folded ids differ in length as they do in real data. */
function entityId(rng: Xoshiro128StarStar): number {
  const low = POW10[3 + rng.below(4)] ?? 1000;
  return low + rng.below(9 * low);
}

/**
 * Proleptic Gregorian date of a day number (days since 1970-01-01), after Howard Hinnant's
 * `civil_from_days` (https://howardhinnant.github.io/date_algorithms.html).
 */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Formatting memos. Records come in time order and user agents repeat, so remembering the
 * current second's text and each agent's escaped form saves most of the string work (which
 * is most of the cost of a line). They never change a result, so the formatters stay pure.
 */
const isoMemo = { second: NaN, secondPrefix: '', day: NaN, dayPrefix: '' };
const nginxMemo = { second: NaN, text: '', day: NaN, dayPrefix: '' };
const HOUR_MINUTE = Array.from({ length: 1440 }, (_, i) => `${PAD2[Math.floor(i / 60)]}:${PAD2[i % 60]}`);

/** `2024-03-04T09:15:02.153Z`; years outside 0..9999 go through Date (`+010000-…`). */
export function formatIsoTime(timeMs: number): string {
  if (!Number.isFinite(timeMs)) throw new RangeError(`time is not a finite number: ${timeMs}`);
  const t = Math.floor(timeMs);
  const second = Math.floor(t / 1000);
  const milli = t - second * 1000;
  if (second !== isoMemo.second) {
    const days = Math.floor(second / 86_400);
    if (days !== isoMemo.day) {
      const { year, month, day } = civilFromDays(days);
      if (year < 0 || year > 9999) return new Date(t).toISOString();
      isoMemo.day = days;
      isoMemo.dayPrefix = `${String(year).padStart(4, '0')}-${PAD2[month]}-${PAD2[day]}T`;
    }
    const secondOfDay = second - days * 86_400;
    const minuteOfDay = Math.floor(secondOfDay / 60);
    isoMemo.second = second;
    isoMemo.secondPrefix = `${isoMemo.dayPrefix}${HOUR_MINUTE[minuteOfDay]}:${PAD2[secondOfDay - minuteOfDay * 60]}.`;
  }
  return `${isoMemo.secondPrefix}${PAD3[milli]}Z`;
}

/** nginx `$time_local` in Seoul time: `04/Mar/2024:09:15:02 +0900`. */
export function formatNginxTime(timeMs: number): string {
  if (!Number.isFinite(timeMs)) throw new RangeError(`time is not a finite number: ${timeMs}`);
  const second = Math.floor(timeMs / 1000) + SEOUL_OFFSET_MS / 1000;
  if (second !== nginxMemo.second) {
    const days = Math.floor(second / 86_400);
    if (days !== nginxMemo.day) {
      const { year, month, day } = civilFromDays(days);
      nginxMemo.day = days;
      nginxMemo.dayPrefix = `${PAD2[day]}/${MONTH_NAMES[month - 1]}/${String(year).padStart(4, '0')}:`;
    }
    const secondOfDay = second - days * 86_400;
    const minuteOfDay = Math.floor(secondOfDay / 60);
    nginxMemo.second = second;
    nginxMemo.text = `${nginxMemo.dayPrefix}${HOUR_MINUTE[minuteOfDay]}:${PAD2[secondOfDay - minuteOfDay * 60]} +0900`;
  }
  return nginxMemo.text;
}

/** Escaped forms of values that repeat (user agents), bounded so arbitrary input cannot grow it. */
class EscapeMemo {
  private readonly escaped = new Map<string, string>();
  private readonly escape: (value: string) => string;

  constructor(escape: (value: string) => string) {
    this.escape = escape;
  }

  get(value: string): string {
    let out = this.escaped.get(value);
    if (out === undefined) {
      out = this.escape(value);
      if (this.escaped.size >= 1024) this.escaped.clear();
      this.escaped.set(value, out);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------
// Endpoints

type Topic =
  | 'product'
  | 'search'
  | 'static'
  | 'probe'
  | 'cart'
  | 'user'
  | 'auth'
  | 'order'
  | 'payment'
  | 'shipping'
  | 'review'
  | 'notify'
  | 'coupon'
  | 'admin'
  | 'internal'
  | 'event';

const TOPICS: readonly Topic[] = [
  'product', 'search', 'static', 'probe', 'cart', 'user', 'auth', 'order',
  'payment', 'shipping', 'review', 'notify', 'coupon', 'admin', 'internal', 'event',
];

/** Which kind of event a message describes; picked from status and latency. */
const enum Outcome {
  Ok,
  Debug,
  Slow,
  Invalid,
  Unauthorized,
  Forbidden,
  NotFound,
  RateLimited,
  Timeout,
  Unavailable,
  InternalError,
}
const OUTCOME_COUNT = 11;

const topicBit = (topic: Topic): number => 1 << TOPICS.indexOf(topic);

/** Who calls an endpoint: probes and internal jobs come from a few fixed addresses. */
type Audience = 'public' | 'probe' | 'internal';

interface EndpointSpec {
  method: HttpMethod;
  route: string;
  topic: Topic;
  medianMs: number;
  /** Log-normal shape: about 0.3 for steady handlers, 0.7 for ones with long tails. */
  sigma: number;
  medianBytes: number;
  audience?: Audience;
  successStatus?: number;
}

const spec = (
  method: HttpMethod,
  route: string,
  topic: Topic,
  medianMs: number,
  sigma: number,
  medianBytes: number,
  extra: Pick<EndpointSpec, 'audience' | 'successStatus'> = {},
): EndpointSpec => ({ method, route, topic, medianMs, sigma, medianBytes, ...extra });

/** Hand-ranked head of the popularity curve: what a shop's traffic is mostly made of. */
const HEAD_ENDPOINTS: readonly EndpointSpec[] = [
  spec('GET', '/api/v1/products/{id}', 'product', 35, 0.5, 2400),
  spec('GET', '/api/v1/search?q={q}&page={page}', 'search', 120, 0.6, 8200),
  spec('GET', '/static/js/app.{hex8}.js', 'static', 4, 0.6, 182_000),
  spec('GET', '/api/v1/products?category={cat}&page={page}', 'product', 70, 0.5, 14_000),
  spec('GET', '/health', 'probe', 2, 0.4, 15, { audience: 'probe' }),
  spec('GET', '/api/v1/cart', 'cart', 25, 0.5, 1800),
  spec('POST', '/api/v1/events', 'event', 8, 0.5, 2, { successStatus: 202 }),
  spec('GET', '/api/v1/users/me', 'user', 18, 0.45, 900),
  spec('GET', '/static/css/main.{hex8}.css', 'static', 3, 0.6, 48_000),
  spec('GET', '/api/v1/orders/{id}', 'order', 45, 0.5, 3100),
  spec('GET', '/images/products/{id}/{n}.webp', 'static', 6, 0.7, 64_000),
  spec('GET', '/api/v1/recommendations?user={id}&limit=20', 'product', 90, 0.6, 9600),
  spec('GET', '/metrics', 'probe', 12, 0.3, 42_000, { audience: 'probe' }),
  spec('POST', '/api/v1/cart/items', 'cart', 40, 0.5, 600, { successStatus: 201 }),
  spec('GET', '/api/v1/products/{id}/reviews?page={page}', 'review', 55, 0.5, 7000),
  spec('POST', '/api/v1/auth/login', 'auth', 160, 0.35, 700, { successStatus: 200 }),
  spec('GET', '/api/v1/orders?page={page}', 'order', 80, 0.5, 12_000),
  spec('GET', '/api/v1/notifications?unread=true', 'notify', 30, 0.5, 2200),
  spec('POST', '/api/v1/orders', 'order', 220, 0.45, 1500),
  spec('POST', '/api/v1/payments', 'payment', 380, 0.5, 800),
  spec('GET', '/api/v1/categories', 'product', 15, 0.4, 5200),
  spec('DELETE', '/api/v1/cart/items/{id}', 'cart', 30, 0.5, 0),
  spec('GET', '/api/v1/shipments/{track}', 'shipping', 60, 0.5, 1900),
  spec('POST', '/api/v1/auth/refresh', 'auth', 25, 0.4, 450, { successStatus: 200 }),
  spec('GET', '/api/v1/coupons/available', 'coupon', 35, 0.5, 1600),
  spec('GET', '/api/v1/payments/{uuid}', 'payment', 50, 0.5, 1100),
  spec('POST', '/api/v1/auth/logout', 'auth', 12, 0.4, 0, { successStatus: 204 }),
  spec('GET', '/favicon.ico', 'static', 1, 0.5, 15_086),
  spec('GET', '/ready', 'probe', 1, 0.4, 2, { audience: 'probe' }),
  spec('POST', '/graphql', 'product', 95, 0.7, 5400, { successStatus: 200 }),
  spec('GET', '/api/v2/products/{id}/stock', 'product', 20, 0.5, 120),
  spec('GET', '/ko/products/{slug}-{id}', 'product', 140, 0.5, 68_000),
  spec('GET', '/api/v1/search/suggest?q={q}', 'search', 25, 0.5, 900),
  spec('GET', '/ko/events/{slug}', 'product', 110, 0.5, 52_000),
  spec('POST', '/api/v1/payments/{uuid}/confirm', 'payment', 450, 0.5, 900, { successStatus: 200 }),
  spec('GET', '/en/products/{slug}-{id}', 'product', 150, 0.5, 66_000),
  spec('POST', '/api/v1/orders/{id}/cancel', 'order', 180, 0.5, 800, { successStatus: 200 }),
  spec('GET', '/api/v1/orders/{id}/receipt.pdf', 'order', 350, 0.6, 85_000),
  spec('POST', '/api/v1/reviews', 'review', 130, 0.5, 400),
  spec('POST', '/api/v1/users', 'user', 240, 0.4, 600),
  spec('POST', '/api/v1/payments/{uuid}/cancel', 'payment', 300, 0.5, 700, { successStatus: 200 }),
  spec('GET', '/internal/v1/jobs/{uuid}', 'internal', 15, 0.5, 700, { audience: 'internal' }),
  spec('POST', '/webhooks/pg/{hex24}', 'payment', 60, 0.5, 20, { audience: 'internal', successStatus: 200 }),
  spec('POST', '/internal/v1/jobs', 'internal', 40, 0.5, 300, { audience: 'internal', successStatus: 202 }),
  spec('GET', '/admin/api/reports/daily/{date}?format=csv', 'admin', 1800, 0.6, 240_000),
  spec('GET', '/api/v1/sessions/{hex24}', 'auth', 10, 0.4, 400),
];

interface ResourceSpec {
  base: string;
  name: string;
  idVar: string;
  topic: Topic;
  itemMs: number;
  itemBytes: number;
  subs: readonly string[];
}

/** The long tail: ordinary CRUD on the rest of the domain, ranked by the order listed. */
const TAIL_RESOURCES: readonly ResourceSpec[] = [
  { base: '/api/v1', name: 'addresses', idVar: '{id}', topic: 'user', itemMs: 20, itemBytes: 500, subs: ['default'] },
  { base: '/api/v1', name: 'wishlists', idVar: '{id}', topic: 'user', itemMs: 25, itemBytes: 2600, subs: ['items'] },
  { base: '/api/v1', name: 'sellers', idVar: '{id}', topic: 'product', itemMs: 30, itemBytes: 1800, subs: ['products', 'ratings'] },
  { base: '/api/v1', name: 'brands', idVar: '{id}', topic: 'product', itemMs: 18, itemBytes: 1200, subs: ['products'] },
  { base: '/api/v1', name: 'inventory', idVar: '{sku}', topic: 'product', itemMs: 12, itemBytes: 300, subs: ['history'] },
  { base: '/api/v1', name: 'coupons', idVar: '{code}', topic: 'coupon', itemMs: 22, itemBytes: 700, subs: ['redemptions'] },
  { base: '/api/v1', name: 'refunds', idVar: '{uuid}', topic: 'payment', itemMs: 90, itemBytes: 900, subs: ['status'] },
  { base: '/api/v1', name: 'returns', idVar: '{id}', topic: 'order', itemMs: 60, itemBytes: 1100, subs: ['label'] },
  { base: '/api/v1', name: 'invoices', idVar: '{hex24}', topic: 'order', itemMs: 70, itemBytes: 2300, subs: ['lines'] },
  { base: '/api/v1', name: 'subscriptions', idVar: '{uuid}', topic: 'user', itemMs: 35, itemBytes: 800, subs: ['renewals'] },
  { base: '/api/v1', name: 'gift-cards', idVar: '{code}', topic: 'payment', itemMs: 40, itemBytes: 400, subs: ['balance'] },
  { base: '/api/v1', name: 'questions', idVar: '{id}', topic: 'review', itemMs: 30, itemBytes: 1500, subs: ['answers'] },
  { base: '/api/v1', name: 'devices', idVar: '{hex24}', topic: 'notify', itemMs: 15, itemBytes: 300, subs: ['tokens'] },
  { base: '/api/v1', name: 'stores', idVar: '{id}', topic: 'shipping', itemMs: 25, itemBytes: 1300, subs: ['hours', 'stock'] },
  { base: '/api/v1', name: 'points', idVar: '{id}', topic: 'user', itemMs: 20, itemBytes: 350, subs: ['history'] },
  { base: '/api/v1', name: 'banners', idVar: '{id}', topic: 'product', itemMs: 10, itemBytes: 900, subs: [] },
  { base: '/admin/api', name: 'users', idVar: '{id}', topic: 'admin', itemMs: 45, itemBytes: 1600, subs: ['orders', 'audit'] },
  { base: '/admin/api', name: 'products', idVar: '{id}', topic: 'admin', itemMs: 55, itemBytes: 3200, subs: ['prices'] },
  { base: '/admin/api', name: 'settlements', idVar: '{date}', topic: 'admin', itemMs: 400, itemBytes: 22_000, subs: ['export'] },
  { base: '/admin/api', name: 'audit-logs', idVar: '{uuid}', topic: 'admin', itemMs: 80, itemBytes: 1000, subs: [] },
  { base: '/internal/v1', name: 'experiments', idVar: '{slug}', topic: 'internal', itemMs: 8, itemBytes: 400, subs: ['assignments'] },
  { base: '/internal/v1', name: 'caches', idVar: '{slug}', topic: 'internal', itemMs: 5, itemBytes: 100, subs: [] },
];

function tailEndpoints(): EndpointSpec[] {
  // Reads outnumber writes, item reads outnumber lists; a resource listed later is rarer.
  const ranked: { spec: EndpointSpec; hint: number }[] = [];
  TAIL_RESOURCES.forEach((r, index) => {
    const item = `${r.base}/${r.name}/${r.idVar}`;
    const list = `${r.base}/${r.name}?page={page}`;
    const audience: Audience = r.topic === 'internal' ? 'internal' : 'public';
    const resourceWeight = 1 / (1 + index * 0.15);
    const add = (s: EndpointSpec, hint: number): void => {
      ranked.push({ spec: { ...s, audience }, hint: hint * resourceWeight });
    };
    add(spec('GET', item, r.topic, r.itemMs, 0.5, r.itemBytes), 1);
    add(spec('GET', list, r.topic, r.itemMs * 2.5, 0.55, r.itemBytes * 8), 0.7);
    for (const sub of r.subs) add(spec('GET', `${item}/${sub}`, r.topic, r.itemMs * 1.8, 0.55, r.itemBytes * 3), 0.45);
    add(spec('POST', `${r.base}/${r.name}`, r.topic, r.itemMs * 4, 0.5, r.itemBytes), 0.25);
    add(spec('PUT', item, r.topic, r.itemMs * 3.5, 0.5, r.itemBytes), 0.12);
    add(spec('PATCH', item, r.topic, r.itemMs * 3, 0.5, r.itemBytes), 0.08);
    add(spec('DELETE', item, r.topic, r.itemMs * 2, 0.5, 0), 0.06);
  });
  // Array.prototype.sort is stable (ES2019), so equal hints keep their listed order.
  return ranked.sort((a, b) => b.hint - a.hint).map((r) => r.spec);
}

/** Path variables; the ids among them (`id`, `uuid`, `hex*`, `track`, `sku`, `code`) are what folding should find. */
const enum PathVar {
  Id,
  Uuid,
  Hex8,
  Hex24,
  Page,
  SmallNumber,
  SearchTerm,
  Category,
  Slug,
  Date,
  Tracking,
  Sku,
  Code,
}

function isIdVar(kind: PathVar): boolean {
  return (
    kind === PathVar.Id || kind === PathVar.Uuid || kind === PathVar.Hex24 ||
    kind === PathVar.Tracking || kind === PathVar.Sku || kind === PathVar.Code
  );
}

const PATH_VARS: Record<string, PathVar> = {
  id: PathVar.Id,
  uuid: PathVar.Uuid,
  hex8: PathVar.Hex8,
  hex24: PathVar.Hex24,
  page: PathVar.Page,
  n: PathVar.SmallNumber,
  q: PathVar.SearchTerm,
  cat: PathVar.Category,
  slug: PathVar.Slug,
  date: PathVar.Date,
  track: PathVar.Tracking,
  sku: PathVar.Sku,
  code: PathVar.Code,
};

const SEARCH_TERMS = [
  '노트북', '무선 이어폰', '운동화', '아이폰 15', '에어프라이어', '캠핑 의자', '선크림', '생수',
  '기계식 키보드', '원피스', 'iphone case', 'coffee beans', '유아 카시트', '패딩', '닌텐도 스위치',
];
/** Browsers percent-encode query strings, so the Korean shows up encoded in the path. */
const ENCODED_SEARCH_TERMS = SEARCH_TERMS.map((t) => encodeURIComponent(t));
const CATEGORIES = ['electronics', 'fashion', 'beauty', 'food', 'sports', 'home', 'books', 'kids', 'pets'];
const SLUGS = [
  'spring-sale', 'new-arrivals', 'wireless-earbuds-pro', 'running-shoes-x2', 'organic-green-tea',
  'air-fryer-5l', 'camping-chair-lite', 'kids-raincoat', 'mechanical-keyboard-87', 'chuseok-gift-set',
];
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * An endpoint ready for the hot loop. Every field is always present, in one order, so all
 * endpoints share one hidden class and property reads in the loop stay monomorphic.
 */
interface Endpoint {
  method: HttpMethod;
  route: string;
  topic: Topic;
  topicBit: number;
  audience: Audience;
  medianMs: number;
  sigma: number;
  medianBytes: number;
  successStatus: number;
  /** Literal text and variables of `route`, alternating: literal, var, literal, …, literal. */
  literals: readonly string[];
  vars: readonly PathVar[];
  isWrite: boolean;
  slowMs: number;
  serverErrorRate: number;
  clientErrorRate: number;
  clientErrorTable: AliasTable;
  clientErrorStatuses: readonly number[];
  /** Index of the message candidates for (topic, read/write); add the outcome's offset. */
  candidateBase: number;
}

function compileRoute(route: string): { literals: string[]; vars: PathVar[] } {
  const literals: string[] = [];
  const vars: PathVar[] = [];
  let last = 0;
  for (const m of route.matchAll(/\{(\w+)\}/g)) {
    const v = PATH_VARS[m[1] ?? ''];
    if (v === undefined) throw new Error(`unknown path variable ${m[0]} in ${route}`);
    literals.push(route.slice(last, m.index));
    vars.push(v);
    last = m.index + m[0].length;
  }
  literals.push(route.slice(last));
  return { literals, vars };
}

/** Status mix of client errors by kind of endpoint: what a real gateway sees. */
function clientErrorProfile(s: EndpointSpec): { rate: number; statuses: number[]; weights: number[] } {
  const hasId = /\{(id|uuid|hex24|track|sku|code|slug|date)\}/.test(s.route);
  if (s.audience === 'probe') return { rate: 0, statuses: [404], weights: [1] };
  if (s.topic === 'static') return { rate: 0.005, statuses: [404], weights: [1] };
  if (s.route === '/api/v1/auth/login') return { rate: 0.12, statuses: [401, 400, 429], weights: [10, 1, 1] };
  switch (s.method) {
    case 'GET':
      return hasId
        ? { rate: 0.03, statuses: [404, 400, 401, 403], weights: [6, 1, 1, 0.5] }
        : { rate: 0.015, statuses: [400, 401, 429], weights: [2, 1, 1] };
    case 'POST':
      return { rate: 0.05, statuses: [400, 422, 409, 401, 429], weights: [3, 3, 1, 1, 0.5] };
    case 'PUT':
    case 'PATCH':
      return { rate: 0.04, statuses: [400, 422, 404, 409, 403], weights: [2, 2, 2, 1, 1] };
    case 'DELETE':
      return { rate: 0.04, statuses: [404, 403, 409], weights: [3, 2, 1] };
  }
}

function baseServerErrorRate(s: EndpointSpec): number {
  if (s.audience === 'probe' || s.topic === 'static') return 0.0005;
  if (s.topic === 'payment') return 0.006;
  if (s.topic === 'search') return 0.003;
  return 0.002;
}

/** Zipf exponent of endpoint popularity: with ~200 endpoints the top 10 get about half the traffic. */
const ENDPOINT_ZIPF_EXPONENT = 1.0;

function buildEndpoints(): Endpoint[] {
  const specs = [...HEAD_ENDPOINTS, ...tailEndpoints()];
  const seen = new Set<string>();
  return specs.map((s) => {
    const key = `${s.method} ${s.route}`;
    if (seen.has(key)) throw new Error(`duplicate endpoint ${key}`);
    seen.add(key);
    const { literals, vars } = compileRoute(s.route);
    const errors = clientErrorProfile(s);
    const isWrite = s.method !== 'GET';
    return {
      method: s.method,
      route: s.route,
      topic: s.topic,
      topicBit: topicBit(s.topic),
      audience: s.audience ?? 'public',
      medianMs: s.medianMs,
      sigma: s.sigma,
      medianBytes: s.medianBytes,
      successStatus: s.successStatus ?? (s.method === 'POST' ? 201 : s.method === 'DELETE' ? 204 : 200),
      literals,
      vars,
      isWrite,
      slowMs: Math.max(1000, Math.round(s.medianMs * 8)),
      serverErrorRate: baseServerErrorRate(s),
      clientErrorRate: errors.rate,
      clientErrorTable: createAliasTable(errors.weights),
      clientErrorStatuses: errors.statuses,
      candidateBase: (TOPICS.indexOf(s.topic) * 2 + (isWrite ? 1 : 0)) * OUTCOME_COUNT,
    };
  });
}

const ENDPOINTS: readonly Endpoint[] = buildEndpoints();
const ENDPOINT_TABLE = createAliasTable(ENDPOINTS.map((_, rank) => 1 / Math.pow(rank + 1, ENDPOINT_ZIPF_EXPONENT)));

/** Every endpoint template as `METHOD route`, most popular first. */
export const SERVICE_LOG_ENDPOINTS: readonly string[] = ENDPOINTS.map((e) => `${e.method} ${e.route}`);

// ---------------------------------------------------------------------------------------
// Clients: addresses, user agents, users

interface UserAgentSpec {
  ua: string;
  weight: number;
  isBot: boolean;
}

const USER_AGENTS: readonly UserAgentSpec[] = [
  { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', weight: 20, isBot: false },
  { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1', weight: 15, isBot: false },
  { ua: 'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36', weight: 12, isBot: false },
  { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', weight: 8, isBot: false },
  { ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36', weight: 8, isBot: false },
  { ua: 'ShopApp/5.12.0 (iOS 17.3; iPhone15,2; ko-KR)', weight: 8, isBot: false },
  { ua: 'ShopApp/5.12.0 (Android 14; SM-S918N; ko-KR) okhttp/4.12.0', weight: 7, isBot: false },
  { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Whale/3.25.232.19 Safari/537.36', weight: 5, isBot: false },
  { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.5.0', weight: 5, isBot: false },
  { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15', weight: 4, isBot: false },
  { ua: 'Mozilla/5.0 (Linux; Android 13; SM-G991N Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.178 Mobile Safari/537.36 NAVER(inapp; search; 2000; 12.3.2)', weight: 3, isBot: false },
  { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66', weight: 3, isBot: false },
  { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0', weight: 3, isBot: false },
  { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', weight: 2, isBot: true },
  { ua: 'Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)', weight: 2, isBot: true },
  { ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', weight: 1, isBot: true },
  { ua: 'curl/8.5.0', weight: 1, isBot: true },
  { ua: 'python-requests/2.31.0', weight: 1, isBot: true },
  { ua: 'Apache-HttpClient/4.5.14 (Java/17.0.10)', weight: 0.5, isBot: true },
];
const USER_AGENT_TABLE = createAliasTable(USER_AGENTS.map((u) => u.weight));

/** [first octet, lowest second octet, highest second octet, weight]: mostly Korean consumer ranges. */
const PUBLIC_IP_RANGES: readonly (readonly [number, number, number, number])[] = [
  [211, 32, 63, 10], [175, 192, 223, 9], [223, 32, 63, 9], [121, 128, 191, 8], [118, 32, 47, 6],
  [58, 120, 127, 5], [14, 32, 63, 5], [112, 144, 175, 5], [1, 224, 255, 4], [220, 64, 127, 4],
  [106, 240, 255, 4], [183, 96, 111, 3], [61, 72, 79, 3], [52, 78, 79, 1], [203, 0, 255, 1],
];
const PUBLIC_IP_TABLE = createAliasTable(PUBLIC_IP_RANGES.map((r) => r[3]));
const BOT_IP_RANGES: readonly (readonly [number, number, number, number])[] = [
  [66, 249, 249, 1], [110, 93, 93, 1], [40, 77, 77, 1], [3, 34, 39, 1],
];

const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['김', 'kim', 21], ['이', 'lee', 15], ['박', 'park', 8], ['최', 'choi', 5], ['정', 'jung', 4],
  ['강', 'kang', 2], ['조', 'cho', 2], ['윤', 'yoon', 2], ['장', 'jang', 2], ['임', 'lim', 2],
  ['한', 'han', 1], ['오', 'oh', 1], ['서', 'seo', 1], ['신', 'shin', 1], ['권', 'kwon', 1],
  ['황', 'hwang', 1], ['안', 'ahn', 1], ['송', 'song', 1],
];
const SURNAME_TABLE = createAliasTable(SURNAMES.map((s) => s[2]));
const GIVEN_NAMES: readonly (readonly [string, string])[] = [
  ['민준', 'minjun'], ['서연', 'seoyeon'], ['도윤', 'doyun'], ['지우', 'jiwoo'], ['서준', 'seojun'],
  ['하은', 'haeun'], ['예준', 'yejun'], ['하윤', 'hayun'], ['시우', 'siwoo'], ['지호', 'jiho'],
  ['수아', 'sua'], ['주원', 'juwon'], ['지민', 'jimin'], ['윤서', 'yunseo'], ['건우', 'gunwoo'],
  ['채원', 'chaewon'], ['현우', 'hyunwoo'], ['지유', 'jiyu'], ['우진', 'woojin'], ['은서', 'eunseo'],
];

interface Client {
  ip: string;
  userAgent: string;
  isBot: boolean;
  user: string | null;
}

const PUBLIC_CLIENT_COUNT = 5000;
const USER_COUNT = 1200;

function randomIp(rng: Xoshiro128StarStar, range: readonly [number, number, number, number]): string {
  const second = range[1] + rng.below(range[2] - range[1] + 1);
  return `${range[0]}.${second}.${rng.below(256)}.${1 + rng.below(254)}`;
}

function buildUsers(rng: Xoshiro128StarStar): string[] {
  const users: string[] = [];
  for (let i = 0; i < USER_COUNT; i++) {
    const surname = SURNAMES[pickAlias(SURNAME_TABLE, rng.float())] ?? SURNAMES[0]!;
    const given = pickOf(rng, GIVEN_NAMES);
    // About half sign in with their Korean name, the rest with a romanised handle.
    const style = rng.float();
    if (style < 0.5) users.push(`${surname[0]}${given[0]}`);
    else if (style < 0.8) users.push(`${given[1]}.${surname[1]}`);
    else users.push(`${given[1].slice(0, 2)}${surname[1]}${10 + rng.below(90)}`);
  }
  return users;
}

function buildPublicClients(rng: Xoshiro128StarStar, users: readonly string[]): { clients: Client[]; table: AliasTable } {
  const clients: Client[] = [];
  const weights: number[] = [];
  for (let i = 0; i < PUBLIC_CLIENT_COUNT; i++) {
    const agent = USER_AGENTS[pickAlias(USER_AGENT_TABLE, rng.float())] ?? USER_AGENTS[0]!;
    const range = agent.isBot
      ? pickOf(rng, BOT_IP_RANGES)
      : (PUBLIC_IP_RANGES[pickAlias(PUBLIC_IP_TABLE, rng.float())] ?? PUBLIC_IP_RANGES[0]!);
    const user = !agent.isBot && rng.float() < 0.6 ? pickOf(rng, users) : null;
    clients.push({ ip: randomIp(rng, range), userAgent: agent.ua, isBot: agent.isBot, user });
    // Log-normal activity: a few heavy clients, a long tail of one-visit ones; crawlers are heavy.
    weights.push(Math.exp(1.3 * rng.normal()) * (agent.isBot ? 6 : 1));
  }
  return { clients, table: createAliasTable(weights) };
}

const PROBE_CLIENTS: readonly Client[] = [
  { ip: '10.0.1.11', userAgent: 'kube-probe/1.29', isBot: true, user: null },
  { ip: '10.0.1.12', userAgent: 'kube-probe/1.29', isBot: true, user: null },
  { ip: '10.0.2.5', userAgent: 'Prometheus/2.51.2', isBot: true, user: null },
];
const INTERNAL_CLIENTS: readonly Client[] = [
  { ip: '10.0.3.21', userAgent: 'Go-http-client/1.1', isBot: true, user: 'svc-batch' },
  { ip: '10.0.3.22', userAgent: 'Go-http-client/1.1', isBot: true, user: 'svc-batch' },
  { ip: '10.0.3.40', userAgent: 'okhttp/4.12.0', isBot: true, user: 'svc-settlement' },
  { ip: '10.0.7.9', userAgent: 'PGWebhook/1.3', isBot: true, user: null },
];

// ---------------------------------------------------------------------------------------
// Downstream services and incidents

interface Downstream {
  name: string;
  address: string;
  timeoutMs: number;
  /** Bits (`topicBit`) of the topics whose requests go through this service; an incident hits them hardest. */
  topicMask: number;
}

const downstream = (name: string, address: string, timeoutMs: number, topics: readonly Topic[]): Downstream => ({
  name,
  address,
  timeoutMs,
  topicMask: topics.reduce((mask, t) => mask | topicBit(t), 0),
});

const DOWNSTREAMS: readonly Downstream[] = [
  downstream('payment-service', '10.0.3.7:8080', 3000, ['payment', 'order']),
  downstream('inventory-db', '10.0.4.12:5432', 5000, ['product', 'cart', 'order']),
  downstream('search-cluster', '10.0.5.21:9200', 2000, ['search', 'product']),
  downstream('auth-service', '10.0.3.15:8443', 3000, ['auth', 'user', 'cart']),
  downstream('redis-cache', '10.0.6.3:6379', 1000, ['product', 'search', 'cart', 'user', 'static']),
  downstream('notification-service', '10.0.3.30:8080', 5000, ['notify', 'shipping', 'review']),
  downstream('order-db', '10.0.4.11:5432', 5000, ['order', 'admin', 'coupon', 'internal', 'event']),
];

/** The downstream a topic's messages name when no incident is under way. */
const DEFAULT_DOWNSTREAM: Record<Topic, Downstream> = Object.fromEntries(
  TOPICS.map((topic) => [topic, DOWNSTREAMS.find((d) => (d.topicMask & topicBit(topic)) !== 0) ?? DOWNSTREAMS[4]!]),
) as Record<Topic, Downstream>;

interface Incident {
  startMs: number;
  endMs: number;
  downstream: Downstream;
  /** 5xx share of requests whose topic goes through the failing service. */
  hitErrorShare: number;
  /** 5xx share of all other requests: the gateway's pools fill up and everything suffers a little. */
  spillErrorShare: number;
  hitLatencyFactor: number;
  spillLatencyFactor: number;
}

/**
 * A few incident windows, one in each equal slot of the range so they never overlap, at a
 * random place in the slot. They depend on the seed, start and days only, not on `lines`.
 */
function buildIncidents(rng: Xoshiro128StarStar, startMs: number, spanMs: number, days: number): Incident[] {
  const count = Math.max(2, Math.round(days * 0.6));
  const slotMs = spanMs / count;
  const incidents: Incident[] = [];
  for (let i = 0; i < count; i++) {
    const durationMs = Math.min((15 + rng.float() * 35) * MS_PER_MINUTE, slotMs * 0.3);
    const offsetMs = slotMs * 0.05 + rng.float() * (slotMs * 0.9 - durationMs);
    const incidentStart = Math.floor(startMs + i * slotMs + offsetMs);
    incidents.push({
      startMs: incidentStart,
      endMs: Math.floor(incidentStart + durationMs),
      downstream: pickOf(rng, DOWNSTREAMS),
      hitErrorShare: 0.35 + rng.float() * 0.4,
      spillErrorShare: 0.08 + rng.float() * 0.12,
      hitLatencyFactor: 5 + rng.float() * 10,
      spillLatencyFactor: 2.5 + rng.float() * 1.5,
    });
  }
  return incidents;
}

// ---------------------------------------------------------------------------------------
// Daily and weekly rhythm

/** Relative traffic by hour of the day in Seoul: quiet nights, a lunch bump, busy afternoons, a shopping evening. */
const HOURLY_PROFILE = [
  0.3, 0.2, 0.14, 0.11, 0.1, 0.12, 0.2, 0.35, 0.55, 0.75, 0.85, 0.9,
  0.95, 0.98, 1.0, 1.0, 0.97, 0.88, 0.8, 0.78, 0.82, 0.8, 0.65, 0.45,
];
/** Relative traffic by day of the week in Seoul, Sunday first. */
const WEEKDAY_FACTOR = [0.55, 1.0, 1.0, 1.0, 0.98, 0.92, 0.6];

function rhythmAt(timeMs: number): number {
  const localMs = timeMs + SEOUL_OFFSET_MS;
  const localDay = Math.floor(localMs / MS_PER_DAY);
  // Interpolate between hour midpoints so buckets inside one hour differ smoothly.
  const hour = (localMs - localDay * MS_PER_DAY) / MS_PER_HOUR - 0.5;
  const h0 = Math.floor(hour);
  const frac = hour - h0;
  const a = HOURLY_PROFILE[(h0 + 24) % 24] ?? 1;
  const b = HOURLY_PROFILE[(h0 + 25) % 24] ?? 1;
  // 1970-01-01 was a Thursday.
  const weekday = (((localDay + 4) % 7) + 7) % 7;
  return (a + (b - a) * frac) * (WEEKDAY_FACTOR[weekday] ?? 1);
}

/** Piecewise-uniform CDF of the arrival rate over the range, for inverse-CDF sampling. */
function buildRhythmCdf(startMs: number, spanMs: number): Float64Array {
  const buckets = Math.ceil(spanMs / RHYTHM_BUCKET_MS);
  const cdf = new Float64Array(buckets + 1);
  let sum = 0;
  for (let b = 0; b < buckets; b++) {
    const from = b * RHYTHM_BUCKET_MS;
    const length = Math.min(RHYTHM_BUCKET_MS, spanMs - from);
    sum += rhythmAt(startMs + from + length / 2) * length;
    cdf[b + 1] = sum;
  }
  for (let b = 1; b <= buckets; b++) cdf[b] = (cdf[b] ?? 0) / sum;
  cdf[buckets] = 1;
  return cdf;
}

// ---------------------------------------------------------------------------------------
// Messages


/** What the message builders may refer to; one mutable instance per generator, refilled per record. */
interface MessageContext {
  rng: Xoshiro128StarStar;
  time: number;
  method: HttpMethod;
  path: string;
  topic: Topic;
  status: number;
  latencyMs: number;
  clientIp: string;
  user: string | null;
  /** The first id in the path, '' when it has none (then `idOf` draws one). */
  pathId: string;
  /** The raw search term when the path has one. */
  term: string;
  downstream: Downstream;
  slowMs: number;
}

interface MessageTemplate {
  text: string;
  outcomes: readonly Outcome[];
  /** Null: fits any topic. */
  topics: readonly Topic[] | null;
  /** Undefined: fits reads and writes. */
  isWrite?: boolean;
  build: (c: MessageContext) => string;
}

const TABLES = ['orders', 'order_items', 'products', 'inventory', 'users', 'payments', 'coupons', 'reviews', 'shipments'];
const FIELDS = ['email', 'phone', 'quantity', 'address.zipcode', 'coupon_code', 'birth_date', 'items[0].sku'];
const REASONS = ['must not be empty', 'must be a valid email', 'must be between 1 and 99', '형식이 올바르지 않습니다', '필수 항목입니다'];
const FLAGS = ['new-checkout', 'reco-v2', 'fast-search', 'kakao-pay', 'free-shipping-banner'];
const PROPS = ['id', 'price', 'items', 'userId', 'length'];
const HANDLERS = ['OrderController.create', 'PaymentService.confirm', 'CartService.merge', 'SearchController.query', 'ProductService.detail'];
const ACTIONS = ['read', 'update', 'delete', 'export'];
const CARDS = ['BC카드', 'Shinhan', 'KB국민', 'Hyundai', 'Samsung', 'Lotte'];
const CHANNELS = ['push', 'email', 'sms', 'kakao'];
const SHIP_STATUSES_EN = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'];
const SHIP_STATUSES_KO = ['집하 완료', '배송중', '배송 출발', '배송 완료'];

const userOrAnonymous = (c: MessageContext): string => c.user ?? 'anonymous';
/** Drawn only when a message needs an id the path does not have: most messages do not. */
const idOf = (c: MessageContext): string => (c.pathId === '' ? String(entityId(c.rng)) : c.pathId);
const amountKrw = (c: MessageContext): number => (1 + c.rng.below(300)) * 1000 - (c.rng.float() < 0.3 ? 100 : 0);

const MESSAGE_TEMPLATES: readonly MessageTemplate[] = [
  // Ordinary successes.
  { text: 'Request {hex} handled by worker-{n} in {ms} ms', outcomes: [Outcome.Ok], topics: null,
    build: (c) => `Request ${hexId(c.rng, 2)} handled by worker-${1 + c.rng.below(8)} in ${c.latencyMs} ms` },
  { text: 'Connection from {ip} closed after {ms} ms', outcomes: [Outcome.Ok], topics: null,
    build: (c) => `Connection from ${c.clientIp} closed after ${c.latencyMs} ms` },
  { text: '주문 {id} 처리 완료 ({ms} ms)', outcomes: [Outcome.Ok], topics: ['order'],
    build: (c) => `주문 ${idOf(c)} 처리 완료 (${c.latencyMs} ms)` },
  { text: 'Order {id} created for {user}, {n} items, total {amount} KRW', outcomes: [Outcome.Ok], topics: ['order'], isWrite: true,
    build: (c) => `Order ${idOf(c)} created for ${userOrAnonymous(c)}, ${1 + c.rng.below(6)} items, total ${withThousands(amountKrw(c))} KRW` },
  { text: 'Payment {uuid} authorized: amount={n} KRW, card="{card}"', outcomes: [Outcome.Ok], topics: ['payment'], isWrite: true,
    build: (c) => `Payment ${uuid(c.rng)} authorized: amount=${amountKrw(c)} KRW, card="${pickOf(c.rng, CARDS)}"` },
  { text: '결제 {uuid} 승인 완료 (금액 {amount}원)', outcomes: [Outcome.Ok], topics: ['payment'],
    build: (c) => `결제 ${uuid(c.rng)} 승인 완료 (금액 ${withThousands(amountKrw(c))}원)` },
  { text: 'User {user} logged in from {ip}', outcomes: [Outcome.Ok], topics: ['auth'], isWrite: true,
    build: (c) => `User ${userOrAnonymous(c)} logged in from ${c.clientIp}` },
  { text: '사용자 {user} 로그인 성공 ({ip})', outcomes: [Outcome.Ok], topics: ['auth', 'user'],
    build: (c) => `사용자 ${userOrAnonymous(c)} 로그인 성공 (${c.clientIp})` },
  { text: 'Cart {hex} updated: {n} items, total {amount} KRW', outcomes: [Outcome.Ok], topics: ['cart'], isWrite: true,
    build: (c) => `Cart ${hexId(c.rng, 3)} updated: ${1 + c.rng.below(12)} items, total ${withThousands(amountKrw(c))} KRW` },
  { text: 'Search "{term}" returned {n} results in {ms} ms', outcomes: [Outcome.Ok], topics: ['search'],
    build: (c) => `Search "${c.term}" returned ${c.rng.below(2000)} results in ${c.latencyMs} ms` },
  { text: '검색어 "{term}" 결과 {n}건 ({ms} ms)', outcomes: [Outcome.Ok], topics: ['search'],
    build: (c) => `검색어 "${c.term}" 결과 ${c.rng.below(2000)}건 (${c.latencyMs} ms)` },
  { text: 'Served {path} from cache (etag "{hex}")', outcomes: [Outcome.Ok], topics: ['static'],
    build: (c) => `Served ${c.path} from cache (etag "${hexId(c.rng, 2)}")` },
  { text: 'Health check ok: db=up, cache=up, uptime={n} s', outcomes: [Outcome.Ok, Outcome.Debug], topics: ['probe'],
    build: (c) => `Health check ok: db=up, cache=up, uptime=${Math.floor((c.time / 1000) % 604_800)} s` },
  { text: 'Shipment {track} status changed to {status}', outcomes: [Outcome.Ok], topics: ['shipping'],
    build: (c) => `Shipment ${idOf(c)} status changed to ${pickOf(c.rng, SHIP_STATUSES_EN)}` },
  { text: '배송 {track} 상태 변경: {status}', outcomes: [Outcome.Ok], topics: ['shipping'],
    build: (c) => `배송 ${idOf(c)} 상태 변경: ${pickOf(c.rng, SHIP_STATUSES_KO)}` },
  { text: 'Notification {uuid} sent to {user} via {channel}', outcomes: [Outcome.Ok], topics: ['notify'],
    build: (c) => `Notification ${uuid(c.rng)} sent to ${userOrAnonymous(c)} via ${pickOf(c.rng, CHANNELS)}` },
  { text: 'Product {id} loaded: stock={n}, price={n} KRW', outcomes: [Outcome.Ok], topics: ['product'], isWrite: false,
    build: (c) => `Product ${idOf(c)} loaded: stock=${c.rng.below(500)}, price=${amountKrw(c)} KRW` },
  // Debug chatter.
  { text: 'Cache hit for key "{key}" (ttl {n} s)', outcomes: [Outcome.Debug], topics: null,
    build: (c) => `Cache hit for key "${c.topic}:${idOf(c)}:v2" (ttl ${60 * (1 + c.rng.below(30))} s)` },
  { text: 'Cache miss for key "{key}", loading from db', outcomes: [Outcome.Debug], topics: null,
    build: (c) => `Cache miss for key "${c.topic}:${idOf(c)}:v2", loading from db` },
  { text: 'trace_id={hex} span_id={hex} sampled=true', outcomes: [Outcome.Debug], topics: null,
    build: (c) => `trace_id=${hexId(c.rng, 4)} span_id=${hexId(c.rng, 2)} sampled=true` },
  { text: 'SQL SELECT on {table} took {ms} ms, rows={n}', outcomes: [Outcome.Debug], topics: null,
    build: (c) => `SQL SELECT on ${pickOf(c.rng, TABLES)} took ${Math.max(0, c.latencyMs - c.rng.below(5))} ms, rows=${c.rng.below(200)}` },
  { text: 'Feature flag "{flag}" evaluated to {bool} for {user}', outcomes: [Outcome.Debug], topics: null,
    build: (c) => `Feature flag "${pickOf(c.rng, FLAGS)}" evaluated to ${c.rng.float() < 0.5} for ${userOrAnonymous(c)}` },
  // Slow but successful.
  { text: 'Slow request: {method} {path} took {ms} ms (threshold {ms} ms)', outcomes: [Outcome.Slow], topics: null,
    build: (c) => `Slow request: ${c.method} ${c.path} took ${c.latencyMs} ms (threshold ${c.slowMs} ms)` },
  { text: 'Slow query on table "{table}": {ms} ms', outcomes: [Outcome.Slow], topics: null,
    build: (c) => `Slow query on table "${pickOf(c.rng, TABLES)}": ${Math.round(c.latencyMs * 0.8)} ms` },
  { text: '응답 지연: {path} {ms} ms', outcomes: [Outcome.Slow], topics: null,
    build: (c) => `응답 지연: ${c.path} ${c.latencyMs} ms` },
  { text: 'Retrying call to {service} (attempt {n}/3) after {ms} ms', outcomes: [Outcome.Slow], topics: null,
    build: (c) => `Retrying call to ${c.downstream.name} (attempt ${2 + c.rng.below(2)}/3) after ${Math.round(c.latencyMs / 2)} ms` },
  // Client errors.
  { text: 'Validation failed for field "{field}": {reason}', outcomes: [Outcome.Invalid], topics: null,
    build: (c) => `Validation failed for field "${pickOf(c.rng, FIELDS)}": ${pickOf(c.rng, REASONS)}` },
  { text: 'Invalid token for user {user}: expired at {time}', outcomes: [Outcome.Unauthorized], topics: null,
    build: (c) => `Invalid token for user ${userOrAnonymous(c)}: expired at ${formatIsoTime(c.time - 1000 * c.rng.below(86_400))}` },
  { text: 'Login failed for {user} from {ip}: bad credentials', outcomes: [Outcome.Unauthorized], topics: ['auth'],
    build: (c) => `Login failed for ${userOrAnonymous(c)} from ${c.clientIp}: bad credentials` },
  { text: 'Permission denied: {user} cannot {action} {path}', outcomes: [Outcome.Forbidden], topics: null,
    build: (c) => `Permission denied: ${userOrAnonymous(c)} cannot ${pickOf(c.rng, ACTIONS)} ${c.path}` },
  { text: 'No resource at {path}', outcomes: [Outcome.NotFound], topics: null,
    build: (c) => `No resource at ${c.path}` },
  { text: '상품 {id}을(를) 찾을 수 없습니다', outcomes: [Outcome.NotFound], topics: ['product', 'review'],
    build: (c) => `상품 ${idOf(c)}을(를) 찾을 수 없습니다` },
  { text: 'Order {id} not found', outcomes: [Outcome.NotFound], topics: ['order'],
    build: (c) => `Order ${idOf(c)} not found` },
  { text: 'Rate limit exceeded for {ip}: {n} requests in 60 s', outcomes: [Outcome.RateLimited], topics: null,
    build: (c) => `Rate limit exceeded for ${c.clientIp}: ${600 + c.rng.below(1400)} requests in 60 s` },
  // Server errors.
  { text: 'Timeout calling {service} after {ms} ms', outcomes: [Outcome.Timeout], topics: null,
    build: (c) => `Timeout calling ${c.downstream.name} after ${c.downstream.timeoutMs} ms` },
  { text: 'Connection refused: {service} at {address}', outcomes: [Outcome.Unavailable], topics: null,
    build: (c) => `Connection refused: ${c.downstream.name} at ${c.downstream.address}` },
  { text: 'Circuit breaker OPEN for {service} after {n} consecutive failures', outcomes: [Outcome.Unavailable], topics: null,
    build: (c) => `Circuit breaker OPEN for ${c.downstream.name} after ${5 + c.rng.below(20)} consecutive failures` },
  { text: '결제 {uuid} 실패: PG 응답 없음 ({service})', outcomes: [Outcome.Unavailable, Outcome.Timeout], topics: ['payment'],
    build: (c) => `결제 ${uuid(c.rng)} 실패: PG 응답 없음 (${c.downstream.name})` },
  { text: "TypeError: Cannot read properties of undefined (reading '{prop}') in {handler}", outcomes: [Outcome.InternalError], topics: null,
    build: (c) => `TypeError: Cannot read properties of undefined (reading '${pickOf(c.rng, PROPS)}') in ${pickOf(c.rng, HANDLERS)}` },
  { text: 'Database error: deadlock detected on table "{table}" (txid {n})', outcomes: [Outcome.InternalError], topics: null,
    build: (c) => `Database error: deadlock detected on table "${pickOf(c.rng, TABLES)}" (txid ${entityId(c.rng) * 10 + c.rng.below(10)})` },
];

/** Message templates, as written with `{placeholders}`: the ground truth for the template miner. */
export const SERVICE_LOG_MESSAGE_TEMPLATES: readonly string[] = MESSAGE_TEMPLATES.map((t) => t.text);

/**
 * Candidates per (outcome, topic, read/write), with a cumulative weight table: a template
 * written for the topic is three times as likely as a generic one.
 */
interface Candidates {
  templates: readonly Pick<MessageTemplate, 'text' | 'build'>[];
  table: AliasTable;
}

function buildCandidateTable(): Candidates[] {
  const table: Candidates[] = [];
  for (const topic of TOPICS) {
    for (const isWrite of [false, true]) {
      for (let outcome = 0; outcome < OUTCOME_COUNT; outcome++) {
        const templates = MESSAGE_TEMPLATES.filter(
          (t) =>
            t.outcomes.includes(outcome) &&
            (t.topics === null || t.topics.includes(topic)) &&
            (t.isWrite === undefined || t.isWrite === isWrite),
        );
        if (templates.length === 0) throw new Error(`no message template for outcome ${outcome}, ${topic}`);
        table.push({
          // Only what the loop reads, in one shape: the templates' optional fields would make the reads polymorphic.
          templates: templates.map((t) => ({ text: t.text, build: t.build })),
          table: createAliasTable(templates.map((t) => (t.topics === null ? 1 : 3))),
        });
      }
    }
  }
  return table;
}

/** Laid out as [topic][read/write][outcome], matching `Endpoint.candidateBase`. */
const CANDIDATES = buildCandidateTable();

function outcomeOf(status: number, latencyMs: number, slowMs: number, rng: Xoshiro128StarStar): Outcome {
  if (status >= 500) return status === 504 ? Outcome.Timeout : status === 500 ? Outcome.InternalError : Outcome.Unavailable;
  switch (status) {
    case 401:
      return Outcome.Unauthorized;
    case 403:
      return Outcome.Forbidden;
    case 404:
      return Outcome.NotFound;
    case 429:
      return Outcome.RateLimited;
  }
  if (status >= 400) return Outcome.Invalid;
  if (latencyMs >= slowMs) return Outcome.Slow;
  return rng.float() < DEBUG_SHARE ? Outcome.Debug : Outcome.Ok;
}

/** Share of ordinary successes logged at DEBUG (a service with debug logging left on for some loggers). */
const DEBUG_SHARE = 0.08;

function levelOf(outcome: Outcome): LogLevel {
  switch (outcome) {
    case Outcome.Ok:
      return 'INFO';
    case Outcome.Debug:
      return 'DEBUG';
    case Outcome.Timeout:
    case Outcome.Unavailable:
    case Outcome.InternalError:
      return 'ERROR';
    default:
      return 'WARN';
  }
}

// ---------------------------------------------------------------------------------------
// The generator

function parseStart(start: string): number {
  // Only UTC instants: a local time without offset would make the output depend on the host's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(start)) {
    throw new RangeError(`start must be an ISO-8601 UTC instant like 2024-03-04T00:00:00Z, got "${start}"`);
  }
  const ms = Date.parse(start);
  if (!Number.isFinite(ms)) throw new RangeError(`start is not a valid date: "${start}"`);
  return ms;
}

function validateOptions(options: ServiceLogOptions): { lines: number; seed: number; startMs: number; days: number } {
  const { lines, seed = DEFAULT_SERVICE_LOG_SEED, start = DEFAULT_SERVICE_LOG_START, days = DEFAULT_SERVICE_LOG_DAYS } = options;
  if (!Number.isSafeInteger(lines) || lines < 0) throw new RangeError(`lines must be a non-negative integer, got ${lines}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  // Ten years is far beyond any use and keeps the rhythm table (one entry per 10 minutes) small.
  if (!Number.isFinite(days) || days <= 0 || days > 3660) throw new RangeError(`days must be more than 0 and at most 3660, got ${days}`);
  return { lines, seed, startMs: parseStart(start), days };
}

/**
 * Records in time order. Everything random is drawn from one stream seeded by `seed`, so the
 * same options give the same records; tables (clients, users, incidents) are drawn first and
 * so do not depend on `lines`. O(1) work per record after a setup of a few milliseconds.
 */
export function createServiceLogGenerator(options: ServiceLogOptions): IterableIterator<ServiceLogRecord> {
  const { lines, seed, startMs, days } = validateOptions(options);
  return new ServiceLogIterator(lines, seed, startMs, days);
}

/**
 * A class rather than a generator function: suspending a generator saves and restores all of
 * its live locals at every `yield`, which cost a fifth of the time per record here.
 */
class ServiceLogIterator implements IterableIterator<ServiceLogRecord> {
  private readonly rng: Xoshiro128StarStar;
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly clients: readonly Client[];
  private readonly clientTable: AliasTable;
  private readonly incidents: readonly Incident[];
  private readonly cdf: Float64Array;
  private readonly context: MessageContext;
  private readonly lines: number;
  private index = 0;
  /** Position of the last arrival in the rhythm's CDF, in [0, 1]. */
  private quantile = 0;
  private bucket = 0;
  private incidentIndex = 0;
  /** Which search term the last `{q}` drew, for the message to quote it unencoded. */
  private lastTermIndex = 0;

  constructor(lines: number, seed: number, startMs: number, days: number) {
    const rng = Xoshiro128StarStar.fromSeed(seed);
    const spanMs = Math.round(days * MS_PER_DAY);
    const users = buildUsers(rng);
    const { clients, table } = buildPublicClients(rng, users);
    this.rng = rng;
    this.lines = lines;
    this.startMs = startMs;
    this.endMs = startMs + spanMs;
    this.clients = clients;
    this.clientTable = table;
    this.incidents = buildIncidents(rng, startMs, spanMs, days);
    this.cdf = buildRhythmCdf(startMs, spanMs);
    this.context = {
      rng,
      time: startMs,
      method: 'GET',
      path: '',
      topic: 'product',
      status: 200,
      latencyMs: 0,
      clientIp: '',
      user: null,
      pathId: '',
      term: '',
      downstream: DOWNSTREAMS[0]!,
      slowMs: 1000,
    };
  }

  [Symbol.iterator](): IterableIterator<ServiceLogRecord> {
    return this;
  }

  next(): IteratorResult<ServiceLogRecord, undefined> {
    if (this.index >= this.lines) return { done: true, value: undefined };
    const value = this.nextRecord();
    this.index++;
    return { done: false, value };
  }

  /**
   * Arrival times are the order statistics of `lines` uniform draws, produced in ascending
   * order one at a time (the smallest of m remaining uniforms on [q, 1) is q + (1 - q)(1 - U^(1/m))),
   * then pushed through the rhythm's inverse CDF. That gives Poisson-like gaps, exactly
   * `lines` records, and O(1) work per record without holding them all.
   */
  private nextTime(): number {
    const remaining = this.lines - this.index;
    const cdf = this.cdf;
    const q = this.quantile + (1 - this.quantile) * -Math.expm1(Math.log(this.rng.openFloat()) / remaining);
    this.quantile = q;
    const lastBucket = cdf.length - 2;
    let bucket = this.bucket;
    while (bucket < lastBucket && (cdf[bucket + 1] as number) <= q) bucket++;
    this.bucket = bucket;
    const lo = cdf[bucket] as number;
    const hi = cdf[bucket + 1] as number;
    const bucketStartMs = this.startMs + bucket * RHYTHM_BUCKET_MS;
    const bucketLengthMs = Math.min(RHYTHM_BUCKET_MS, this.endMs - bucketStartMs);
    const within = hi > lo ? Math.min(1, (q - lo) / (hi - lo)) : 0;
    return Math.min(this.endMs - 1, Math.floor(bucketStartMs + within * bucketLengthMs));
  }

  private nextRecord(): ServiceLogRecord {
    const rng = this.rng;
    const time = this.nextTime();

    const incidents = this.incidents;
    while (this.incidentIndex < incidents.length && (incidents[this.incidentIndex] as Incident).endMs <= time) this.incidentIndex++;
    const candidate = incidents[this.incidentIndex];
    const incident = candidate !== undefined && candidate.startMs <= time ? candidate : null;

    const endpoint = ENDPOINTS[pickAlias(ENDPOINT_TABLE, rng.float())] as Endpoint;
    const isHit = incident !== null && (incident.downstream.topicMask & endpoint.topicBit) !== 0;

    // Path, remembering the first id and the search term for the message.
    let path = endpoint.literals[0] as string;
    let pathId = '';
    let term = '';
    for (let v = 0; v < endpoint.vars.length; v++) {
      const kind = endpoint.vars[v] as PathVar;
      const value = this.pathValue(kind, time);
      if (kind === PathVar.SearchTerm) term = SEARCH_TERMS[this.lastTermIndex] as string;
      if (pathId === '' && isIdVar(kind)) pathId = value;
      path += value;
      path += endpoint.literals[v + 1] as string;
    }

    // Client: probes and internal jobs from fixed addresses, crawlers only read.
    let client: Client;
    if (endpoint.audience === 'probe') client = pickOf(rng, PROBE_CLIENTS);
    else if (endpoint.audience === 'internal') client = pickOf(rng, INTERNAL_CLIENTS);
    else {
      client = this.clients[pickAlias(this.clientTable, rng.float())] as Client;
      for (let tries = 0; client.isBot && endpoint.isWrite && tries < 4; tries++) {
        client = this.clients[pickAlias(this.clientTable, rng.float())] as Client;
      }
    }

    // Status.
    const serverErrorShare =
      incident === null ? endpoint.serverErrorRate : isHit ? incident.hitErrorShare : incident.spillErrorShare;
    const downstream = isHit ? (incident as Incident).downstream : DEFAULT_DOWNSTREAM[endpoint.topic];
    const u = rng.float();
    let status: number;
    if (u < serverErrorShare) {
      const v = rng.float();
      // During an incident the failing service mostly times out or refuses; otherwise bugs dominate.
      status =
        incident !== null
          ? v < 0.5 ? 504 : v < 0.8 ? 503 : v < 0.95 ? 502 : 500
          : v < 0.6 ? 500 : v < 0.75 ? 502 : v < 0.9 ? 503 : 504;
    } else if (u < serverErrorShare + endpoint.clientErrorRate) {
      status = endpoint.clientErrorStatuses[pickAlias(endpoint.clientErrorTable, rng.float())] as number;
    } else if (endpoint.topic === 'static' && rng.float() < 0.35) {
      status = 304;
    } else {
      status = endpoint.successStatus as number;
    }

    // Latency: log-normal around the endpoint's median, slower during incidents, with rare
    // spikes (a GC pause, a cold cache) anywhere.
    let latency = endpoint.medianMs * Math.exp(endpoint.sigma * rng.normal());
    if (incident !== null) latency *= isHit ? incident.hitLatencyFactor : incident.spillLatencyFactor;
    if (rng.float() < 0.002) latency *= 5 + rng.float() * 35;
    if (status === 504) {
      // The request waited for its downstream's timeout, as the message will say.
      latency = downstream.timeoutMs + endpoint.medianMs * rng.float();
    } else if (status === 502 || status === 503) {
      latency *= 0.3; // refused connections fail fast
    } else if (status >= 400) {
      latency *= 0.5; // rejected before the expensive part
    }
    if (latency > GATEWAY_TIMEOUT_MS) {
      latency = GATEWAY_TIMEOUT_MS + rng.below(50);
      status = 504;
    }
    const latencyMs = Math.round(latency);

    // Body size: nothing for 204/304, a small JSON error body for errors.
    let bytes: number;
    if (status === 204 || status === 304 || (status < 300 && endpoint.medianBytes === 0)) bytes = 0;
    else if (status >= 400) bytes = 60 + rng.below(300);
    else bytes = Math.max(1, Math.round(endpoint.medianBytes * Math.exp(0.4 * rng.normal())));

    const outcome = outcomeOf(status, latencyMs, endpoint.slowMs, rng);
    const c = this.context;
    c.time = time;
    c.method = endpoint.method;
    c.path = path;
    c.topic = endpoint.topic;
    c.status = status;
    c.latencyMs = latencyMs;
    c.clientIp = client.ip;
    c.user = client.user;
    c.pathId = pathId;
    c.term = term;
    c.downstream = downstream;
    c.slowMs = endpoint.slowMs;
    const candidates = CANDIDATES[endpoint.candidateBase + outcome] as Candidates;
    const template = candidates.templates[pickAlias(candidates.table, rng.float())] as Pick<MessageTemplate, 'text' | 'build'>;

    return {
      time,
      method: endpoint.method,
      path,
      route: endpoint.route,
      status,
      latencyMs,
      bytes,
      clientIp: client.ip,
      userAgent: client.userAgent,
      user: client.user,
      level: levelOf(outcome),
      message: template.build(c),
      messageTemplate: template.text,
    };
  }

  private pathValue(kind: PathVar, time: number): string {
    const rng = this.rng;
    switch (kind) {
      case PathVar.Id:
        return String(entityId(rng));
      case PathVar.Uuid:
        return uuid(rng);
      case PathVar.Hex8:
        return hex32(rng.uint32());
      case PathVar.Hex24:
        return hexId(rng, 3);
      case PathVar.Page:
        // Most people never leave page 1.
        return PAGE_NUMBERS[rng.float() < 0.6 ? 1 : 2 + rng.below(rng.float() < 0.8 ? 3 : 20)] as string;
      case PathVar.SmallNumber:
        return PAGE_NUMBERS[1 + rng.below(8)] as string;
      case PathVar.SearchTerm:
        this.lastTermIndex = rng.below(SEARCH_TERMS.length);
        return ENCODED_SEARCH_TERMS[this.lastTermIndex] as string;
      case PathVar.Category:
        return pickOf(rng, CATEGORIES);
      case PathVar.Slug:
        return pickOf(rng, SLUGS);
      case PathVar.Date:
        // A daily report for one of the last few days, by the Seoul calendar.
        return formatIsoTime(time + SEOUL_OFFSET_MS - (1 + rng.below(7)) * MS_PER_DAY).slice(0, 10);
      case PathVar.Tracking:
        return `${5000 + rng.below(5000)}${PAD2[rng.below(100)]}${PAD3[rng.below(1000)]}${PAD3[rng.below(1000)]}`;
      case PathVar.Sku:
        return `SKU-${100_000 + rng.below(900_000)}-KR`;
      case PathVar.Code: {
        let code = '';
        for (let k = 0; k < 10; k++) code += CODE_ALPHABET[rng.below(CODE_ALPHABET.length)];
        return code;
      }
    }
  }
}

/** Small numbers as strings, so page numbers need no number-to-string conversion. */
const PAGE_NUMBERS = Array.from({ length: 32 }, (_, i) => String(i));

// ---------------------------------------------------------------------------------------
// Formatters: one line each, without the trailing newline

export const SERVICE_LOG_CSV_COLUMNS = [
  'time', 'method', 'path', 'status', 'latency_ms', 'bytes', 'client_ip', 'user_agent', 'user', 'level', 'message',
] as const;

export function formatCsvHeader(): string {
  return SERVICE_LOG_CSV_COLUMNS.join(',');
}

const CSV_SPECIAL = /[",\r\n]/;

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
function csvField(value: string): string {
  if (!CSV_SPECIAL.test(value)) return value;
  return `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`;
}

/** An anonymous user is an empty field, which CSV readers load as NULL. */
const csvUserAgents = new EscapeMemo(csvField);

export function formatCsvLine(r: ServiceLogRecord): string {
  return `${formatIsoTime(r.time)},${r.method},${csvField(r.path)},${r.status},${r.latencyMs},${r.bytes},${csvField(r.clientIp)},${csvUserAgents.get(r.userAgent)},${r.user === null ? '' : csvField(r.user)},${r.level},${csvField(r.message)}`;
}

/** Quotes, backslashes, control characters and surrogates (lone ones must become \u escapes). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const JSON_SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(value: string): string {
  return JSON_SPECIAL.test(value) ? JSON.stringify(value) : `"${value}"`;
}

const jsonUserAgents = new EscapeMemo(jsonString);

/** Flat fields plus one nested `client` object, so nested-JSON import has something to unnest. */
export function formatJsonLine(r: ServiceLogRecord): string {
  return `{"time":"${formatIsoTime(r.time)}","level":"${r.level}","method":"${r.method}","path":${jsonString(r.path)},"status":${r.status},"latency_ms":${r.latencyMs},"bytes":${r.bytes},"user":${r.user === null ? 'null' : jsonString(r.user)},"message":${jsonString(r.message)},"client":{"ip":${jsonString(r.clientIp)},"user_agent":${jsonUserAgents.get(r.userAgent)}}}`;
}

/** What nginx's default `escape=default` log escaping leaves alone: printable ASCII but `"` and `\`. */
const NGINX_SPECIAL = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** nginx writes `"`, `\`, control and non-ASCII bytes as `\xHH` of their UTF-8 bytes. */
function nginxField(value: string): string {
  if (!NGINX_SPECIAL.test(value)) return value;
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f && ch !== '"' && ch !== '\\') {
      out += ch;
      continue;
    }
    for (const byte of utf8Bytes(code)) out += `\\x${HEX2[byte]!.toUpperCase()}`;
  }
  return out;
}

function utf8Bytes(code: number): number[] {
  if (code < 0x80) return [code];
  if (code < 0x800) return [0xc0 | (code >> 6), 0x80 | (code & 63)];
  // A lone surrogate cannot be encoded; U+FFFD is what an encoder would write instead.
  if (code >= 0xd800 && code <= 0xdfff) return utf8Bytes(0xfffd);
  if (code < 0x10000) return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)];
  return [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)];
}

const nginxUserAgents = new EscapeMemo(nginxField);

/**
 * nginx "combined" plus `$request_time` (seconds, millisecond precision), with the time in
 * Seoul (+0900). `$remote_user` stays "-": the app signs users in itself, not with HTTP auth,
 * which is what real access logs of such a service show.
 */
export function formatNginxLine(r: ServiceLogRecord): string {
  const ms = Math.max(0, Math.round(r.latencyMs));
  const seconds = Math.floor(ms / 1000);
  return `${nginxField(r.clientIp)} - - [${formatNginxTime(r.time)}] "${r.method} ${nginxField(r.path)} HTTP/1.1" ${r.status} ${r.bytes} "-" "${nginxUserAgents.get(r.userAgent)}" ${seconds}.${PAD3[ms - seconds * 1000]}`;
}

/** The line formatter for a format, and the header line it needs (CSV only). */
export function serviceLogFormatter(format: ServiceLogFormat): { header: string | null; line: (r: ServiceLogRecord) => string } {
  switch (format) {
    case 'csv':
      return { header: formatCsvHeader(), line: formatCsvLine };
    case 'jsonl':
      return { header: null, line: formatJsonLine };
    case 'nginx':
      return { header: null, line: formatNginxLine };
  }
}
