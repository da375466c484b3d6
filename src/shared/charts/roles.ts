import type { Cell } from '../api/schemas';
import {
  isIntegerType,
  isIntervalType,
  isNumericType,
  isScalarType,
  isTextType,
  isTimestampType,
  pathKey,
  samePath,
} from './columns';
import type { ColumnPath, DurationUnit, RoleColumn, RoleName, Roles } from './spec';
import { emptyRoles } from './names';

/**
 * Which column plays which role, guessed from names (English and common Korean headers)
 * and from a sample of values. Every guess can be overridden by the user; this only has
 * to be right for ordinary logs and never crash on odd ones.
 */

export type Samples = ReadonlyMap<string, readonly Cell[]>;

/** A header reduced to lower-case words joined by `_`, Korean kept: `응답 시간(ms)` → `응답_시간_ms`. */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** The header without a unit in parentheses or as a suffix word, for matching names. */
const withoutUnit = (name: string) => name.replace(/_(ms|millis|milliseconds|us|µs|μs|micros|microseconds|usec|ns|nanos|nanoseconds|s|sec|secs|seconds|밀리초|초)$/u, '');

interface NameRule {
  exact: RegExp;
  /** Weaker evidence: the name contains one of these words. */
  partial?: RegExp;
}

const nameRules: Record<RoleName, NameRule> = {
  time: {
    exact: /^(@?timestamp|time|ts|datetime|date_time|event_time|log_time|logtime|time_local|time_iso8601|created_at|logged_at|date|시간|시각|일시|날짜|발생_?시각|발생_?시간|로그_?시간|기록_?시간)$/u,
    partial: /(time|date|시각|일시|날짜)/u,
  },
  duration: {
    exact: /^(latency|duration|elapsed|response_time|resp_time|request_time|upstream_response_time|took|rt|time_taken|processing_time|process_time|service_time|exec_time|execution_time|응답_?시간|처리_?시간|소요_?시간|지연_?시간|지연|레이턴시|응답_?속도)$/u,
    partial: /(latency|duration|elapsed|response_time|request_time|took|응답_?시간|처리_?시간|소요_?시간|지연)/u,
  },
  status: {
    exact: /^(status|status_code|statuscode|http_status|http_status_code|response_code|response_status|sc_status|code|상태|상태_?코드|응답_?코드|응답_?상태)$/u,
    partial: /(status|상태)/u,
  },
  level: {
    exact: /^(level|lvl|severity|loglevel|log_level|level_name|levelname|priority|레벨|로그_?레벨|수준|심각도|등급)$/u,
    partial: /(level|severity|레벨)/u,
  },
  endpoint: {
    exact: /^(path|url|uri|endpoint|route|request_uri|request_path|request_url|request|cs_uri_stem|uri_stem|경로|주소|요청_?경로|요청_?주소|요청_?url|엔드포인트)$/u,
    partial: /(path|url|uri|endpoint|route|경로)/u,
  },
  method: {
    exact: /^(method|http_method|verb|request_method|cs_method|메소드|메서드|요청_?방식|요청_?메소드)$/u,
    partial: /(method|메소드|메서드)/u,
  },
  client: {
    exact: /^(client_ip|clientip|ip|ip_address|remote_addr|remote_ip|remote_host|src_ip|source_ip|c_ip|x_forwarded_for|client_address|client|아이피|ip_주소|접속_?ip|클라이언트|클라이언트_?ip)$/u,
    partial: /(^ip_|_ip$|^ip$|remote_addr|아이피)/u,
  },
  user: {
    exact: /^(user|user_id|userid|username|user_name|remote_user|uid|account|login|member|사용자|사용자_?명|사용자_?id|아이디|계정|회원|회원_?id)$/u,
    partial: /(user|사용자|계정|회원)/u,
  },
  message: {
    exact: /^(message|msg|log|text|content|body|description|details|log_message|메시지|메세지|내용|로그|설명)$/u,
    partial: /(message|msg|메시지|메세지)/u,
  },
};

/** Name evidence for a role: 10 for a known header, 4 for a header that contains a known word. */
export function nameScore(role: RoleName, path: ColumnPath): number {
  const rule = nameRules[role];
  const full = normalizeHeader(path.join('_'));
  const last = normalizeHeader(path[path.length - 1] ?? '');
  for (const candidate of [last, full]) {
    if (rule.exact.test(candidate) || rule.exact.test(withoutUnit(candidate))) return 10;
  }
  return rule.partial?.test(full) ? 4 : 0;
}

const levelWords = new Set([
  'trace', 'debug', 'dbg', 'fine', 'finer', 'finest', 'verbose', 'info', 'information', 'informational', 'notice', 'warn', 'warning',
  'error', 'err', 'fatal', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'severe', 'panic', 'config',
]);
const httpMethods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'PROPFIND']);
const commonStatuses = new Set([200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504]);
const ipPattern = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i;
const requestLinePattern = /^[A-Z]{3,9} \S+( HTTP\/[\d.]+)?$/;

const present = (values: readonly Cell[] | undefined) => (values ?? []).filter((v): v is string | number | boolean => v !== null && v !== '');
const share = (values: readonly unknown[], test: (v: unknown) => boolean) =>
  values.length === 0 ? 0 : values.filter(test).length / values.length;

/** Value evidence for a role, 0 to 6; `null` when there are no values to judge. */
export function valueScore(role: RoleName, column: RoleColumn, samples: Samples): number | null {
  const values = present(samples.get(pathKey(column.path)));
  if (values.length === 0) return null;
  switch (role) {
    case 'status': {
      const numbers = values.map(Number);
      if (share(numbers, (n) => Number.isInteger(n) && (n as number) >= 100 && (n as number) <= 599) < 0.98) return 0;
      const distinct = new Set(numbers);
      if (distinct.size > 80) return 0;
      return [...distinct].some((n) => commonStatuses.has(n)) ? 6 : 2;
    }
    case 'level':
      return share(values, (v) => levelWords.has(String(v).trim().toLowerCase())) >= 0.8 ? 6 : 0;
    case 'method':
      return share(values, (v) => httpMethods.has(String(v).trim().toUpperCase())) >= 0.9 ? 6 : 0;
    case 'endpoint':
      return share(values, (v) => {
        const s = String(v);
        return s.startsWith('/') || /^https?:\/\//i.test(s) || requestLinePattern.test(s);
      }) >= 0.8
        ? 6
        : 0;
    case 'client':
      return share(values, (v) => ipPattern.test(String(v).trim())) >= 0.8 ? 6 : 0;
    case 'message': {
      // Long, varied text that is not a header value browsers send.
      if (/(agent|refer|cookie|header|^ua$)/.test(normalizeHeader(column.path.join('_')))) return 0;
      const average = values.reduce<number>((sum, v) => sum + String(v).length, 0) / values.length;
      const distinct = new Set(values.map(String)).size / values.length;
      return average >= 20 && distinct > 0.2 ? 4 : average >= 12 ? 1 : 0;
    }
    case 'duration': {
      const numbers = values.map(Number).filter(Number.isFinite);
      return numbers.length && share(numbers, (n) => (n as number) >= 0) > 0.99 ? 1 : 0;
    }
    default:
      return 0;
  }
}

function typeFits(role: RoleName, type: string): boolean {
  switch (role) {
    case 'time':
      return isTimestampType(type);
    case 'duration':
      return isNumericType(type) || isIntervalType(type);
    case 'status':
      return isIntegerType(type) || isTextType(type);
    case 'level':
    case 'method':
      return isTextType(type) || isIntegerType(type);
    case 'endpoint':
    case 'client':
    case 'user':
    case 'message':
      return isTextType(type) || (role === 'user' && isIntegerType(type));
  }
}

/** A role may take a column of this type (what the role editor offers). */
export function columnFitsRole(role: RoleName, type: string): boolean {
  return isScalarType(type) && typeFits(role, type);
}

/**
 * The duration unit from the header (`latency_ms`, `응답시간(초)`, nginx's `request_time`
 * is seconds), else from the values: fractions below a minute read as seconds, else ms.
 */
export function durationUnit(column: RoleColumn, samples: Samples): DurationUnit {
  const name = normalizeHeader(column.path[column.path.length - 1] ?? '');
  if (/(^|_)(ms|millis|milliseconds|msec|밀리초)$/u.test(name)) return 'ms';
  if (/(^|_)(us|µs|μs|micros|microseconds|usec)$/u.test(name)) return 'us';
  if (/(^|_)(ns|nanos|nanoseconds|nsec)$/u.test(name)) return 'ns';
  if (/(^|_)(s|sec|secs|seconds|초)$/u.test(name)) return 's';
  if (/^(request_time|upstream_response_time|upstream_connect_time|upstream_header_time)$/.test(name)) return 's';
  if (/^(time_taken)$/.test(name)) return 'ms';
  const numbers = present(samples.get(pathKey(column.path))).map(Number).filter(Number.isFinite);
  if (numbers.length) {
    const sorted = [...numbers].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const fractional = share(numbers, (n) => !Number.isInteger(n)) > 0.5;
    if (fractional && median < 60) return 's';
  }
  return 'ms';
}

/** Roles are assigned in this order; each column plays one role at most. */
const assignmentOrder: readonly RoleName[] = ['time', 'status', 'duration', 'level', 'method', 'endpoint', 'client', 'user', 'message'];

/** The least evidence that makes a column a role. */
const threshold: Record<RoleName, number> = {
  time: 1,
  status: 6,
  duration: 10,
  level: 6,
  method: 6,
  endpoint: 6,
  client: 6,
  user: 10,
  message: 4,
};

export interface DetectInput {
  columns: readonly RoleColumn[];
  samples?: Samples;
  /** The dataset's time column as the catalogue records it: the time role when present. */
  timeColumn?: string | null;
  /** Units the importer recorded from the log format (nginx `request_time`: `s`), by column. */
  units?: ReadonlyMap<string, DurationUnit>;
}

export function detectRoles({ columns, samples = new Map(), timeColumn = null, units = new Map() }: DetectInput): Roles {
  const roles: Roles = { ...emptyRoles };
  const used = new Set<string>();
  for (const role of assignmentOrder) {
    let best: { column: RoleColumn; score: number } | null = null;
    for (const column of columns) {
      const key = pathKey(column.path);
      if (used.has(key) || !columnFitsRole(role, column.type)) continue;
      let score = nameScore(role, column.path);
      if (role === 'time') {
        if (timeColumn !== null && samePath(column.path, [timeColumn])) score += 100;
        score += 1; // any timestamp column will do when none is named like one
      } else {
        const evidence = valueScore(role, column, samples);
        // Values that contradict the role rule it out, whatever the name says.
        if (evidence === 0 && ['status', 'level', 'method', 'endpoint', 'client'].includes(role)) continue;
        score += evidence ?? 0;
      }
      if (score >= threshold[role] && (!best || score > best.score)) best = { column, score };
    }
    if (!best) continue;
    used.add(pathKey(best.column.path));
    if (role === 'duration') {
      const recorded = best.column.path.length === 1 ? units.get(best.column.path[0]!) : undefined;
      roles.duration = { column: best.column.path, unit: recorded ?? durationUnit(best.column, samples) };
    }
    else roles[role] = best.column.path;
  }
  return roles;
}

/** Problems with a user's choice of roles: a column that does not exist or cannot play the role. */
export function roleProblems(roles: Roles, columns: readonly RoleColumn[]): { role: RoleName; column: string }[] {
  const problems: { role: RoleName; column: string }[] = [];
  for (const role of assignmentOrder) {
    const path = role === 'duration' ? roles.duration?.column : roles[role];
    if (!path) continue;
    const column = columns.find((c) => samePath(c.path, path));
    if (!column || !columnFitsRole(role, column.type)) problems.push({ role, column: path.join('.') });
  }
  return problems;
}
