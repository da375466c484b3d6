import { columnLabel } from './columns';
import { LATENCY_MAX_RELATIVE_ERROR } from './summary';
import { bucketParts } from './buckets';
import { SLOW_ENDPOINT_MIN_REQUESTS, TOP_ENDPOINTS } from './queries';
import { TOP_PATTERNS } from './patternsChart';
import { defaultUnusualRule } from './anomaly';
import { formatZoned, type OffsetSegment } from './zone';
import type { ChartId, ChartResult, FieldFilter, Search, Roles } from './spec';

/**
 * The words around a chart: its title, what it shows, and over which range, filters and
 * rows. The dashboard card, the exported image and the e-mailed report all say the same.
 */

/** A translator: i18next's `t`, or any function with its shape. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

export type ChartLanguage = 'ko' | 'en';

const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function weekdayName(t: Translate, weekday: number): string {
  return t(`dashboard.weekdays.${weekdayKeys[weekday] ?? 'mon'}`);
}

export function numberFormat(language: ChartLanguage, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(language === 'ko' ? 'ko-KR' : 'en-US', options);
}

/**
 * A number for reading in a table: grouped in the user's language, and a double to 15
 * significant digits, so binary noise (0.1 + 0.2 = 0.30000000000000004) reads as 0.3.
 * Exports keep every digit; this is for the screen only.
 */
export function readableNumber(value: number, language: ChartLanguage): string {
  if (!Number.isFinite(value)) return String(value);
  return numberFormat(language, Number.isInteger(value) ? { maximumFractionDigits: 0 } : { maximumSignificantDigits: 15 }).format(value);
}

/** `1,234 ms`, `3.2 ms`, `0.41 ms`. */
export function formatMs(value: number, language: ChartLanguage): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${numberFormat(language, { maximumFractionDigits: digits }).format(value)} ms`;
}

/** `5 min`, `1 h`, `1 day` in the user's language. */
export function bucketLabel(t: Translate, bucketMs: number): string {
  const { count, unit } = bucketParts(bucketMs);
  return t(`dashboard.bucket.${unit}`, { count });
}

export function chartTitle(t: Translate, chart: ChartId, result: Pick<ChartResult, 'basis'> | null): string {
  if (chart === 'status') return t(result?.basis === 'level' ? 'dashboard.charts.status.titleLevel' : 'dashboard.charts.status.title');
  return t(`dashboard.charts.${chartKey(chart)}.title`);
}

export const chartKey = (chart: ChartId): string =>
  chart === 'top-endpoints' ? 'topEndpoints' : chart === 'slow-endpoints' ? 'slowEndpoints' : chart;

/** One sentence: what the chart shows. */
export function chartWhat(t: Translate, chart: ChartId, result: ChartResult, roles: Roles, zone: string): string {
  const bucket = result.bucketMs ? bucketLabel(t, result.bucketMs) : '';
  const duration = roles.duration ? columnLabel(roles.duration.column) : '';
  switch (chart) {
    case 'events':
      return t(`dashboard.charts.events.what_${result.basis}`, { bucket });
    case 'latency':
      return t('dashboard.charts.latency.what', { bucket, column: duration });
    case 'errors':
      return t(`dashboard.charts.errors.what_${result.basis === 'level' ? 'level' : 'status'}`, {
        bucket,
        k: defaultUnusualRule.k,
        window: defaultUnusualRule.window,
      });
    case 'status':
      return t(result.basis === 'level' ? 'dashboard.charts.status.whatLevel' : 'dashboard.charts.status.what');
    case 'top-endpoints':
      return t(roles.duration ? 'dashboard.charts.topEndpoints.what' : 'dashboard.charts.topEndpoints.whatNoDuration', { count: TOP_ENDPOINTS });
    case 'slow-endpoints':
      return t('dashboard.charts.slowEndpoints.what', { count: TOP_ENDPOINTS, min: SLOW_ENDPOINT_MIN_REQUESTS });
    case 'heatmap':
      return t('dashboard.charts.heatmap.what', { zone });
    case 'histogram':
      return t(result.rows.length && result.rows.some((r) => r[2] !== null) ? 'dashboard.charts.histogram.whatLinear' : 'dashboard.charts.histogram.whatLog', {
        column: duration,
      });
    case 'patterns':
      return t('dashboard.charts.patterns.what', { count: TOP_PATTERNS });
  }
}

export function segmentsOf(result: Pick<ChartResult, 'zoneOffsets'>): OffsetSegment[] {
  return result.zoneOffsets.map(([startMs, endMs, offsetMs]) => ({ startMs, endMs, offsetMs }));
}

/** `2024-03-04 09:00 – 2024-03-11 08:59 (Asia/Seoul)`. */
export function rangeLabel(t: Translate, range: { from: string; to: string } | null, zone: string): string {
  if (!range) return t('dashboard.scope.noTime');
  const from = Date.parse(range.from);
  // The range is half-open; show its last minute.
  const to = Math.max(from, Date.parse(range.to) - 1);
  return t('dashboard.scope.range', { from: formatZoned(from, zone, 'minute'), to: formatZoned(to, zone, 'minute'), zone });
}

export function filterLabel(t: Translate, filter: FieldFilter, language: ChartLanguage): string {
  switch (filter.field) {
    case 'statusClass':
      return t('dashboard.filter.statusClass', { value: filter.value });
    case 'weekdayHour':
      return t('dashboard.filter.weekdayHour', { weekday: weekdayName(t, filter.weekday), hour: String(filter.hour).padStart(2, '0') });
    case 'duration':
      return filter.maxMs === null
        ? t('dashboard.filter.durationFrom', { min: formatMs(filter.minMs, language) })
        : t('dashboard.filter.duration', { min: formatMs(filter.minMs, language), max: formatMs(filter.maxMs, language) });
    case 'error':
      return t('dashboard.filter.error');
    case 'column':
      return t(`dashboard.filter.column_${filter.op}`, { column: columnLabel(filter.column), value: filter.value ?? '' });
    default:
      return t(`dashboard.filter.${filter.field}`, { value: filter.value });
  }
}

export function searchLabel(t: Translate, search: Search): string {
  if (search.column) return t(search.regex ? 'dashboard.scope.searchRegexIn' : 'dashboard.scope.searchIn', { text: search.text, column: columnLabel(search.column) });
  return t(search.regex ? 'dashboard.scope.searchRegex' : 'dashboard.scope.search', { text: search.text });
}

/** Range · filters · search · rows, for under the chart. */
export function chartScope(
  t: Translate,
  language: ChartLanguage,
  query: { zone: string; filters: readonly FieldFilter[]; search: Search | null },
  result: Pick<ChartResult, 'range' | 'covered'> & { approximate?: boolean },
): string {
  const parts = [rangeLabel(t, result.range, query.zone)];
  if (query.filters.length) parts.push(query.filters.map((f) => filterLabel(t, f, language)).join(', '));
  if (query.search) parts.push(searchLabel(t, query.search));
  parts.push(t('dashboard.scope.rows', { count: result.covered }));
  if (result.approximate) parts.push(t('dashboard.scope.approximate', { percent: (LATENCY_MAX_RELATIVE_ERROR * 100).toFixed(1) }));
  return parts.join(' · ');
}
