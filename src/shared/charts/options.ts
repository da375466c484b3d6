import type { EChartsOption } from 'echarts';
import type { Cell } from '../api/schemas';
import { findUnusual, defaultUnusualRule } from './anomaly';
import { labelPrecision } from './buckets';
import { LINEAR_BINS, LOG_BINS_PER_DECADE } from './queries';
import { levelColor, statusClassColor, type ChartTheme } from './theme';
import { formatMs, numberFormat, segmentsOf, weekdayName, type ChartLanguage, type Translate } from './describe';
import { describeZoneOffsets, zonedParts, type OffsetSegment } from './zone';
import type { ChartId, ChartResult } from './spec';
import { patternsChartOption } from './patternsChart';

/**
 * Chart results to ECharts options: pure functions, used by the dashboard in the renderer
 * and, through ECharts' server-side SVG rendering, by exports, `logscope chart` and the
 * e-mailed report. Whatever differs between screen and file is in `ChartContext`.
 */
export interface ChartContext {
  t: Translate;
  language: ChartLanguage;
  zone: string;
  theme: ChartTheme;
  /** On screen: tooltips, brushing, a transparent background. In a file: none of these. */
  interactive: boolean;
  /** The font family text is drawn in (the shipped CJK font when rendering a file). */
  fontFamily?: string;
  /** Title and subtitle drawn into the chart (files; on screen the card shows them). */
  heading?: { title: string; subtitle: string } | null;
  /** The chart's width in pixels, where the layout depends on it (long endpoint labels). */
  width?: number;
}

/** Series ids carry what a click on them filters by: `status:5`, `level:ERROR`. */
export const seriesIdPrefix = { statusClass: 'status:', level: 'level:' } as const;

const num = (value: Cell | undefined): number => (typeof value === 'number' ? value : Number(value ?? 0));
const numOrNull = (value: Cell | undefined): number | null => (value === null || value === undefined ? null : Number(value));

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function baseOption(ctx: ChartContext, layout: { top?: number; bottom?: number; left?: number; right?: number } = {}): EChartsOption {
  const headingHeight = ctx.heading ? 76 : 0;
  const option: EChartsOption = {
    animation: ctx.interactive,
    backgroundColor: ctx.interactive ? 'transparent' : ctx.theme.background,
    textStyle: { fontFamily: ctx.fontFamily ?? 'sans-serif', color: ctx.theme.text },
    grid: {
      left: layout.left ?? 12,
      right: layout.right ?? 20,
      top: (layout.top ?? 36) + headingHeight,
      bottom: layout.bottom ?? 12,
      outerBoundsMode: 'same',
      // Axis names too: a time axis's zone label sits under its labels.
      outerBoundsContain: 'all',
    },
  };
  if (ctx.heading) {
    option.title = {
      text: ctx.heading.title,
      subtext: ctx.heading.subtitle,
      left: 12,
      top: 8,
      textStyle: { fontSize: 16, fontWeight: 'bold', color: ctx.theme.text, fontFamily: ctx.fontFamily },
      subtextStyle: { fontSize: 12, color: ctx.theme.mutedText, fontFamily: ctx.fontFamily },
    };
  }
  if (ctx.interactive) {
    option.tooltip = {
      backgroundColor: ctx.theme.tooltipBackground,
      borderColor: ctx.theme.axisLine,
      textStyle: { color: ctx.theme.text, fontSize: 12 },
      confine: true,
    };
  }
  return option;
}

function legend(ctx: ChartContext, names: string[]): EChartsOption['legend'] {
  return {
    data: names,
    top: ctx.heading ? 80 : 4,
    right: 12,
    textStyle: { color: ctx.theme.text, fontFamily: ctx.fontFamily },
    itemWidth: 12,
    itemHeight: 10,
  };
}

export function axisStyle(ctx: ChartContext) {
  return {
    axisLine: { lineStyle: { color: ctx.theme.axisLine } },
    axisTick: { lineStyle: { color: ctx.theme.axisLine } },
    axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily },
    splitLine: { lineStyle: { color: ctx.theme.splitLine } },
    nameTextStyle: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily },
  };
}

/** Labels of time buckets in the chart's zone, as short as the bucket allows. */
export function bucketLabels(result: Pick<ChartResult, 'buckets' | 'bucketMs' | 'zoneOffsets'>): string[] {
  const buckets = result.buckets ?? [];
  const segments = segmentsOf(result);
  const precision = labelPrecision(result.bucketMs ?? 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const years = new Set(buckets.map((b) => zonedParts(b, segments).year));
  return buckets.map((b) => {
    const p = zonedParts(b, segments);
    const date = years.size > 1 ? `${p.year}-${pad(p.month)}-${pad(p.day)}` : `${pad(p.month)}-${pad(p.day)}`;
    if (precision === 'day') return date;
    const time = `${pad(p.hour)}:${pad(p.minute)}`;
    return precision === 'second' ? `${date} ${time}:${pad(p.second)}` : `${date} ${time}`;
  });
}

/** A time axis says which zone its labels are in, under them (the tooltip's header shows the label alone). */
function timeAxis(ctx: ChartContext, result: ChartResult, labels: string[]): EChartsOption['xAxis'] {
  return {
    type: 'category',
    data: labels,
    boundaryGap: true,
    ...axisStyle(ctx),
    name: describeZoneOffsets(ctx.zone, segmentsOf(result)),
    nameLocation: 'middle',
    nameGap: 26,
    axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true },
    splitLine: { show: false },
  };
}

/** Brushing a range on a time chart: lineX over the category axis, held until released. */
function brush(ctx: ChartContext): Partial<EChartsOption> {
  if (!ctx.interactive) return {};
  return {
    brush: {
      xAxisIndex: 0,
      brushType: 'lineX',
      brushMode: 'single',
      transformable: false,
      throttleType: 'debounce',
      brushStyle: { color: ctx.theme.mode === 'dark' ? 'rgba(116,143,252,0.25)' : 'rgba(76,110,245,0.18)', borderColor: ctx.theme.palette[0] },
    },
    toolbox: { show: false },
  };
}

function bucketIndex(result: ChartResult): Map<number, number> {
  return new Map((result.buckets ?? []).map((b, i) => [b, i]));
}

// ---------------------------------------------------------------------------------------

const statusOrder = [2, 3, 4, 5, 1];

export function eventsChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const labels = bucketLabels(result);
  const index = bucketIndex(result);
  const series = new Map<string, { id: string; name: string; color: string; data: number[]; order: number }>();
  const levelTotals = new Map<string, number>();
  for (const row of result.rows) {
    if (result.basis === 'level' && row[1] !== null) levelTotals.set(String(row[1]), (levelTotals.get(String(row[1])) ?? 0) + num(row[3]));
  }
  const levelRank = [...levelTotals.entries()].sort((a, b) => b[1] - a[1]).map(([level]) => level);
  for (const row of result.rows) {
    const at = index.get(num(row[0]));
    if (at === undefined) continue;
    let key: string;
    let name: string;
    let color: string;
    let order: number;
    if (result.basis === 'status') {
      const statusClass = row[1] === null ? null : num(row[1]);
      key = statusClass === null ? 'status:none' : `${seriesIdPrefix.statusClass}${statusClass}`;
      name = statusClass === null ? ctx.t('dashboard.series.none') : ctx.t('dashboard.series.statusClass', { value: statusClass });
      color = statusClassColor(ctx.theme, statusClass);
      order = statusClass === null ? 99 : statusOrder.indexOf(statusClass) + (statusOrder.includes(statusClass) ? 0 : 50);
    } else if (result.basis === 'level') {
      const level = row[1] === null ? null : String(row[1]);
      if (row[2] === true) {
        key = 'other';
        name = ctx.t('dashboard.series.other');
        color = ctx.theme.palette[ctx.theme.palette.length - 1]!;
        order = 98;
      } else if (level === null) {
        key = 'level:none';
        name = ctx.t('dashboard.series.none');
        color = ctx.theme.statusClass.none;
        order = 99;
      } else {
        const rank = levelRank.indexOf(level);
        key = `${seriesIdPrefix.level}${level}`;
        name = level;
        color = levelColor(ctx.theme, level, rank);
        order = severityRank(level) * 100 + rank;
      }
    } else {
      key = 'events';
      name = ctx.t('dashboard.series.events');
      color = ctx.theme.palette[0]!;
      order = 0;
    }
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { id: key, name, color, data: new Array<number>(labels.length).fill(0), order }));
    entry.data[at] = (entry.data[at] ?? 0) + num(row[3]);
  }
  const ordered = [...series.values()].sort((a, b) => a.order - b.order);
  const option = baseOption(ctx, { top: 36 });
  const format = numberFormat(ctx.language);
  return {
    ...option,
    ...brush(ctx),
    legend: ordered.length > 1 ? legend(ctx, ordered.map((s) => s.name)) : { show: false },
    tooltip: ctx.interactive ? { ...(option.tooltip as object), trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => format.format(Number(v)) } : undefined,
    xAxis: timeAxis(ctx, result, labels),
    yAxis: { type: 'value', minInterval: 1, ...axisStyle(ctx), axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, formatter: (v: number) => format.format(v) } },
    series: ordered.map((s) => ({
      id: s.id,
      name: s.name,
      type: 'bar',
      stack: 'events',
      data: s.data,
      itemStyle: { color: s.color },
      barCategoryGap: '15%',
      emphasis: { focus: 'series' },
    })),
  };
}

/** Less severe levels at the bottom of the stack. */
function severityRank(level: string): number {
  const word = level.trim().toLowerCase();
  if (/^(trace|debug|dbg|fine|finer|finest|verbose)$/.test(word)) return 0;
  if (/^(info|information|informational|notice|config)$/.test(word)) return 1;
  if (/^(warn|warning)$/.test(word)) return 2;
  if (/^(error|err|severe)$/.test(word)) return 3;
  if (/^(fatal|critical|crit|alert|emerg|emergency|panic)$/.test(word)) return 4;
  return 5;
}

export function latencyChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const labels = bucketLabels(result);
  const index = bucketIndex(result);
  const lines = [1, 2, 3].map(() => new Array<number | null>(labels.length).fill(null));
  for (const row of result.rows) {
    const at = index.get(num(row[0]));
    if (at === undefined) continue;
    for (let i = 0; i < 3; i++) lines[i]![at] = numOrNull(row[i + 1]);
  }
  const names = ['p50', 'p95', 'p99'];
  const colors = [ctx.theme.palette[1]!, ctx.theme.palette[0]!, ctx.theme.palette[3]!];
  const option = baseOption(ctx, { top: 36 });
  return {
    ...option,
    ...brush(ctx),
    legend: legend(ctx, names),
    tooltip: ctx.interactive
      ? { ...(option.tooltip as object), trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '–' : formatMs(Number(v), ctx.language)) }
      : undefined,
    xAxis: timeAxis(ctx, result, labels),
    yAxis: {
      type: 'value',
      name: 'ms',
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, formatter: (v: number) => numberFormat(ctx.language).format(v) },
    },
    series: names.map((name, i) => ({
      id: name,
      name,
      type: 'line',
      data: lines[i]!,
      showSymbol: false,
      connectNulls: false,
      lineStyle: { width: i === 1 ? 2 : 1.5, color: colors[i] },
      itemStyle: { color: colors[i] },
    })),
  };
}

/** Error rate per bucket and the rule's verdict on each, also used by the CSV export. */
export function errorRateSeries(result: ChartResult) {
  const buckets = result.buckets ?? [];
  const index = bucketIndex(result);
  const errors = new Array<number>(buckets.length).fill(0);
  const totals = new Array<number>(buckets.length).fill(0);
  for (const row of result.rows) {
    const at = index.get(num(row[0]));
    if (at === undefined) continue;
    errors[at] = num(row[1]);
    totals[at] = num(row[2]);
  }
  const rates = totals.map((total, i) => (total > 0 ? errors[i]! / total : null));
  const verdicts = findUnusual(rates, { weights: totals });
  return { buckets, errors, totals, rates, verdicts };
}

export function errorsChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const labels = bucketLabels(result);
  const { errors, totals, rates, verdicts } = errorRateSeries(result);
  const percent = numberFormat(ctx.language, { style: 'percent', maximumFractionDigits: 2 });
  const format = numberFormat(ctx.language);
  const rule = defaultUnusualRule;
  const ruleText = ctx.t('dashboard.unusual.rule', { k: rule.k, window: rule.window, minWeight: rule.minWeight });
  const option = baseOption(ctx, { top: 36 });
  const names = [ctx.t('dashboard.series.errorRate'), ctx.t('dashboard.series.threshold'), ctx.t('dashboard.series.unusual')];
  return {
    ...option,
    ...brush(ctx),
    legend: legend(ctx, names),
    tooltip: ctx.interactive
      ? {
          ...(option.tooltip as object),
          trigger: 'axis',
          formatter: (params) => {
            const first = Array.isArray(params) ? params[0] : params;
            const i = first?.dataIndex ?? 0;
            const verdict = verdicts[i];
            const lines = [
              `<b>${escapeHtml(labels[i] ?? '')}</b>`,
              `${escapeHtml(names[0]!)}: ${rates[i] === null ? '–' : percent.format(rates[i]!)} (${ctx.t('dashboard.unusual.counts', {
                errors: format.format(errors[i] ?? 0),
                total: format.format(totals[i] ?? 0),
              })})`,
            ];
            if (verdict?.threshold !== null && verdict?.threshold !== undefined && (totals[i] ?? 0) >= rule.minWeight) {
              lines.push(`${escapeHtml(names[1]!)}: ${percent.format(Math.min(1, verdict.threshold))}`);
            }
            if (verdict?.unusual) lines.push(`<b style="color:${ctx.theme.unusual}">${escapeHtml(names[2]!)}</b>`);
            lines.push(`<span style="color:${ctx.theme.mutedText};font-size:11px">${escapeHtml(ruleText)}</span>`);
            return lines.join('<br/>');
          },
        }
      : undefined,
    xAxis: timeAxis(ctx, result, labels),
    yAxis: {
      type: 'value',
      min: 0,
      max: (extent: { max: number }) => (extent.max > 0.9 ? 1 : null),
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, formatter: (v: number) => percent.format(v) },
    },
    series: [
      {
        id: 'rate',
        name: names[0],
        type: 'line',
        data: rates,
        showSymbol: false,
        connectNulls: false,
        areaStyle: { opacity: 0.12, color: ctx.theme.palette[3] },
        lineStyle: { width: 1.5, color: ctx.theme.palette[3] },
        itemStyle: { color: ctx.theme.palette[3] },
      },
      {
        id: 'threshold',
        name: names[1],
        type: 'line',
        // Drawn only where the rule can flag a bucket (enough events), and within 100%.
        data: verdicts.map((v, i) => (v.threshold === null || (totals[i] ?? 0) < rule.minWeight ? null : Math.min(1, v.threshold))),
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 1, type: 'dashed', color: ctx.theme.threshold },
        itemStyle: { color: ctx.theme.threshold },
        silent: true,
      },
      {
        id: 'unusual',
        name: names[2],
        type: 'scatter',
        data: verdicts.map((v, i) => (v.unusual ? rates[i]! : null)),
        symbolSize: 9,
        itemStyle: { color: ctx.theme.unusual, borderColor: ctx.theme.background, borderWidth: 1 },
        z: 5,
      },
    ],
  };
}

export function statusChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const format = numberFormat(ctx.language);
  const option = baseOption(ctx, { top: 24 });
  if (result.basis === 'level') {
    const data = result.rows.map((row, i) => ({
      name: String(row[0]),
      value: num(row[1]),
      itemStyle: { color: levelColor(ctx.theme, String(row[0]), i) },
    }));
    return {
      ...option,
      tooltip: ctx.interactive
        ? { ...(option.tooltip as object), trigger: 'item', formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            return `${escapeHtml(String(item?.name ?? ''))}: ${format.format(Number(item?.value ?? 0))} (${item?.percent ?? 0}%)`;
          } }
        : undefined,
      series: [
        {
          id: 'levels',
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', ctx.heading ? '60%' : '52%'],
          data,
          label: { color: ctx.theme.text, fontFamily: ctx.fontFamily, formatter: '{b}: {d}%' },
          labelLine: { lineStyle: { color: ctx.theme.axisLine } },
          itemStyle: { borderColor: ctx.interactive ? 'transparent' : ctx.theme.background, borderWidth: 1 },
        },
      ],
    };
  }
  const codes = result.rows.map((row) => String(row[0]));
  return {
    ...option,
    tooltip: ctx.interactive
      ? { ...(option.tooltip as object), trigger: 'item', valueFormatter: (v) => format.format(Number(v)) }
      : undefined,
    xAxis: { type: 'category', data: codes, ...axisStyle(ctx), splitLine: { show: false } },
    yAxis: {
      type: 'value',
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, formatter: (v: number) => format.format(v) },
    },
    series: [
      {
        id: 'status',
        name: ctx.t('dashboard.series.requests'),
        type: 'bar',
        data: result.rows.map((row) => ({ value: num(row[1]), itemStyle: { color: statusClassColor(ctx.theme, Math.floor(num(row[0]) / 100)) } })),
        barMaxWidth: 48,
        label: { show: codes.length <= 16, position: 'top', color: ctx.theme.mutedText, fontSize: 10, formatter: (p) => format.format(Number(p.value)) },
      },
    ],
  };
}

function endpointBars(
  result: ChartResult,
  ctx: ChartContext,
  value: (row: Cell[]) => number,
  label: (row: Cell[]) => string,
  color: string,
  name: string,
  describe: (row: Cell[]) => string,
): EChartsOption {
  const rows = [...result.rows].reverse(); // the first row at the top
  const width = ctx.width ?? 900;
  // Endpoints get up to 38% of the width; the value labels right of the bars need room too,
  // and ECharts keeps only axis labels inside the grid.
  const labelWidth = Math.round(Math.min(320, Math.max(120, width * 0.38)));
  const longestValue = Math.max(0, ...rows.map((row) => label(row).length));
  const option = baseOption(ctx, { top: 12, right: Math.min(220, 12 + longestValue * 6.2) });
  return {
    ...option,
    tooltip: ctx.interactive
      ? {
          ...(option.tooltip as object),
          trigger: 'item',
          formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            const row = rows[item?.dataIndex ?? 0];
            return row ? `<b>${escapeHtml(String(row[0]))}</b><br/>${escapeHtml(describe(row))}` : '';
          },
        }
      : undefined,
    xAxis: {
      type: 'value',
      splitNumber: 3,
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true, formatter: (v: number) => numberFormat(ctx.language, { notation: 'compact' }).format(v) },
    },
    yAxis: {
      type: 'category',
      data: rows.map((row) => String(row[0])),
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.text, fontFamily: ctx.fontFamily, width: labelWidth, overflow: 'truncate', fontSize: 11, interval: 0 },
      splitLine: { show: false },
    },
    series: [
      {
        id: 'endpoints',
        name,
        type: 'bar',
        data: rows.map(value),
        itemStyle: { color },
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: ctx.theme.mutedText, fontSize: 10, formatter: (p) => label(rows[p.dataIndex] ?? []) },
      },
    ],
  };
}

export function topEndpointsChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const format = numberFormat(ctx.language);
  return endpointBars(
    result,
    ctx,
    (row) => num(row[1]),
    (row) => (row[2] === null || row[2] === undefined ? format.format(num(row[1])) : `${format.format(num(row[1]))} · p95 ${formatMs(num(row[2]), ctx.language)}`),
    ctx.theme.palette[0]!,
    ctx.t('dashboard.series.requests'),
    (row) => {
      const requests = ctx.t('dashboard.series.requestCount', { count: format.format(num(row[1])) });
      return row[2] === null || row[2] === undefined ? requests : `${requests} · p95 ${formatMs(num(row[2]), ctx.language)}`;
    },
  );
}

export function slowEndpointsChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const format = numberFormat(ctx.language);
  return endpointBars(
    result,
    ctx,
    (row) => num(row[1]),
    (row) => `${formatMs(num(row[1]), ctx.language)} (${format.format(num(row[2]))})`,
    ctx.theme.palette[6]!,
    'p95',
    (row) => `p95 ${formatMs(num(row[1]), ctx.language)} · ${ctx.t('dashboard.series.requestCount', { count: format.format(num(row[2])) })}`,
  );
}

export function heatmapChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const counts = new Array<number>(168).fill(0);
  for (const row of result.rows) {
    const how = num(row[0]);
    if (how >= 0 && how < 168) counts[how] = num(row[1]);
  }
  const max = Math.max(1, ...counts);
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const days = Array.from({ length: 7 }, (_, d) => weekdayName(ctx.t, d));
  const format = numberFormat(ctx.language);
  const option = baseOption(ctx, { top: 12, bottom: 44 });
  const zoneLabel = describeZoneOffsets(ctx.zone, segmentsOf(result));
  return {
    ...option,
    tooltip: ctx.interactive
      ? {
          ...(option.tooltip as object),
          trigger: 'item',
          formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            const [hour, day, count] = (item?.value as number[] | undefined) ?? [0, 0, 0];
            // The axes have no room for the zone (the scale sits under them): the tooltip says it.
            return `${escapeHtml(days[day ?? 0] ?? '')} ${hours[hour ?? 0]}:00–${hours[hour ?? 0]}:59 ${escapeHtml(zoneLabel)}<br/>${format.format(count ?? 0)}`;
          },
        }
      : undefined,
    xAxis: { type: 'category', data: hours, ...axisStyle(ctx), splitArea: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', data: days, inverse: true, ...axisStyle(ctx), splitLine: { show: false } },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      itemWidth: 10,
      inRange: { color: [...ctx.theme.heat] },
      text: [format.format(max), '0'],
      textGap: 6,
      textStyle: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily },
      formatter: (v) => format.format(Math.round(Number(v))),
    },
    series: [
      {
        id: 'heatmap',
        type: 'heatmap',
        data: counts.map((count, how) => [how % 24, Math.floor(how / 24), count]),
        itemStyle: { borderColor: ctx.interactive ? 'transparent' : ctx.theme.background, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: ctx.theme.text, borderWidth: 1 } },
      },
    ],
  };
}

/** Histogram bins with their edges in ms, empty ones filled, in order. */
export function histogramBins(result: ChartResult): { lowMs: number; highMs: number | null; count: number; zero: boolean }[] {
  const rows = result.rows;
  const linear = rows.some((r) => r[2] !== null);
  const bins: { lowMs: number; highMs: number | null; count: number; zero: boolean }[] = [];
  if (linear) {
    const width = num(rows.find((r) => r[2] !== null)?.[2]);
    const counts = new Map(rows.map((r) => [num(r[0]), num(r[1])]));
    const last = Math.max(...rows.map((r) => num(r[0])));
    for (let bin = 0; bin <= last; bin++) {
      bins.push({ lowMs: bin * width, highMs: bin === LINEAR_BINS ? null : (bin + 1) * width, count: counts.get(bin) ?? 0, zero: false });
    }
    return bins;
  }
  const zero = rows.find((r) => r[0] === null);
  if (zero) bins.push({ lowMs: 0, highMs: 0, count: num(zero[1]), zero: true });
  const numbered = rows.filter((r) => r[0] !== null).map((r) => [num(r[0]), num(r[1])] as const);
  const wholeMs = rows.some((r) => r[3] === true);
  if (numbered.length) {
    const counts = new Map(numbered);
    const first = Math.min(...numbered.map(([b]) => b));
    const last = Math.max(...numbered.map(([b]) => b));
    for (let bin = first; bin <= last; bin++) {
      const lowMs = 10 ** (bin / LOG_BINS_PER_DECADE);
      const highMs = 10 ** ((bin + 1) / LOG_BINS_PER_DECADE);
      // Whole-ms data cannot fall in [1.26, 1.58): such a bin is left out, not shown empty.
      if (wholeMs && !counts.has(bin) && Math.ceil(lowMs - 1e-9) >= highMs) continue;
      bins.push({ lowMs, highMs, count: counts.get(bin) ?? 0, zero: false });
    }
  }
  return bins;
}

/** Edges shown with 2 significant digits: `1.3`, `16`, `250`, `1,600`. */
function edge(value: number, language: ChartLanguage): string {
  const rounded = Number(value.toPrecision(2));
  return numberFormat(language, { maximumFractionDigits: 3 }).format(rounded);
}

export function histogramBinLabel(bin: { lowMs: number; highMs: number | null; zero: boolean }, language: ChartLanguage): string {
  if (bin.zero) return '≤ 0';
  if (bin.highMs === null) return `≥ ${edge(bin.lowMs, language)}`;
  return `${edge(bin.lowMs, language)}–${edge(bin.highMs, language)}`;
}

export function histogramChartOption(result: ChartResult, ctx: ChartContext): EChartsOption {
  const bins = histogramBins(result);
  const labels = bins.map((b) => histogramBinLabel(b, ctx.language));
  const format = numberFormat(ctx.language);
  const option = baseOption(ctx, { top: 24, bottom: 28 });
  return {
    ...option,
    tooltip: ctx.interactive
      ? { ...(option.tooltip as object), trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => format.format(Number(v)) }
      : undefined,
    xAxis: {
      type: 'category',
      data: labels,
      name: 'ms',
      nameLocation: 'middle',
      nameGap: 26,
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, formatter: (v: number) => numberFormat(ctx.language, { notation: 'compact' }).format(v) },
    },
    series: [
      {
        id: 'histogram',
        name: ctx.t('dashboard.series.requests'),
        type: 'bar',
        data: bins.map((b) => b.count),
        barCategoryGap: '8%',
        itemStyle: { color: ctx.theme.palette[4] },
      },
    ],
  };
}

export const optionBuilders: Record<ChartId, (result: ChartResult, ctx: ChartContext) => EChartsOption> = {
  events: eventsChartOption,
  latency: latencyChartOption,
  errors: errorsChartOption,
  status: statusChartOption,
  'top-endpoints': topEndpointsChartOption,
  'slow-endpoints': slowEndpointsChartOption,
  heatmap: heatmapChartOption,
  histogram: histogramChartOption,
  patterns: patternsChartOption,
};

/** Buckets of a time chart as `[startMs, endMs)` by category index, for brushing. */
export function bucketRange(result: ChartResult, fromIndex: number, toIndex: number): { fromMs: number; toMs: number } | null {
  const buckets = result.buckets ?? [];
  const first = Math.max(0, Math.min(fromIndex, toIndex));
  const last = Math.min(buckets.length - 1, Math.max(fromIndex, toIndex));
  if (!buckets.length || first > last) return null;
  const fromMs = buckets[first]!;
  const toMs = buckets[last + 1] ?? buckets[last]! + (result.bucketMs ?? 0);
  return { fromMs, toMs };
}

export type { OffsetSegment };
