import { qualified, quoteIdent } from '../sql/quote';
import { columnSql, integerLiteral } from '../sql/expr';
import { isIntegerType, isIntervalType } from './columns';
import { foldEndpointSql } from './fold';
import { bucketMode, bucketSizesMs, chooseBucketMs, type BucketMode } from './buckets';
import { MS_PER_DAY, MS_PER_HOUR, offsetSegments, type OffsetSegment } from './zone';
import type { ChartBasis, ChartId, ChartOptions, FieldFilter, RoleColumn, RoleName, Roles, Search } from './spec';
import { columnLabel, isNumericType, isTextType, isTimestampType, samePath } from './columns';
import { resolveSearch, searchConditionSql, type ResolvedSearch } from '../search/sql';

/**
 * SQL pieces every dashboard chart is built from: column expressions for roles (STRUCT
 * fields, duration units, text casts), endpoint folding, the zone shift, and the WHERE
 * clause of the dashboard's filter state. Values are bound; identifiers go through
 * `quoteIdent`; the only literals are numbers and instants this code computed itself and
 * STRUCT field names (which DuckDB's `struct_extract` takes only as a constant).
 */

export type Params = Record<string, string | number | boolean | null>;

export { columnSql, integerLiteral };

/** DuckDB types of the columns the roles point at, for casts. */
export type RoleTypes = Partial<Record<RoleName, string>>;

const durationFactorToMs = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 } as const;

export function durationMsSql(roles: Roles, types: RoleTypes): string | null {
  if (!roles.duration) return null;
  const column = columnSql(roles.duration.column);
  if (isIntervalType(types.duration ?? '')) return `(epoch(${column}) * 1000)`;
  const factor = durationFactorToMs[roles.duration.unit];
  return factor === 1 ? `${column}::DOUBLE` : `(${column}::DOUBLE * ${factor})`;
}

export function statusSql(roles: Roles, types: RoleTypes): string | null {
  if (!roles.status) return null;
  const column = columnSql(roles.status);
  return isIntegerType(types.status ?? '') ? column : `TRY_CAST(${column} AS INTEGER)`;
}

/** A role's column as text (a number or a timestamp in a text role is cast). */
export function textSql(roles: Roles, types: RoleTypes, role: 'level' | 'endpoint' | 'method' | 'client' | 'user' | 'message'): string | null {
  const path = roles[role];
  if (!path) return null;
  const column = columnSql(path);
  return isTextType(types[role] ?? 'VARCHAR') ? column : `CAST(${column} AS VARCHAR)`;
}

/** The folded endpoint of a text expression (see `fold.ts`). */
export const foldSql = foldEndpointSql;

/** The columns of the endpoint index table (see `ChartSource.endpointIndex`). */
export const endpointIndexColumn = '_ls_endpoint';
const endpointIndexTime = '_ls_time';
const endpointIndexDuration = '_ls_duration_ms';

/**
 * What the endpoint index holds of each row, in the dataset's row order: the folded endpoint,
 * and a copy of the time and the duration in ms (NULL without those roles), so that the
 * endpoint charts over a time-only filter state read the index alone (`endpointIndexRowsSql`).
 */
export function endpointIndexSelectSql(roles: Roles, types: RoleTypes): string | null {
  const endpoint = textSql(roles, types, 'endpoint');
  if (!endpoint) return null;
  const time = roles.time ? columnSql(roles.time) : 'NULL::TIMESTAMP';
  return `${foldSql(endpoint)} AS ${quoteIdent(endpointIndexColumn)}, ${time} AS ${quoteIdent(endpointIndexTime)}, ${durationMsSql(roles, types) ?? 'NULL::DOUBLE'} AS ${quoteIdent(endpointIndexDuration)}`;
}

/** The roles and types an endpoint index was built from: a different key is a different index. */
export function endpointIndexKey(roles: Roles, types: RoleTypes): string {
  return JSON.stringify([roles.endpoint, types.endpoint ?? '', roles.time, types.time ?? '', roles.duration, types.duration ?? '']);
}
const endpointIndexAlias = '_ls_ep';

/** The folded endpoint of each row: from the index when there is one, else folded here. */
export function endpointSql(source: ChartSource): string | null {
  if (source.endpointIndex) return `${quoteIdent(endpointIndexAlias)}.${quoteIdent(endpointIndexColumn)}`;
  const endpoint = textSql(source.roles, source.types, 'endpoint');
  return endpoint && foldSql(endpoint);
}

/** Level words counted as errors when a dataset has a level but no HTTP status. */
export const errorLevels = ['ERROR', 'ERR', 'FATAL', 'CRITICAL', 'CRIT', 'ALERT', 'EMERG', 'EMERGENCY', 'SEVERE', 'PANIC'];
const errorLevelVariants = errorLevels.flatMap((w) => [w, w.toLowerCase(), w[0] + w.slice(1).toLowerCase()]);

/** `TIMESTAMP '2024-03-10 07:00:00'` from an instant this code computed (not user input). */
export function timestampLiteral(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError('instant is not finite');
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/**
 * The zone's offset (ms) for each row: a constant when the range has one offset, else a
 * CASE over the instants where it changes. Comparing the plain TIMESTAMP with constants
 * and adding an integer costs about what bucketing UTC costs; converting every row
 * through ICU (`timezone(zone, t::TIMESTAMPTZ)`) was 3.4 times slower.
 */
export function offsetSql(time: string, segments: readonly OffsetSegment[]): string {
  const last = segments[segments.length - 1];
  if (!last) return '0';
  if (segments.length === 1) return integerLiteral(last.offsetMs);
  const whens = segments
    .slice(0, -1)
    .map((s) => `WHEN ${time} < ${timestampLiteral(s.endMs)} THEN ${integerLiteral(s.offsetMs)}`)
    .join(' ');
  return `(CASE ${whens} ELSE ${integerLiteral(last.offsetMs)} END)`;
}

/** The dataset, roles and types a chart is planned over. */
export interface ChartSource {
  /** The dataset's name: its table is `main."name"`. */
  table: string;
  roles: Roles;
  types: RoleTypes;
  /** The dataset's time range (catalogue), for the default range and the zone's offsets. */
  timeMin: string | null;
  timeMax: string | null;
  /**
   * A table holding each row's folded endpoint in the dataset's row order, read with
   * `POSITIONAL JOIN`: folding with regular expressions is the one slow step of the
   * dashboard (seconds on millions of rows), so it is done once per dataset. It copies
   * the time and duration too (`endpointIndexSelectSql`), for the endpoint charts to read
   * it alone when only time filters.
   */
  endpointIndex: string | null;
  /** The dataset's columns (STRUCT fields flattened): what search and column filters look at. */
  columns: readonly RoleColumn[];
}

export interface ChartPlanRequest {
  chart: ChartId;
  zone: string;
  range: { from: string; to: string } | null;
  filters: readonly FieldFilter[];
  search: Search | null;
  widthPx: number;
  /** A fixed bucket instead of one chosen from the range and width. */
  bucketMs?: number | null;
  options: ChartOptions;
}

/** Everything a chart's SQL depends on, decided once. */
export interface ChartPlan extends ChartPlanRequest {
  source: ChartSource;
  /** The range covered, in UTC ms (`to` exclusive); null when the dataset has no time. */
  fromMs: number | null;
  toMs: number | null;
  /** Whether rows are filtered by time (not when the range is the whole dataset). */
  restrictRange: boolean;
  segments: OffsetSegment[];
  bucketMs: number | null;
  bucketMode: BucketMode | null;
  basis: ChartBasis;
}

const timeCharts = new Set<ChartId>(['events', 'latency', 'errors']);

/** The most buckets a fixed bucket may give (a week of minutes, 10,080, fits). */
export const MAX_FIXED_BUCKETS = 20_000;

const nextBucket = (ms: number) => bucketSizesMs.find((size) => size > ms) ?? MS_PER_DAY;

export function planChart(request: ChartPlanRequest, source: ChartSource): ChartPlan {
  const { roles } = source;
  const scope = planScope(request, source, timeCharts.has(request.chart));

  let basis: ChartBasis = 'none';
  if (request.chart === 'events') {
    const stack = request.options.stackBy;
    if ((stack === 'auto' || stack === 'status') && roles.status) basis = 'status';
    else if ((stack === 'auto' || stack === 'level') && roles.level) basis = 'level';
  } else if (request.chart === 'errors' || request.chart === 'status') {
    basis = roles.status ? 'status' : roles.level ? 'level' : 'none';
  }
  return { ...request, source, ...scope, basis };
}

/** What a chart covers: its range, the zone's offsets over it, and (time series) its bucket. */
export type ChartScope = Pick<ChartPlan, 'fromMs' | 'toMs' | 'restrictRange' | 'segments' | 'bucketMs' | 'bucketMode'>;

/** The range, offsets and bucket of a chart; shared by the standard charts and the chart builder. */
export function planScope(
  request: Pick<ChartPlanRequest, 'zone' | 'range' | 'widthPx' | 'bucketMs'>,
  source: Pick<ChartSource, 'roles' | 'timeMin' | 'timeMax'>,
  timeSeries: boolean,
): ChartScope {
  const { roles } = source;
  const datasetFrom = source.timeMin ? Date.parse(source.timeMin) : null;
  // timeMax is the last event; the range ends just after it.
  const datasetTo = source.timeMax ? Date.parse(source.timeMax) + 1 : null;
  let fromMs = request.range ? Date.parse(request.range.from) : datasetFrom;
  let toMs = request.range ? Date.parse(request.range.to) : datasetTo;
  if (fromMs !== null && toMs !== null && toMs <= fromMs) toMs = fromMs + 1;
  const restrictRange = !!roles.time && !!request.range;
  if (!roles.time) fromMs = toMs = null;
  const segments = fromMs !== null && toMs !== null ? offsetSegments(request.zone, fromMs, toMs) : offsetSegments(request.zone, 0, 1);

  let bucketMs: number | null = null;
  let mode: BucketMode | null = null;
  if (timeSeries && fromMs !== null && toMs !== null) {
    bucketMs = request.bucketMs ?? chooseBucketMs(toMs - fromMs, request.widthPx);
    // A fixed bucket on a long range is coarsened rather than drowning the chart.
    while ((toMs - fromMs) / bucketMs > MAX_FIXED_BUCKETS && bucketMs < MS_PER_DAY) bucketMs = nextBucket(bucketMs);
    mode = bucketMode(bucketMs, segments);
  }
  return { fromMs, toMs, restrictRange, segments, bucketMs, bucketMode: mode };
}

/** `2024-03-04 09:00:00.000` for binding as `$x::TIMESTAMP`. */
const timestampParam = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** What the WHERE clause of the filter state depends on (a standard chart's plan, or a builder chart's). */
export type FilterPlan = Pick<ChartPlan, 'source' | 'restrictRange' | 'fromMs' | 'toMs' | 'filters' | 'search' | 'segments'>;

/** The WHERE conditions of the filter state, with their parameters. */
/** The brushed range on `time`, or null when the plan does not restrict it. */
function rangeConditionSql(plan: FilterPlan, time: string, params: Params): string | null {
  if (!plan.restrictRange || plan.fromMs === null || plan.toMs === null) return null;
  params.rangeFrom = timestampParam(plan.fromMs);
  params.rangeTo = timestampParam(plan.toMs);
  return `${time} >= $rangeFrom::TIMESTAMP AND ${time} < $rangeTo::TIMESTAMP`;
}

/**
 * The endpoint charts' rows (`ep`, and `d` in ms when asked) from the endpoint index alone,
 * when the filter state is time only; else null (they join the index to the rows). The
 * POSITIONAL JOIN reads every row of both tables whatever the range, where a range on the
 * index's own time column skips the row groups outside it (zone maps): a brushed tenth of
 * a time-ordered log reads about a tenth of the rows.
 */
export function endpointIndexRowsSql(plan: FilterPlan, withDuration: boolean, params: Params): string | null {
  const index = plan.source.endpointIndex;
  if (!index || plan.filters.length > 0 || plan.search) return null;
  const select = [`${quoteIdent(endpointIndexColumn)} AS ep`, ...(withDuration ? [`${quoteIdent(endpointIndexDuration)} AS d`] : [])];
  const range = plan.source.roles.time ? rangeConditionSql(plan, quoteIdent(endpointIndexTime), params) : null;
  return `SELECT ${select.join(', ')} FROM ${index}${range ? ` WHERE ${range}` : ''}`;
}

export function whereSql(plan: FilterPlan, params: Params): string[] {
  const { roles } = plan.source;
  const conditions: string[] = [];
  const range = roles.time ? rangeConditionSql(plan, columnSql(roles.time), params) : null;
  if (range) conditions.push(range);

  const byField = new Map<string, FieldFilter[]>();
  for (const filter of plan.filters) {
    const key = filterGroup(filter);
    const list = byField.get(key) ?? [];
    list.push(filter);
    byField.set(key, list);
  }
  let n = 0;
  const bind = (value: string | number) => {
    const name = `f${n++}`;
    params[name] = value;
    return `$${name}`;
  };
  for (const filters of byField.values()) {
    const alternatives = filters.map((filter) => filterCondition(filter, plan, bind));
    const first = filters[0]!;
    if (alternatives.some((a) => a === null) && first.field !== 'column') throw new MissingRoleError(roleOfFilter(first.field));
    conditions.push(alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`);
  }

  if (plan.search) conditions.push(searchWhereSql(plan, params, 's'));
  return conditions;
}

/** The search's condition, its values bound as `$<prefix>0…`. */
export function searchWhereSql(plan: Pick<FilterPlan, 'source' | 'search'>, params: Params, prefix: string): string {
  return searchConditionSql(resolvePlanSearch(plan), searchBinder(params, prefix));
}

/** The plan's search against its dataset's columns (a `SearchError` when it cannot apply). */
export function resolvePlanSearch(plan: Pick<FilterPlan, 'source' | 'search'>): ResolvedSearch {
  return resolveSearch(plan.search!, plan.source.columns, plan.source.roles);
}

function searchBinder(params: Params, prefix: string): (value: string | number) => string {
  let n = 0;
  return (value) => {
    const name = `${prefix}${n++}`;
    params[name] = value;
    return `$${name}`;
  };
}

/** Filters in one group are alternatives: chips of one field, `eq` values of one column. */
function filterGroup(filter: FieldFilter): string {
  if (filter.field !== 'column') return filter.field;
  return filter.op === 'eq' ? `column:${JSON.stringify(filter.column)}:eq` : `column:${JSON.stringify(filter)}`;
}

function roleOfFilter(field: Exclude<FieldFilter['field'], 'column'>): RoleName {
  switch (field) {
    case 'weekdayHour':
      return 'time';
    case 'statusClass':
    case 'error':
      return 'status';
    case 'pattern':
      return 'message';
    default:
      return field;
  }
}

/** A chart or filter needs a role the dataset does not have. */
export class MissingRoleError extends Error {
  constructor(readonly role: RoleName) {
    super(`missing role ${role}`);
    this.name = 'MissingRoleError';
  }
}

function filterCondition(filter: FieldFilter, plan: FilterPlan, bind: (value: string | number) => string): string | null {
  const { roles, types } = plan.source;
  switch (filter.field) {
    case 'status': {
      const status = statusSql(roles, types);
      return status && `${status} = ${bind(filter.value)}`;
    }
    case 'statusClass': {
      const status = statusSql(roles, types);
      return status && `(${status} >= ${bind(filter.value * 100)} AND ${status} < ${bind(filter.value * 100 + 100)})`;
    }
    case 'endpoint': {
      const endpoint = endpointSql(plan.source);
      return endpoint && `${endpoint} = ${bind(filter.value)}`;
    }
    case 'level':
    case 'method':
    case 'client':
    case 'user': {
      const column = textSql(roles, types, filter.field);
      return column && `${column} = ${bind(filter.value)}`;
    }
    case 'weekdayHour': {
      if (!roles.time) return null;
      const time = columnSql(roles.time);
      return `${hourOfWeekSql(time, plan.segments)} = ${bind(filter.weekday * 24 + filter.hour)}`;
    }
    case 'pattern':
      // Rows carry their message template's id (issue 7).
      return `${quoteIdent('_ls_pattern')} = ${bind(filter.value)}`;
    case 'error': {
      const status = statusSql(roles, types);
      if (status) return `${status} >= ${bind(500)}`;
      const level = textSql(roles, types, 'level');
      return level && `${level} IN (${errorLevelVariants.map((word) => bind(word)).join(', ')})`;
    }
    case 'column':
      return columnFilterSql(filter, plan.source.columns, bind);
    case 'duration': {
      const duration = durationMsSql(roles, types);
      if (!duration) return null;
      const min = `${duration} >= ${bind(filter.minMs)}`;
      return filter.maxMs === null ? min : `(${min} AND ${duration} < ${bind(filter.maxMs)})`;
    }
  }
}

/** A column filter of the Rows grid; a column the dataset does not have is an error. */
function columnFilterSql(filter: Extract<FieldFilter, { field: 'column' }>, columns: readonly RoleColumn[], bind: (value: string | number) => string): string {
  const column = columns.find((c) => samePath(c.path, filter.column));
  if (!column) throw new MissingColumnError(columnLabel(filter.column));
  const sql = columnSql(column.path);
  if (filter.op === 'null') return `${sql} IS NULL`;
  if (filter.op === 'notNull') return `${sql} IS NOT NULL`;
  const raw = filter.value ?? '';
  if (filter.op === 'contains' || filter.op === 'notContains') {
    const text = isTextType(column.type) ? sql : `CAST(${sql} AS VARCHAR)`;
    const contains = `coalesce(contains(lower(${text}), lower(${bind(String(raw))})), false)`;
    return filter.op === 'contains' ? contains : `NOT ${contains}`;
  }
  const operator = { eq: '=', ne: '<>', gte: '>=', lt: '<' }[filter.op];
  let value: string;
  let left = sql;
  if (isNumericType(column.type) && Number.isFinite(Number(raw)) && String(raw).trim() !== '') value = bind(Number(raw));
  else if (isTimestampType(column.type)) value = `TRY_CAST(${bind(String(raw))} AS TIMESTAMP)`;
  else {
    // Other types compare as the text the grid shows.
    if (!isTextType(column.type)) left = `CAST(${sql} AS VARCHAR)`;
    value = bind(String(raw));
  }
  const compared = `${left} ${operator} ${value}`;
  return filter.op === 'ne' ? `coalesce(${compared}, true)` : `coalesce(${compared}, false)`;
}

/** A picked column (a chart builder's, a column filter's) the dataset does not have (any more). */
export class MissingColumnError extends Error {
  constructor(readonly column: string) {
    super(`no column ${column}`);
    this.name = 'MissingColumnError';
  }
}

/** Hours since Monday 00:00 in the zone (0..167); 1970-01-01 was a Thursday (72 hours after Monday). */
export function hourOfWeekSql(time: string, segments: readonly OffsetSegment[]): string {
  return `((epoch_ms(${time}) + ${offsetSql(time, segments)}) // ${MS_PER_HOUR} + 72) % 168`;
}

/**
 * The bucket key of a row (see `BucketMode`): the UTC start in ms, or the local day
 * number. `e` and `o` are the row's epoch ms and zone offset, selected once below.
 */
export function bucketKeySql(plan: Pick<ChartPlan, 'bucketMs' | 'bucketMode'>): string {
  const b = integerLiteral(plan.bucketMs ?? MS_PER_DAY);
  switch (plan.bucketMode) {
    case 'utc':
      return `(e // ${b}) * ${b}`;
    case 'shifted':
      return `((e + o) // ${b}) * ${b} - o`;
    default:
      return `(e + o) // ${MS_PER_DAY}`;
  }
}

/** The time columns a bucketed query selects into its filtered rows: epoch ms and offset. */
export function bucketInputsSql(plan: Pick<ChartPlan, 'source' | 'bucketMode' | 'segments'>): string[] {
  const time = columnSql(plan.source.roles.time!);
  const inputs = [`epoch_ms(${time}) AS e`];
  if (plan.bucketMode !== 'utc') inputs.push(`${offsetSql(time, plan.segments)} AS o`);
  return inputs;
}

/** `SELECT <select> FROM main."t" WHERE …`: the filtered rows a chart aggregates. */
export function filteredRowsSql(plan: FilterPlan, select: string[], params: Params, extra: string[] = []): string {
  const conditions = [...whereSql(plan, params), ...extra];
  const table = qualified('main', plan.source.table);
  const usesIndex = plan.source.endpointIndex && (plan.filters.some((f) => f.field === 'endpoint') || select.some((s) => s.includes(endpointIndexAlias)));
  const from = usesIndex ? `${table} POSITIONAL JOIN ${plan.source.endpointIndex} AS ${quoteIdent(endpointIndexAlias)}` : table;
  return `SELECT ${select.join(', ')} FROM ${from}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

export function errorLevelList(params: Params): string {
  return errorLevelVariants
    .map((word, i) => {
      params[`lv${i}`] = word;
      return `$lv${i}`;
    })
    .join(', ');
}
