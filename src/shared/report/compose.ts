import type { Cell } from '../api/schemas';
import { formatMs, numberFormat, type ChartLanguage, type Translate } from '../charts/describe';
import { describeZoneOffsets, formatZoned, offsetSegments, zoneLabelAt } from '../charts/zone';
import { defaultUnusualRule } from '../charts/anomaly';
import type { ChangeTone, FigureCell, MailBlock, MailDocument, MailImage } from './document';
import type { MsRange } from './period';

/**
 * A report's numbers (computed in DuckDB by the main process) as a `MailDocument` in the
 * reader's language, and the same numbers as CSV tables.
 */

/** The key figures of one period. A figure whose role the dataset lacks is null. */
export interface PeriodFigures {
  events: number;
  errors: number | null;
  /** What the error rate is a share of: rows with a status, or all rows when counting levels. */
  errorBase: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  clients: number | null;
  /** Buckets of the error-rate chart marked unusual by the dashboard's rule. */
  unusualBuckets: number | null;
  /** Message templates with rows in the period and none in the period before it. */
  newPatterns: number | null;
}

export interface ReportData {
  dataset: string;
  zone: string;
  madeAtMs: number;
  /** "Last 24 hours", "Whole range"…, already in the reader's language. */
  periodLabel: string;
  range: MsRange | null;
  previous: MsRange | null;
  anchoredAt: number | null;
  /** Filter chips and the search, as the dashboard words them. */
  filters: string[];
  current: PeriodFigures;
  /** The period before; null without one, or when it holds no rows. */
  before: PeriodFigures | null;
  busiest: { endpoint: string; count: number; before: number | null } | null;
  charts: { title: string; caption: string; image: MailImage }[];
  topEndpoints: { endpoint: string; count: number; p95Ms: number | null }[] | null;
  errorPatterns: { template: string; count: number; before: number | null }[] | null;
  newPatterns: { template: string; count: number }[] | null;
  unusual: { startMs: number; endMs: number; errors: number; total: number; rate: number; threshold: number }[] | null;
  /** Notes already in the reader's language (a chart left out, patterns not ready). */
  notes: string[];
}

export const errorRateOf = (f: Pick<PeriodFigures, 'errors' | 'errorBase'>): number | null =>
  f.errors === null || f.errorBase === null || f.errorBase === 0 ? null : f.errors / f.errorBase;

/** Relative change; null when there is nothing (or zero) to compare with. */
export function relativeChange(current: number | null, before: number | null): number | null {
  if (current === null || before === null || before === 0) return null;
  return (current - before) / before;
}

const minus = '\u2212';

function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`;
  if (value < 0) return `${minus}${text.replace(/^-/, '')}`;
  return `±${text}`;
}

export function formatRelative(change: number, language: ChartLanguage): string {
  return signed(numberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(Math.abs(change)), change);
}

/** A difference of two rates, in percentage points (`%p` in Korean). */
export function formatPoints(difference: number, language: ChartLanguage): string {
  const points = numberFormat(language, { maximumFractionDigits: 2 }).format(Math.abs(difference * 100));
  return signed(`${points}${language === 'ko' ? '%p' : ' pp'}`, difference);
}

export function formatRate(rate: number, language: ChartLanguage): string {
  return numberFormat(language, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(rate);
}

export function formatCount(n: number, language: ChartLanguage): string {
  return numberFormat(language).format(n);
}

/** More is worse (errors, latency), better, or neither (events, clients). */
function toneOf(direction: 'up_is_bad' | 'neutral', change: number | null): ChangeTone {
  if (change === null || change === 0 || direction === 'neutral') return 'neutral';
  return change > 0 ? 'bad' : 'good';
}

export function composeReport(data: ReportData, t: Translate, language: ChartLanguage): MailDocument {
  const count = (n: number) => formatCount(n, language);
  const subtitle: string[] = [];
  if (data.range) {
    // `Asia/Seoul (UTC+09:00)`: the offsets over the report's range, as its charts' axes say.
    const zoneLabel = describeZoneOffsets(data.zone, offsetSegments(data.zone, data.range.fromMs, data.range.toMs));
    const last = Math.max(data.range.fromMs, data.range.toMs - 1);
    subtitle.push(`${data.periodLabel}: ${t('report.mail.range', { from: formatZoned(data.range.fromMs, data.zone), to: formatZoned(last, data.zone), zone: zoneLabel })}`);
    if (data.previous) {
      subtitle.push(
        t('report.mail.comparedWith', { from: formatZoned(data.previous.fromMs, data.zone), to: formatZoned(Math.max(data.previous.fromMs, data.previous.toMs - 1), data.zone) }),
      );
    }
  }
  subtitle.push(t('report.mail.madeAt', { at: formatZoned(data.madeAtMs, data.zone), zone: zoneLabelAt(data.zone, data.madeAtMs) }));

  const notes: string[] = [];
  if (!data.range) notes.push(t('report.mail.noTime'));
  if (data.anchoredAt !== null) notes.push(t('report.mail.anchored', { at: formatZoned(data.anchoredAt, data.zone), period: data.periodLabel }));
  if (data.filters.length) notes.push(t('report.mail.filters', { filters: data.filters.join(', ') }));
  notes.push(...data.notes);

  const before = data.before;
  const noBefore = data.previous ? t('report.mail.noPrevious') : null;
  const figures: FigureCell[] = [];
  const relative = (
    id: string,
    label: string,
    current: number | null,
    previous: number | null | undefined,
    format: (n: number) => string,
    direction: 'up_is_bad' | 'neutral',
  ) => {
    if (current === null) return;
    const change = before ? relativeChange(current, previous ?? null) : null;
    figures.push({
      id,
      label,
      value: format(current),
      change: change === null ? null : formatRelative(change, language),
      tone: toneOf(direction, change),
      previous: before && previous !== null && previous !== undefined ? t('report.mail.previous', { value: format(previous) }) : noBefore,
      detail: null,
      wide: false,
    });
  };
  const difference = (id: string, label: string, current: number | null, previous: number | null | undefined) => {
    if (current === null) return;
    const diff = before && previous !== null && previous !== undefined ? current - previous : null;
    figures.push({
      id,
      label,
      value: count(current),
      change: diff === null ? null : signed(count(Math.abs(diff)), diff),
      tone: toneOf('up_is_bad', diff),
      previous: diff === null ? noBefore : t('report.mail.previous', { value: count(previous!) }),
      detail: null,
      wide: false,
    });
  };

  const ms = (n: number) => formatMs(n, language);
  relative('events', t('report.mail.figure_events'), data.current.events, before?.events, count, 'neutral');
  const rate = errorRateOf(data.current);
  if (rate !== null || data.current.errors !== null) {
    const beforeRate = before ? errorRateOf(before) : null;
    const diff = rate !== null && beforeRate !== null ? rate - beforeRate : null;
    figures.push({
      id: 'errorRate',
      label: t('report.mail.figure_errorRate'),
      value: rate === null ? t('report.mail.notAvailable') : formatRate(rate, language),
      change: diff === null ? null : formatPoints(diff, language),
      tone: toneOf('up_is_bad', diff),
      previous: beforeRate === null ? noBefore : t('report.mail.previous', { value: formatRate(beforeRate, language) }),
      detail: null,
      wide: false,
    });
  }
  relative('clients', t('report.mail.figure_clients'), data.current.clients, before?.clients, count, 'neutral');
  difference('unusual', t('report.mail.figure_unusual'), data.current.unusualBuckets, before?.unusualBuckets);
  relative('p50', t('report.mail.figure_p50'), data.current.p50Ms, before?.p50Ms, ms, 'up_is_bad');
  relative('p95', t('report.mail.figure_p95'), data.current.p95Ms, before?.p95Ms, ms, 'up_is_bad');
  relative('p99', t('report.mail.figure_p99'), data.current.p99Ms, before?.p99Ms, ms, 'up_is_bad');
  difference('newPatterns', t('report.mail.figure_newPatterns'), data.current.newPatterns, before?.newPatterns);
  if (data.busiest) {
    const change = data.busiest.before === null ? null : relativeChange(data.busiest.count, data.busiest.before);
    figures.push({
      id: 'busiest',
      label: t('report.mail.figure_busiest'),
      value: data.busiest.endpoint,
      detail: t('report.mail.busiestDetail', { count: count(data.busiest.count) }),
      change: change === null ? null : formatRelative(change, language),
      tone: 'neutral',
      previous: data.busiest.before === null ? noBefore : t('report.mail.previous', { value: count(data.busiest.before) }),
      wide: true,
    });
  }

  const blocks: MailBlock[] = [{ kind: 'figures', title: t('report.mail.figures'), figures }];
  for (const chart of data.charts) blocks.push({ kind: 'chart', title: chart.title, caption: chart.caption, image: chart.image });
  const none = t('report.mail.none');
  if (data.unusual) {
    blocks.push({
      kind: 'table',
      title: t('report.mail.unusualBuckets'),
      columns: [
        { label: t('report.mail.col_bucket'), align: 'left' },
        { label: t('report.mail.col_errors'), align: 'right' },
        { label: t('report.mail.col_errorRate'), align: 'right' },
        { label: t('report.mail.col_threshold'), align: 'right' },
      ],
      rows: data.unusual.map((u) => [
        `${formatZoned(u.startMs, data.zone)} – ${formatZoned(u.endMs, data.zone).slice(11)}`,
        `${count(u.errors)} / ${count(u.total)}`,
        formatRate(u.rate, language),
        formatRate(u.threshold, language),
      ]),
      empty: none,
      note: t('report.mail.unusualRule', { window: defaultUnusualRule.window, k: defaultUnusualRule.k }),
    });
  }
  if (data.topEndpoints) {
    blocks.push({
      kind: 'table',
      title: t('report.mail.topEndpoints'),
      columns: [
        { label: t('report.mail.col_rank'), align: 'right' },
        { label: t('report.mail.col_endpoint'), align: 'left', wrap: true },
        { label: t('report.mail.col_requests'), align: 'right' },
        ...(data.topEndpoints.some((e) => e.p95Ms !== null) ? [{ label: t('report.mail.col_p95'), align: 'right' as const }] : []),
      ],
      rows: data.topEndpoints.map((e, i) => [
        String(i + 1),
        e.endpoint,
        count(e.count),
        ...(data.topEndpoints!.some((x) => x.p95Ms !== null) ? [e.p95Ms === null ? '–' : ms(e.p95Ms)] : []),
      ]),
      empty: none,
      note: null,
    });
  }
  if (data.errorPatterns) {
    blocks.push({
      kind: 'table',
      title: t('report.mail.errorPatterns'),
      columns: [
        { label: t('report.mail.col_rank'), align: 'right' },
        { label: t('report.mail.col_pattern'), align: 'left', wrap: true },
        { label: t('report.mail.col_count'), align: 'right' },
        ...(data.previous ? [{ label: t('report.mail.col_previous'), align: 'right' as const }] : []),
      ],
      rows: data.errorPatterns.map((p, i) => [String(i + 1), p.template, count(p.count), ...(data.previous ? [p.before === null ? '–' : count(p.before)] : [])]),
      empty: none,
      note: null,
    });
  }
  if (data.newPatterns && data.newPatterns.length) {
    blocks.push({
      kind: 'table',
      title: t('report.mail.newPatterns'),
      columns: [
        { label: t('report.mail.col_pattern'), align: 'left', wrap: true },
        { label: t('report.mail.col_count'), align: 'right' },
      ],
      rows: data.newPatterns.map((p) => [p.template, count(p.count)]),
      empty: none,
      note: null,
    });
  }
  return {
    language,
    title: t('report.mail.title', { dataset: data.dataset }),
    subtitle,
    notes,
    blocks,
    footer: [t('report.mail.footer', { dataset: data.dataset })],
  };
}

/** The key figures and tables as CSV tables: raw numbers, text as it is in the log (the CSV writer neutralises it). */
export function reportTables(data: ReportData): { name: 'figures' | 'endpoints' | 'patterns'; columns: string[]; rows: Cell[][] }[] {
  const current = data.current;
  const before = data.before;
  const figure = (id: string, value: number | null, previous: number | null | undefined): Cell[] => [id, value, previous ?? null];
  const tables: { name: 'figures' | 'endpoints' | 'patterns'; columns: string[]; rows: Cell[][] }[] = [
    {
      name: 'figures',
      columns: ['figure', 'value', 'previous'],
      rows: [
        figure('events', current.events, before?.events),
        figure('error_rate', errorRateOf(current), before ? errorRateOf(before) : null),
        figure('p50_ms', current.p50Ms, before?.p50Ms),
        figure('p95_ms', current.p95Ms, before?.p95Ms),
        figure('p99_ms', current.p99Ms, before?.p99Ms),
        figure('distinct_clients', current.clients, before?.clients),
        figure('unusual_buckets', current.unusualBuckets, before?.unusualBuckets),
        figure('new_patterns', current.newPatterns, before?.newPatterns),
        ...(data.busiest ? [['busiest_endpoint', data.busiest.endpoint, null], ['busiest_endpoint_requests', data.busiest.count, data.busiest.before]] : []),
      ] as Cell[][],
    },
  ];
  if (data.topEndpoints) {
    tables.push({ name: 'endpoints', columns: ['endpoint', 'requests', 'p95_ms'], rows: data.topEndpoints.map((e) => [e.endpoint, e.count, e.p95Ms]) });
  }
  if (data.errorPatterns) {
    tables.push({ name: 'patterns', columns: ['pattern', 'count', 'previous'], rows: data.errorPatterns.map((p) => [p.template, p.count, p.before]) });
  }
  return tables;
}

/**
 * The subject from its template: `{dataset}`, `{period}`, `{date}` (the report's day in
 * its zone) and `{report}` (its name). Line breaks go: a subject is one header line.
 */
export function fillSubject(template: string, values: { dataset: string; period: string; date: string; report: string }): string {
  return template
    .replace(/\{(dataset|period|date|report)\}/g, (_, key: keyof typeof values) => values[key])
    .replace(/[\r\n\t]+/g, ' ')
    .trim()
    .slice(0, 250);
}
