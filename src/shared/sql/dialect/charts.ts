import { clickhouseDialect as d } from './clickhouse';
import { integerSql } from './numbers';
import { errorLevels } from '../../charts/sql';
import { datePattern, idPattern, requestLinePattern, schemeHostPattern } from '../../charts/fold';
import { isIntegerType, isIntervalType, isNumericType, isTextType, isTimestampType, columnLabel, samePath } from '../../charts/columns';
import { LINEAR_BINS, LOG_BINS_PER_DECADE, MAX_LEVEL_SERIES, SLOW_ENDPOINT_MIN_REQUESTS, TOP_ENDPOINTS } from '../../charts/queries';
import { MissingColumnError, MissingRoleError, resolvePlanSearch, type ChartPlan, type FilterPlan } from '../../charts/sql';
import { searchConditionSql } from '../../search/sql';
import type { ColumnPath, FieldFilter, RoleName, Search } from '../../charts/spec';
import type { RowsSpec } from '../../charts/rows';
import { MS_PER_DAY, MS_PER_HOUR, type OffsetSegment } from '../../charts/zone';

/**
 * The dashboard's charts and the Rows grid in ClickHouse SQL, from the same plan DuckDB's
 * builders (`charts/queries.ts`, `charts/rows.ts`) take, answering with the same rows.
 * Written to what 18.16 and current servers both run: subqueries instead of CTEs,
 * `intDiv` instead of `//`, `countIf` instead of `FILTER`, no window functions. Where
 * DuckDB sums `count(*) OVER ()` for the `covered` column, a query either leaves it to the
 * caller (`covered: { sum }`, the total of one column over every group it returns) or,
 * when LIMIT cuts groups off, counts it in a scalar subquery.
 *
 * A dataset's time is `DateTime('UTC')` there: whole seconds (push.ts), so a row's epoch
 * ms is its seconds times 1000 and a range end in ms becomes the next whole second.
 */

/** What a feature asked of a ClickHouse dataset that has no ClickHouse SQL yet. */
export class UnsupportedOnEngineError extends Error {
  constructor(readonly feature: string) {
    super(`not available on ClickHouse: ${feature}`);
    this.name = 'UnsupportedOnEngineError';
  }
}

export interface ClickHouseChartQuery {
  sql: string;
  /** Where `covered` comes from: the query's last column, or the sum of one column over the rows. */
  covered: 'column' | { sum: number };
}

/** What the server can do, by version: exact interpolated quantiles in one function came in 20.12. */
export interface ClickHouseCapabilities {
  hasQuantileExactInclusive: boolean;
  hasDateTime64: boolean;
}

export function clickhouseCapabilities(version: string): ClickHouseCapabilities {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const atLeast = (m: number, n: number) => major > m || (major === m && minor >= n);
  return { hasQuantileExactInclusive: atLeast(20, 12), hasDateTime64: atLeast(20, 1) };
}

const str = (value: string) => d.literal({ type: 'string', value });
const int = (value: number) => integerSql(value);

/** A column of the dataset; STRUCT fields travel to ClickHouse as JSON text, which charts cannot look into. */
function col(path: ColumnPath): string {
  if (path.length !== 1) throw new UnsupportedOnEngineError(`column ${columnLabel(path)}`);
  return d.quoteIdent(path[0]!);
}

interface Roles {
  plan: FilterPlan;
}

function roleColumn({ plan }: Roles, role: Exclude<RoleName, 'duration'>): string | null {
  const path = plan.source.roles[role];
  return path ? col(path) : null;
}

function statusExpr(r: Roles): string | null {
  const column = roleColumn(r, 'status');
  if (column === null) return null;
  return isIntegerType(r.plan.source.types.status ?? '') ? column : `toInt32OrNull(toString(${column}))`;
}

function textExpr(r: Roles, role: 'level' | 'endpoint' | 'method' | 'client' | 'user' | 'message'): string | null {
  const column = roleColumn(r, role);
  if (column === null) return null;
  return isTextType(r.plan.source.types[role] ?? 'VARCHAR') ? column : `toString(${column})`;
}

const durationFactorToMs = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 } as const;

function durationExpr({ plan }: Roles): string | null {
  const duration = plan.source.roles.duration;
  if (!duration) return null;
  // An INTERVAL is copied as its text (push.ts), which ClickHouse does not read back as a span.
  if (isIntervalType(plan.source.types.duration ?? '')) throw new UnsupportedOnEngineError('interval durations');
  const factor = durationFactorToMs[duration.unit];
  return factor === 1 ? `toFloat64(${col(duration.column)})` : `(toFloat64(${col(duration.column)}) * ${factor})`;
}

/**
 * Fold steps of `fold.ts` with ClickHouse's RE2 functions (`\\1` is the same backreference).
 * 18.16 keeps arrays out of Nullable, so `splitByChar` gets the value unwrapped and a NULL
 * stays NULL around it.
 */
export function foldEndpointClickHouse(nullable: string): string {
  const expression = `assumeNotNull(${nullable})`;
  const whole = `if(startsWith(${expression}, '/'), ${expression}, replaceRegexpOne(replaceRegexpOne(${expression}, ${str(requestLinePattern)}, '\\\\1'), ${str(schemeHostPattern)}, ''))`;
  const path = `splitByChar('#', splitByChar('?', ${whole})[1])[1]`;
  return `if(isNull(${nullable}), NULL, replaceRegexpAll(replaceRegexpAll(${path}, ${str(datePattern)}, '{date}'), ${str(idPattern)}, '{id}'))`;
}

function endpointExpr(r: Roles): string | null {
  const text = textExpr(r, 'endpoint');
  return text && foldEndpointClickHouse(text);
}

const errorLevelVariants = errorLevels.flatMap((w) => [w, w.toLowerCase(), w[0] + w.slice(1).toLowerCase()]);
const errorLevelList = () => errorLevelVariants.map(str).join(', ');

/** The row's epoch ms. */
const epochMs = (time: string) => `(toInt64(toUInt32(${time})) * 1000)`;

function offsetExpr(e: string, segments: readonly OffsetSegment[]): string {
  const last = segments[segments.length - 1];
  if (!last) return '0';
  if (segments.length === 1) return int(last.offsetMs);
  const branches = segments.slice(0, -1).map((s) => `${e} < ${int(s.endMs)}, ${int(s.offsetMs)}`);
  return `multiIf(${branches.join(', ')}, ${int(last.offsetMs)})`;
}

/** `time >= from` for whole-second times: the first whole second at or after `ms`. */
const secondsAtOrAfter = (ms: number) => `toDateTime(${int(Math.ceil(ms / 1000))}, 'UTC')`;

function need<T>(value: T | null, role: RoleName): T {
  if (value === null) throw new MissingRoleError(role);
  return value;
}

/** The WHERE conditions of the filter state, values written as literals (18.16 has no query parameters). */
export function clickhouseWhere(plan: FilterPlan): string[] {
  const r: Roles = { plan };
  const conditions: string[] = [];
  const time = roleColumn(r, 'time');
  if (time && plan.restrictRange && plan.fromMs !== null && plan.toMs !== null) {
    conditions.push(`${time} >= ${secondsAtOrAfter(plan.fromMs)} AND ${time} < ${secondsAtOrAfter(plan.toMs)}`);
  }
  const groups = new Map<string, FieldFilter[]>();
  for (const filter of plan.filters) {
    const key = filter.field !== 'column' ? filter.field : filter.op === 'eq' ? `column:${JSON.stringify(filter.column)}:eq` : `column:${JSON.stringify(filter)}`;
    groups.set(key, [...(groups.get(key) ?? []), filter]);
  }
  for (const filters of groups.values()) {
    const alternatives = filters.map((filter) => filterCondition(filter, r));
    conditions.push(alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`);
  }
  if (plan.search) conditions.push(clickhouseSearchSql(plan, plan.search));
  return conditions;
}

/**
 * The search box's condition in ClickHouse SQL: the same terms DuckDB's builder resolves,
 * written with `positionCaseInsensitiveUTF8` and `match` (RE2 on both engines), values as
 * escaped string literals.
 */
export function clickhouseSearchSql(plan: Pick<FilterPlan, 'source'>, search: Search): string {
  const resolved = resolvePlanSearch({ source: plan.source, search });
  const types = new Map(plan.source.columns.map((c) => [JSON.stringify(c.path), c.type]));
  return searchConditionSql(resolved, {
    dialect: d,
    bind: (value) => (typeof value === 'number' ? d.literal({ type: 'float', value }) : str(value)),
    column: (path) => (path.length === 1 ? col(path) : structTextField(path, types.get(JSON.stringify(path)) ?? '')),
  });
}

const plainKey = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A text field of a STRUCT, read out of the text the push wrote for the whole value
 * (DuckDB's form, `{'ip': '10.0.0.1', 'agent': 'it''s'}`: quotes doubled inside a value,
 * so `'key': '` cannot occur inside another field's value). A NULL field (`'key': NULL`)
 * stays NULL. Deeper fields, other types and keys DuckDB would quote are refused.
 */
export function structTextField(path: ColumnPath, type: string): string {
  const [top, key] = path;
  if (path.length !== 2 || !isTextType(type) || !plainKey.test(key!)) throw new UnsupportedOnEngineError(`column ${columnLabel(path)}`);
  const value = `'${key}': '((?:[^']|'')*)'`;
  const whole = d.quoteIdent(top!);
  return `if(match(${whole}, ${str(value)}), replaceAll(extract(${whole}, ${str(value)}), ${str("''")}, ${str("'")}), NULL)`;
}

function filterCondition(filter: FieldFilter, r: Roles): string {
  switch (filter.field) {
    case 'status':
      return `${need(statusExpr(r), 'status')} = ${int(filter.value)}`;
    case 'statusClass': {
      const status = need(statusExpr(r), 'status');
      return `(${status} >= ${int(filter.value * 100)} AND ${status} < ${int(filter.value * 100 + 100)})`;
    }
    case 'endpoint':
      return `${need(endpointExpr(r), 'endpoint')} = ${str(filter.value)}`;
    case 'level':
    case 'method':
    case 'client':
    case 'user':
      return `${need(textExpr(r, filter.field), filter.field)} = ${str(filter.value)}`;
    case 'weekdayHour': {
      const time = need(roleColumn(r, 'time'), 'time');
      return `${hourOfWeek(epochMs(time), r.plan.segments)} = ${int(filter.weekday * 24 + filter.hour)}`;
    }
    case 'pattern':
      return `${d.quoteIdent('_ls_pattern')} = ${int(filter.value)}`;
    case 'error': {
      const status = statusExpr(r);
      if (status) return `${status} >= 500`;
      return `${need(textExpr(r, 'level'), 'status')} IN (${errorLevelList()})`;
    }
    case 'duration': {
      const duration = need(durationExpr(r), 'duration');
      const min = `${duration} >= ${d.literal({ type: 'float', value: filter.minMs })}`;
      return filter.maxMs === null ? min : `(${min} AND ${duration} < ${d.literal({ type: 'float', value: filter.maxMs })})`;
    }
    case 'column':
      return columnFilter(filter, r.plan);
  }
}

function columnFilter(filter: Extract<FieldFilter, { field: 'column' }>, plan: FilterPlan): string {
  const column = plan.source.columns.find((c) => samePath(c.path, filter.column));
  if (!column) throw new MissingColumnError(columnLabel(filter.column));
  const sql = col(column.path);
  if (filter.op === 'null') return `isNull(${sql})`;
  if (filter.op === 'notNull') return `isNotNull(${sql})`;
  const raw = String(filter.value ?? '');
  const text = isTextType(column.type) ? sql : `toString(${sql})`;
  if (filter.op === 'contains' || filter.op === 'notContains') {
    const contains = `coalesce(${d.containsIgnoreCase(text, str(raw))}, 0)`;
    return filter.op === 'contains' ? contains : `NOT ${contains}`;
  }
  const operator = { eq: '=', ne: '<>', gte: '>=', lt: '<' }[filter.op];
  let compared: string;
  if (isNumericType(column.type) && Number.isFinite(Number(raw)) && raw.trim() !== '') compared = `${sql} ${operator} ${d.literal({ type: 'float', value: Number(raw) })}`;
  else if (isTimestampType(column.type)) compared = `${sql} ${operator} parseDateTimeBestEffortOrNull(${str(raw)}, 'UTC')`;
  else compared = `${text} ${operator} ${str(raw)}`;
  return filter.op === 'ne' ? `coalesce(${compared}, 1)` : `coalesce(${compared}, 0)`;
}

function hourOfWeek(e: string, segments: readonly OffsetSegment[]): string {
  // The divisor's type is the result's: a UInt8 168 would give Int8 and wrap past 127.
  return `((intDiv(${e} + ${offsetExpr(e, segments)}, ${MS_PER_HOUR}) + 72) % toInt32(168))`;
}

function bucketKey(plan: Pick<ChartPlan, 'bucketMs' | 'bucketMode'>): string {
  const b = int(plan.bucketMs ?? MS_PER_DAY);
  switch (plan.bucketMode) {
    case 'utc':
      return `intDiv(e, ${b}) * ${b}`;
    case 'shifted':
      return `intDiv(e + o, ${b}) * ${b} - o`;
    default:
      return `intDiv(e + o, ${MS_PER_DAY})`;
  }
}

/** `SELECT <select> FROM table WHERE …`: the filtered rows a chart aggregates. */
function filteredRows(plan: FilterPlan, table: string, select: string[], extra: string[] = []): string {
  const conditions = [...clickhouseWhere(plan), ...extra];
  return `SELECT ${select.join(', ')} FROM ${d.quoteIdent(table)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

/** Time rows with `e` (epoch ms) and `o` (the zone's offset there), as DuckDB's `timeRows`. */
function timeRows(plan: ChartPlan, table: string, select: string[]): string {
  const time = need(roleColumn({ plan }, 'time'), 'time');
  const inner = filteredRows(plan, table, [`${epochMs(time)} AS e`, ...select], [`isNotNull(${time})`]);
  if (plan.bucketMode === 'utc') return inner;
  return `SELECT *, ${offsetExpr('e', plan.segments)} AS o FROM (${inner})`;
}

export interface ClickHouseChartOptions {
  table: string;
  capabilities: ClickHouseCapabilities;
  /** The linear histogram's bin width, from `buildClickHouseHistogramWidthQuery` (DuckDB computes it in the same statement). */
  histogramWidthMs?: number;
}

function percentile(value: string, fraction: number, capabilities: ClickHouseCapabilities): string {
  // Both exact and interpolated as DuckDB's quantile_cont; the one-function form saves the sort per fraction.
  if (capabilities.hasQuantileExactInclusive) return `quantileExactInclusive(${fraction})(${value})`;
  return d.percentile(value, fraction, { approximate: false });
}

export function buildClickHouseChartQuery(plan: ChartPlan, o: ClickHouseChartOptions): ClickHouseChartQuery {
  const r: Roles = { plan };
  const p = (value: string, fraction: number) => percentile(value, fraction, o.capabilities);
  const covered = (rows: string, condition: string, count = 'count()') => `(SELECT ${count} FROM (${rows}) WHERE ${condition}) AS covered`;
  switch (plan.chart) {
    case 'events': {
      if (plan.basis === 'status') {
        const rows = timeRows(plan, o.table, [`${need(statusExpr(r), 'status')} AS s`]);
        return {
          sql: `SELECT ${bucketKey(plan)} AS bucket, intDiv(s, 100) AS series, 0 AS other, count() AS n FROM (${rows}) GROUP BY bucket, series ORDER BY bucket, series NULLS LAST`,
          covered: { sum: 3 },
        };
      }
      if (plan.basis === 'level') {
        const rows = timeRows(plan, o.table, [`${need(textExpr(r, 'level'), 'level')} AS s`]);
        const top = `(SELECT s FROM (SELECT s, count() AS n FROM (${rows}) WHERE isNotNull(s) GROUP BY s ORDER BY n DESC, s LIMIT ${MAX_LEVEL_SERIES}))`;
        return {
          sql: `SELECT bucket, if(s IN ${top}, s, NULL) AS series, (isNotNull(s) AND s NOT IN ${top}) AS other, sum(n) AS n
FROM (SELECT ${bucketKey(plan)} AS bucket, s, count() AS n FROM (${rows}) GROUP BY bucket, s)
GROUP BY bucket, series, other ORDER BY bucket, series NULLS LAST, other`,
          covered: { sum: 3 },
        };
      }
      const rows = timeRows(plan, o.table, []);
      return {
        sql: `SELECT ${bucketKey(plan)} AS bucket, CAST(NULL AS Nullable(String)) AS series, 0 AS other, count() AS n FROM (${rows}) GROUP BY bucket ORDER BY bucket`,
        covered: { sum: 3 },
      };
    }
    case 'latency': {
      const rows = timeRows(plan, o.table, [`${need(durationExpr(r), 'duration')} AS d`]);
      return {
        sql: `SELECT ${bucketKey(plan)} AS bucket, ${p('d', 0.5)} AS p50, ${p('d', 0.95)} AS p95, ${p('d', 0.99)} AS p99, count() AS n
FROM (${rows}) WHERE isNotNull(d) GROUP BY bucket ORDER BY bucket`,
        covered: { sum: 4 },
      };
    }
    case 'errors': {
      if (plan.basis === 'status') {
        const rows = timeRows(plan, o.table, [`${statusExpr(r)} AS s`]);
        return {
          sql: `SELECT ${bucketKey(plan)} AS bucket, countIf(s >= 500) AS errors, count(s) AS total FROM (${rows}) GROUP BY bucket ORDER BY bucket`,
          covered: { sum: 2 },
        };
      }
      const rows = timeRows(plan, o.table, [`${need(textExpr(r, 'level'), 'status')} AS s`]);
      return {
        sql: `SELECT ${bucketKey(plan)} AS bucket, countIf(s IN (${errorLevelList()})) AS errors, count() AS total FROM (${rows}) GROUP BY bucket ORDER BY bucket`,
        covered: { sum: 2 },
      };
    }
    case 'status': {
      const isStatus = plan.basis === 'status';
      const value = isStatus ? statusExpr(r) : need(textExpr(r, 'level'), 'status');
      const rows = filteredRows(plan, o.table, [`${value} AS v`]);
      const order = isStatus ? 'ORDER BY v LIMIT 200' : 'ORDER BY n DESC, v LIMIT 50';
      return {
        sql: `SELECT v AS value, count() AS n, ${covered(rows, 'isNotNull(v)')} FROM (${rows}) WHERE isNotNull(v) GROUP BY v ${order}`,
        covered: 'column',
      };
    }
    case 'top-endpoints': {
      const duration = durationExpr(r);
      const rows = filteredRows(plan, o.table, [`${need(endpointExpr(r), 'endpoint')} AS ep`, ...(duration ? [`${duration} AS d`] : [])]);
      return {
        sql: `SELECT ep AS endpoint, count() AS n, ${duration ? p('d', 0.95) : 'CAST(NULL AS Nullable(Float64))'} AS p95, ${covered(rows, 'isNotNull(ep)')}
FROM (${rows}) WHERE isNotNull(ep) GROUP BY ep ORDER BY n DESC, ep LIMIT ${TOP_ENDPOINTS}`,
        covered: 'column',
      };
    }
    case 'slow-endpoints': {
      const rows = filteredRows(plan, o.table, [`${need(endpointExpr(r), 'endpoint')} AS ep`, `${need(durationExpr(r), 'duration')} AS d`]);
      return {
        sql: `SELECT endpoint, p95, n, ${covered(rows, 'isNotNull(ep)', 'count(d)')} FROM (
  SELECT ep AS endpoint, ${p('d', 0.95)} AS p95, count(d) AS n FROM (${rows}) WHERE isNotNull(ep) GROUP BY ep
) WHERE n >= ${SLOW_ENDPOINT_MIN_REQUESTS} ORDER BY p95 DESC, endpoint LIMIT ${TOP_ENDPOINTS}`,
        covered: 'column',
      };
    }
    case 'heatmap': {
      const time = need(roleColumn(r, 'time'), 'time');
      const rows = filteredRows(plan, o.table, [`${hourOfWeek(epochMs(time), plan.segments)} AS how`], [`isNotNull(${time})`]);
      return { sql: `SELECT how AS hour_of_week, count() AS n FROM (${rows}) GROUP BY how ORDER BY how`, covered: { sum: 1 } };
    }
    case 'histogram': {
      const rows = filteredRows(plan, o.table, [`${need(durationExpr(r), 'duration')} AS d`]);
      if (plan.options.logScale) {
        // `whole_ms` per bin here; the caller ANDs the bins, as DuckDB's bool_and over the window does.
        return {
          sql: `SELECT if(d > 0, toInt32(least(greatest(floor(log10(d) * ${LOG_BINS_PER_DECADE}), -60), 120)), NULL) AS bin,
  count() AS n, CAST(NULL AS Nullable(Float64)) AS width, min(d = round(d)) AS whole_ms
FROM (${rows}) WHERE isNotNull(d) GROUP BY bin ORDER BY bin NULLS FIRST`,
          covered: { sum: 1 },
        };
      }
      const width = o.histogramWidthMs;
      if (width === undefined) throw new RangeError('the linear histogram needs its bin width');
      const w = d.literal({ type: 'float', value: width });
      return {
        sql: `SELECT toInt32(least(greatest(floor(d / ${w}), 0), ${LINEAR_BINS})) AS bin, count() AS n, ${w} AS width, 0 AS whole_ms
FROM (${rows}) WHERE isNotNull(d) GROUP BY bin ORDER BY bin`,
        covered: { sum: 1 },
      };
    }
    case 'patterns':
      throw new RangeError('the patterns chart is built by buildClickHousePatternCountsQuery');
  }
}

/**
 * The patterns chart's counts: per template id the rows in range and in the range just
 * before it, and the rows before it at all, every template (the caller sums `covered`,
 * keeps the top ones and names them from Logscope's template table, which is local).
 * Rows carry their template id in `_ls_pattern`, pushed with them.
 */
export function buildClickHousePatternCountsQuery(plan: ChartPlan, o: Pick<ClickHouseChartOptions, 'table'>): string {
  const time = plan.source.roles.time ? col(plan.source.roles.time) : null;
  const compares = time !== null && plan.restrictRange && plan.fromMs !== null && plan.toMs !== null;
  const widened: ChartPlan = compares ? { ...plan, fromMs: plan.fromMs! - (plan.toMs! - plan.fromMs!) } : plan;
  const pattern = d.quoteIdent('_ls_pattern');
  const rows = filteredRows(widened, o.table, [`${pattern} AS id`, compares ? `${epochMs(time)} AS e` : 'toInt64(0) AS e'], [`isNotNull(${pattern})`]);
  // Whole seconds (see the top of this file): a row is in range from the first second at or after `from`.
  const from = compares ? int(Math.ceil(plan.fromMs! / 1000) * 1000) : null;
  const inRange = from ? `e >= ${from}` : '1';
  const before = from ? `e < ${from}` : '0';
  return `SELECT id, countIf(${inRange}) AS n, countIf(${before}) AS previous, (SELECT countIf(${before}) FROM (${rows})) AS before_rows
FROM (${rows}) GROUP BY id HAVING n > 0 ORDER BY n DESC, id`;
}

/** The 99th percentile of positive durations, over the bin count: DuckDB's `s` step of the linear histogram. */
export function buildClickHouseHistogramWidthQuery(plan: ChartPlan, o: Omit<ClickHouseChartOptions, 'histogramWidthMs'>): string {
  const rows = filteredRows(plan, o.table, [`${need(durationExpr({ plan }), 'duration')} AS d`]);
  return `SELECT ${percentile('d', 0.99, o.capabilities)} / ${LINEAR_BINS} AS raw, count() AS n FROM (${rows}) WHERE d > 0`;
}

/** A round bin width (1, 2 or 5 times a power of ten), as DuckDB's `w` step computes it. */
export function histogramWidth(raw: number | null): number {
  if (raw === null || !Number.isFinite(raw) || raw <= 0) return 1.0;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const ratio = raw / power;
  return power * (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10);
}

/**
 * The Rows grid: every column but the content hash, sorted like DuckDB's grid (by the
 * chosen column, then import order). ClickHouse has no rowid; a pushed row's provenance
 * (source and line) is its import order.
 */
export function buildClickHouseRowsQueries(
  plan: FilterPlan,
  spec: RowsSpec,
  o: { table: string; columns: readonly string[]; importOrder: readonly string[]; offset: number; limit: number },
): { page: string; count: string } {
  const where = [...clickhouseWhere(plan), ...(spec.quick ? [clickhouseSearchSql(plan, spec.quick)] : [])];
  const from = `${d.quoteIdent(o.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const order: string[] = [];
  if (spec.sort) {
    const sort = spec.sort;
    if (!plan.source.columns.some((c) => samePath(c.path, sort.column)) && !(sort.column.length === 1 && sort.column[0]!.startsWith('_ls_'))) {
      throw new MissingColumnError(columnLabel(sort.column));
    }
    order.push(`${col(sort.column)} ${sort.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`);
  }
  order.push(...o.importOrder.map(d.quoteIdent));
  return {
    page: `SELECT ${o.columns.map(d.quoteIdent).join(', ')} FROM ${from}${order.length ? ` ORDER BY ${order.join(', ')}` : ''} LIMIT ${int(o.offset)}, ${int(o.limit)}`,
    count: `SELECT count() FROM ${from}`,
  };
}

/**
 * The report's key figures in one row, as `buildKeyFiguresQuery` (shared/report/sql.ts)
 * gives them on DuckDB: `events, errors, error_base, p50, p95, p99, clients`. Errors follow
 * the error-rate chart: 5xx of rows with a status, else error levels of all rows.
 */
export function buildClickHouseKeyFiguresQuery(plan: ChartPlan, o: Omit<ClickHouseChartOptions, 'histogramWidthMs'>): string {
  const r: Roles = { plan };
  const p = (value: string, fraction: number) => percentile(value, fraction, o.capabilities);
  const select = ['1 AS one'];
  const status = statusExpr(r);
  const level = status ? null : textExpr(r, 'level');
  if (status) select.push(`${status} AS s`);
  else if (level) select.push(`${level} AS s`);
  const duration = durationExpr(r);
  if (duration) select.push(`${duration} AS d`);
  const client = textExpr(r, 'client');
  if (client) select.push(`${client} AS c`);
  const time = roleColumn(r, 'time');
  const rows = filteredRows(plan, o.table, select, time ? [`isNotNull(${time})`] : []);
  const nullCount = 'CAST(NULL AS Nullable(Int64))';
  const nullMs = 'CAST(NULL AS Nullable(Float64))';
  const errors = status ? 'countIf(s >= 500)' : level ? `countIf(s IN (${errorLevelList()}))` : nullCount;
  const base = status ? 'count(s)' : level ? 'count()' : nullCount;
  const quantiles = duration ? [p('d', 0.5), p('d', 0.95), p('d', 0.99)] : [nullMs, nullMs, nullMs];
  return `SELECT count() AS events, ${errors} AS errors, ${base} AS error_base, ${quantiles[0]} AS p50, ${quantiles[1]} AS p95, ${quantiles[2]} AS p99, ${
    client ? 'uniqExact(c)' : nullCount
  } AS clients FROM (${rows})`;
}
