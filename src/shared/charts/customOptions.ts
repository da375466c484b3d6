import type { EChartsOption } from 'echarts';
import type { Cell } from '../api/schemas';
import { columnLabel } from './columns';
import { bucketLabels, axisStyle, baseOption, escapeHtml, type ChartContext } from './options';
import { bucketLabel, numberFormat, segmentsOf, type ChartLanguage, type Translate } from './describe';
import { formatOffset, formatZoned, offsetAt, zonedParts } from './zone';
import { HISTOGRAM_BINS, MAX_SERIES } from './custom';
import type { CustomChart, CustomChartResult } from './customSpec';

/**
 * Custom charts (builder and SQL) to ECharts options and to tables: pure functions, used on
 * screen and, through the main process's server-side rendering, for exported files and the
 * e-mailed report, like the standard charts' `options.ts`.
 */

const num = (value: Cell | undefined): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
};

/** Instants arrive as UTC ms (the builder) or ISO text (a SQL result). */
const instantMs = (value: Cell): number | null => (typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : null);

/** An x value as a label: instants in the zone, numbers in the user's language. */
export function xText(value: Cell, result: Pick<CustomChartResult, 'xKind'>, zone: string, language: ChartLanguage, nullText: string): string {
  if (value === null) return nullText;
  if (result.xKind === 'time') {
    const ms = instantMs(value);
    return ms === null || Number.isNaN(ms) ? String(value) : formatZoned(ms, zone, ms % 60_000 === 0 ? 'minute' : 'second');
  }
  if (result.xKind === 'number' && typeof value === 'number') return numberFormat(language, { maximumFractionDigits: 3 }).format(value);
  return String(value);
}

/** `2024-03-04T09:00:00+09:00`: a bucket start in the chart's zone, unambiguous in a spreadsheet. */
function zonedIso(utcMs: number, result: Pick<CustomChartResult, 'zoneOffsets'>): string {
  const p = zonedParts(utcMs, segmentsOf(result));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${formatOffset(p.offsetMs)}`;
}

/** Histogram bins from the first to the last, empty ones included. */
export function fillHistogramBins(result: Pick<CustomChartResult, 'rows'>): { from: number; to: number; count: number }[] {
  const bins = result.rows
    .map((row) => ({ from: num(row[0]), to: num(row[1]), count: num(row[2]) ?? 0 }))
    .filter((b): b is { from: number; to: number; count: number } => b.from !== null && b.to !== null);
  const first = bins[0];
  if (!first) return [];
  const width = first.to - first.from;
  if (!(width > 0)) return bins;
  const counts = new Map(bins.map((b) => [Math.round((b.from - first.from) / width), b.count]));
  const last = Math.max(...counts.keys());
  // Edges recomputed from the first, so 0.1 + 0.2 does not print as 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(width)) + 2);
  const round = (n: number) => Number(n.toFixed(Math.min(12, digits)));
  return Array.from({ length: last + 1 }, (_, k) => ({ from: round(first.from + k * width), to: round(first.from + (k + 1) * width), count: counts.get(k) ?? 0 }));
}

interface SeriesData {
  key: string;
  name: string;
  /** One value per category (category axes) or `[x, y]` pairs (value and time axes). */
  values: (number | null)[];
  pairs: [number, number | null][];
  total: number;
  rank: number;
}

/** Which series a row belongs to (group-by value, "other", or the value's column). */
function seriesOf(result: CustomChartResult, row: readonly Cell[], yIndex: number, t: Translate): { key: string; name: string; rank: number } {
  const { shape } = result;
  const yName = result.columns[yIndex] ?? '';
  const several = shape.ys.length > 1;
  let key = '';
  let name = '';
  let rank = 0;
  if (shape.series !== null) {
    const isOther = shape.other !== null && row[shape.other] === true;
    const value = row[shape.series] ?? null;
    key = isOther ? '\u0000other' : value === null ? '\u0000none' : `=${String(value)}`;
    name = isOther ? t('dashboard.series.other') : value === null ? t('dashboard.series.none') : String(value);
    rank = isOther ? 2 : value === null ? 1 : 0;
  }
  if (several || shape.series === null) {
    const label = shape.series === null && shape.ys.length === 1 && result.labels.y ? result.labels.y : yName;
    key = key ? `${key}\u0001${yName}` : yName;
    name = name ? `${name} · ${label}` : label;
  }
  return { key, name, rank };
}

/** Whether x is drawn on a value or time axis (positions), not as categories. */
function positional(result: CustomChartResult): boolean {
  return (result.type === 'line' || result.type === 'area' || result.type === 'scatter') && (result.xKind === 'time' || result.xKind === 'number');
}

/**
 * A time axis shows wall-clock time in the chart's zone: ECharts formats in UTC
 * (`useUTC`), and each instant is shifted by the zone's offset at that instant.
 */
function wallMs(ms: number, zone: string): number {
  return ms + offsetAt(zone, ms);
}

/** A tick of a time axis (wall-clock ms): `03-04` at midnight, else `03-04 09:00`. */
function wallLabel(wall: number): string {
  const d = new Date(wall);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (time !== '00:00') return `${day} ${time}`;
  return d.getUTCMonth() === 0 && d.getUTCDate() === 1 ? `${d.getUTCFullYear()}-${day}` : day;
}

function categoriesOf(result: CustomChartResult, ctx: ChartContext): { keys: Map<string, number>; labels: string[] } {
  const keys = new Map<string, number>();
  const labels: string[] = [];
  if (result.xKind === 'bucket' && result.buckets) {
    result.buckets.forEach((b, i) => keys.set(String(b), i));
    return { keys, labels: bucketLabels(result) };
  }
  const x = result.shape.x ?? 0;
  for (const row of result.rows) {
    const key = String(row[x] ?? '\u0000null');
    if (keys.has(key)) continue;
    keys.set(key, labels.length);
    labels.push(xText(row[x] ?? null, result, ctx.zone, ctx.language, ctx.t('dashboard.series.none')));
  }
  return { keys, labels };
}

/** Rows as series over categories or positions; the largest `MAX_SERIES` kept, the rest summed as "other" only when grouped by SQL. */
function seriesData(result: CustomChartResult, ctx: ChartContext, categories: Map<string, number> | null): SeriesData[] {
  const x = result.shape.x ?? 0;
  const bySeries = new Map<string, SeriesData>();
  const size = categories?.size ?? 0;
  for (const row of result.rows) {
    for (const yIndex of result.shape.ys) {
      const { key, name, rank } = seriesOf(result, row, yIndex, ctx.t);
      let entry = bySeries.get(key);
      if (!entry) {
        entry = { key, name, values: new Array<number | null>(size).fill(result.fillZero ? 0 : null), pairs: [], total: 0, rank };
        bySeries.set(key, entry);
      }
      const value = num(row[yIndex]);
      entry.total += Math.abs(value ?? 0);
      if (categories) {
        const at = categories.get(String(row[x] ?? '\u0000null'));
        if (at !== undefined) entry.values[at] = value;
      } else {
        const raw = result.xKind === 'time' ? instantMs(row[x] ?? null) : num(row[x]);
        if (raw !== null && Number.isFinite(raw)) entry.pairs.push([result.xKind === 'time' ? wallMs(raw, ctx.zone) : raw, value]);
      }
    }
  }
  const all = [...bySeries.values()];
  // A SQL result may have any number of groups: the largest are drawn, like the builder's.
  const kept = all.length > MAX_SERIES * 2 ? [...all].sort((a, b) => b.total - a.total).slice(0, MAX_SERIES * 2) : all;
  for (const entry of kept) entry.pairs.sort((a, b) => a[0] - b[0]);
  return kept.sort((a, b) => a.rank - b.rank);
}

function legendOf(ctx: ChartContext, names: string[]): EChartsOption['legend'] {
  if (names.length < 2) return { show: false };
  return {
    type: 'scroll',
    data: names,
    // Below the chart: above it, the value axis's name would collide with the names.
    bottom: 0,
    left: 12,
    right: 12,
    textStyle: { color: ctx.theme.text, fontFamily: ctx.fontFamily },
    pageTextStyle: { color: ctx.theme.mutedText },
    itemWidth: 12,
    itemHeight: 10,
  };
}

function valueAxis(ctx: ChartContext, name: string | null): EChartsOption['yAxis'] {
  const compact = numberFormat(ctx.language, { notation: 'compact', maximumFractionDigits: 2 });
  return {
    type: 'value',
    name: name ?? undefined,
    ...axisStyle(ctx),
    nameTextStyle: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, align: 'left' },
    axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, formatter: (v: number) => compact.format(v) },
  };
}

function valueFormatter(ctx: ChartContext) {
  const format = numberFormat(ctx.language, { maximumFractionDigits: 3 });
  return (v: unknown) => (v === null || v === undefined || v === '-' ? '–' : format.format(Number(Array.isArray(v) ? v[1] : v)));
}

function xAxisName(result: CustomChartResult, ctx: ChartContext): string {
  return result.labels.x ?? ctx.t('builder.axis.time');
}

function cartesianOption(result: CustomChartResult, ctx: ChartContext): EChartsOption {
  const isPositional = positional(result);
  const cats = isPositional ? null : categoriesOf(result, ctx);
  const series = seriesData(result, ctx, cats?.keys ?? null);
  const multi = series.length > 1;
  // Areas stack only over shared categories: on a time or value axis each series has its own xs.
  const stacked = result.type === 'stacked-bar' || (result.type === 'area' && multi && !isPositional);
  // Bars of long names (paths, templates) lie down, so every name can be read.
  const horizontal =
    !isPositional && (result.type === 'bar' || result.type === 'stacked-bar') && result.xKind !== 'bucket' && cats!.labels.some((label) => label.length > 10);
  const option = baseOption(ctx, { top: 28, bottom: (multi ? 28 : 4) + (isPositional ? 24 : 0), right: horizontal ? 24 : 36 });
  const categoryAxis = {
    type: 'category' as const,
    data: cats?.labels ?? [],
    inverse: horizontal,
    ...axisStyle(ctx),
    axisLabel: horizontal
      ? { color: ctx.theme.text, fontFamily: ctx.fontFamily, width: Math.min(320, Math.max(120, (ctx.width ?? 900) * 0.3)), overflow: 'truncate' as const, fontSize: 11, interval: 0 }
      : { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true, width: 140, overflow: 'truncate' as const },
    splitLine: { show: false },
  };
  const valueName = series.length === 1 || result.shape.series !== null ? result.labels.y : null;
  const xAxis: EChartsOption['xAxis'] = isPositional
    ? {
        type: result.xKind === 'time' ? 'time' : 'value',
        scale: true,
        name: xAxisName(result, ctx),
        nameLocation: 'middle',
        nameGap: 26,
        ...axisStyle(ctx),
        axisLabel: {
          color: ctx.theme.mutedText,
          fontFamily: ctx.fontFamily,
          hideOverlap: true,
          ...(result.xKind === 'time' ? { formatter: (value: number) => wallLabel(value) } : {}),
        },
        splitLine: { show: false },
      }
    : horizontal
      ? (valueAxis(ctx, null) as EChartsOption['xAxis'])
      : categoryAxis;
  return {
    ...option,
    useUTC: true,
    legend: legendOf(
      ctx,
      series.map((s) => s.name),
    ),
    tooltip: ctx.interactive
      ? { ...(option.tooltip as object), trigger: result.type === 'scatter' ? 'item' : 'axis', valueFormatter: valueFormatter(ctx) }
      : undefined,
    xAxis,
    yAxis: horizontal ? categoryAxis : valueAxis(ctx, valueName),
    series: series.map((s, i) => {
      const color = ctx.theme.palette[i % ctx.theme.palette.length];
      const data = isPositional ? s.pairs : s.values;
      if (result.type === 'scatter') return { id: s.key, name: s.name, type: 'scatter', data, symbolSize: 5, itemStyle: { color, opacity: 0.7 } };
      if (result.type === 'bar' || result.type === 'stacked-bar') {
        return { id: s.key, name: s.name, type: 'bar', data, stack: result.type === 'stacked-bar' ? 'total' : undefined, itemStyle: { color }, barMaxWidth: horizontal ? 18 : 48 };
      }
      return {
        id: s.key,
        name: s.name,
        type: 'line',
        data,
        showSymbol: (isPositional ? s.pairs.length : s.values.length) <= 60,
        connectNulls: false,
        stack: stacked ? 'total' : undefined,
        areaStyle: result.type === 'area' ? { opacity: multi ? 0.5 : 0.2, color } : undefined,
        lineStyle: { width: 1.5, color },
        itemStyle: { color },
      };
    }),
  };
}

function pieOption(result: CustomChartResult, ctx: ChartContext): EChartsOption {
  const x = result.shape.x ?? 0;
  const y = result.shape.ys[0] ?? 1;
  const none = ctx.t('dashboard.series.none');
  const data = result.rows.map((row, i) => ({
    name: xText(row[x] ?? null, result, ctx.zone, ctx.language, none),
    value: num(row[y]) ?? 0,
    itemStyle: { color: ctx.theme.palette[i % ctx.theme.palette.length] },
  }));
  const option = baseOption(ctx);
  const format = numberFormat(ctx.language, { maximumFractionDigits: 3 });
  return {
    ...option,
    tooltip: ctx.interactive
      ? {
          ...(option.tooltip as object),
          trigger: 'item',
          formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            return `${escapeHtml(String(item?.name ?? ''))}: ${format.format(Number(item?.value ?? 0))} (${item?.percent ?? 0}%)`;
          },
        }
      : undefined,
    series: [
      {
        id: 'slices',
        type: 'pie',
        radius: result.type === 'donut' ? ['42%', '70%'] : [0, '70%'],
        center: ['50%', ctx.heading ? '60%' : '52%'],
        data,
        label: { color: ctx.theme.text, fontFamily: ctx.fontFamily, formatter: '{b}: {d}%', overflow: 'truncate', width: 160 },
        labelLine: { lineStyle: { color: ctx.theme.axisLine } },
        itemStyle: { borderColor: ctx.interactive ? 'transparent' : ctx.theme.background, borderWidth: 1 },
      },
    ],
  };
}

function heatmapOption(result: CustomChartResult, ctx: ChartContext): EChartsOption {
  const cats = categoriesOf(result, ctx);
  const x = result.shape.x ?? 0;
  const y = result.shape.ys[0] ?? 3;
  const rowKeys = new Map<string, { name: string; rank: number }>();
  for (const row of result.rows) {
    const { key, name, rank } = seriesOf({ ...result, shape: { ...result.shape, ys: [y] } }, row, y, ctx.t);
    if (!rowKeys.has(key)) rowKeys.set(key, { name, rank });
  }
  const ordered = [...rowKeys.entries()].sort((a, b) => a[1].rank - b[1].rank || a[1].name.localeCompare(b[1].name));
  const rowIndex = new Map(ordered.map(([key], i) => [key, i]));
  const cells: [number, number, number][] = [];
  let max = 0;
  for (const row of result.rows) {
    const at = cats.keys.get(String(row[x] ?? '\u0000null'));
    const r = rowIndex.get(seriesOf({ ...result, shape: { ...result.shape, ys: [y] } }, row, y, ctx.t).key);
    const value = num(row[y]);
    if (at === undefined || r === undefined || value === null) continue;
    cells.push([at, r, value]);
    max = Math.max(max, value);
  }
  const format = numberFormat(ctx.language, { maximumFractionDigits: 2 });
  const option = baseOption(ctx, { top: 12, bottom: 44 });
  return {
    ...option,
    tooltip: ctx.interactive
      ? {
          ...(option.tooltip as object),
          trigger: 'item',
          formatter: (p) => {
            const item = Array.isArray(p) ? p[0] : p;
            const [cx, cy, value] = (item?.value as number[] | undefined) ?? [0, 0, 0];
            return `${escapeHtml(cats.labels[cx ?? 0] ?? '')} · ${escapeHtml(ordered[cy ?? 0]?.[1].name ?? '')}<br/>${format.format(value ?? 0)}`;
          },
        }
      : undefined,
    xAxis: { type: 'category', data: cats.labels, ...axisStyle(ctx), splitLine: { show: false }, axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true } },
    yAxis: {
      type: 'category',
      data: ordered.map(([, v]) => v.name),
      inverse: true,
      ...axisStyle(ctx),
      splitLine: { show: false },
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, width: 140, overflow: 'truncate' },
    },
    visualMap: {
      min: 0,
      max: Math.max(max, 1e-9),
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
    },
    series: [
      {
        id: 'heatmap',
        type: 'heatmap',
        data: cells,
        itemStyle: { borderColor: ctx.interactive ? 'transparent' : ctx.theme.background, borderWidth: 1 },
      },
    ],
  };
}

function histogramOption(result: CustomChartResult, ctx: ChartContext): EChartsOption {
  const bins = fillHistogramBins(result);
  const format = numberFormat(ctx.language, { maximumFractionDigits: 6 });
  const option = baseOption(ctx, { top: 24, bottom: 28 });
  return {
    ...option,
    tooltip: ctx.interactive ? { ...(option.tooltip as object), trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: valueFormatter(ctx) } : undefined,
    xAxis: {
      type: 'category',
      data: bins.map((b) => `${format.format(b.from)}–${format.format(b.to)}`),
      name: xAxisName(result, ctx),
      nameLocation: 'middle',
      nameGap: 26,
      ...axisStyle(ctx),
      axisLabel: { color: ctx.theme.mutedText, fontFamily: ctx.fontFamily, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: valueAxis(ctx, null),
    series: [{ id: 'histogram', name: 'count', type: 'bar', data: bins.map((b) => b.count), barCategoryGap: '8%', itemStyle: { color: ctx.theme.palette[4] } }],
  };
}

/** Rows a table draws into a file. */
export const TABLE_FILE_ROWS = 20;

/** A table drawn with ECharts' graphic elements, for PNG and SVG files of a table chart. */
function tableFileOption(result: CustomChartResult, ctx: ChartContext): EChartsOption {
  const table = customChartTable(result, ctx.t, ctx.zone, { display: true, language: ctx.language });
  const top = (ctx.heading ? 80 : 12) + 4;
  const width = ctx.width ?? 1200;
  const columnWidth = Math.max(80, Math.floor((width - 24) / Math.max(1, table.columns.length)));
  const chars = Math.max(6, Math.floor(columnWidth / 7.5));
  const clip = (text: string) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);
  const rowHeight = 22;
  const elements: Record<string, unknown>[] = [];
  const textStyle = (color: string, weight: 'normal' | 'bold') => ({ fill: color, fontFamily: ctx.fontFamily, fontSize: 12, fontWeight: weight });
  table.columns.forEach((name, c) => {
    elements.push({ type: 'text', left: 12 + c * columnWidth, top, style: { text: clip(name), ...textStyle(ctx.theme.text, 'bold') } });
  });
  elements.push({ type: 'rect', left: 12, top: top + rowHeight - 4, shape: { width: width - 24, height: 1 }, style: { fill: ctx.theme.axisLine } });
  table.rows.slice(0, TABLE_FILE_ROWS).forEach((row, r) => {
    row.forEach((cell, c) => {
      elements.push({ type: 'text', left: 12 + c * columnWidth, top: top + (r + 1) * rowHeight, style: { text: clip(String(cell ?? '')), ...textStyle(ctx.theme.text, 'normal') } });
    });
  });
  return { ...baseOption(ctx), graphic: elements as EChartsOption['graphic'] };
}

export function customChartOption(result: CustomChartResult, ctx: ChartContext): EChartsOption {
  switch (result.type) {
    case 'pie':
    case 'donut':
      return pieOption(result, ctx);
    case 'heatmap':
      return heatmapOption(result, ctx);
    case 'histogram':
      return histogramOption(result, ctx);
    case 'table':
      return tableFileOption(result, ctx);
    default:
      return cartesianOption(result, ctx);
  }
}

/**
 * The chart's data as a table. For the CSV export (`display: false`): instants with their
 * offset, numbers as numbers; on screen and in a drawn table: instants in the zone.
 */
export function customChartTable(
  result: CustomChartResult,
  t: Translate,
  zone: string,
  options: { display: boolean; language: ChartLanguage },
): { columns: string[]; rows: Cell[][] } {
  const none = t('dashboard.series.none');
  const time = (value: Cell): Cell => {
    const ms = instantMs(value);
    if (ms === null || Number.isNaN(ms)) return value;
    return options.display ? formatZoned(ms, zone, ms % 60_000 === 0 ? 'minute' : 'second') : zonedIso(ms, result);
  };
  if (result.xKind === 'bins') {
    return { columns: ['bin_from', 'bin_to', 'count'], rows: fillHistogramBins(result).map((b) => [b.from, b.to, b.count]) };
  }
  const { shape } = result;
  if (shape.x === null) {
    // A SQL result shown as it came; instants on screen in the zone.
    const timeColumns = new Set(result.rows[0]?.map((cell, i) => (typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}T.*Z$/.test(cell) ? i : -1)).filter((i) => i >= 0));
    return { columns: result.columns, rows: options.display ? result.rows.map((row) => row.map((cell, i) => (timeColumns.has(i) ? time(cell) : cell))) : result.rows };
  }
  const x = shape.x;
  const xName = result.labels.x ?? (result.xKind === 'bucket' ? 'bucket_start' : 'time');
  const columns = [xName, ...(shape.series !== null ? [result.labels.series ?? result.columns[shape.series] ?? 'series'] : []), ...shape.ys.map((i) => (shape.ys.length === 1 && result.labels.y ? result.labels.y : (result.columns[i] ?? '')))];
  const rows = result.rows.map((row) => {
    const xValue = row[x] ?? null;
    const cells: Cell[] = [result.xKind === 'bucket' || result.xKind === 'time' ? time(xValue) : xValue];
    if (shape.series !== null) {
      const isOther = shape.other !== null && row[shape.other] === true;
      cells.push(isOther ? '(other)' : (row[shape.series] ?? (options.display ? none : null)));
    }
    for (const i of shape.ys) cells.push(row[i] ?? null);
    return cells;
  });
  return { columns, rows };
}

/** One sentence under the chart: what it shows. */
export function customChartWhat(t: Translate, chart: Pick<CustomChart, 'spec'>, result: Pick<CustomChartResult, 'bucketMs' | 'truncated'> | null): string {
  const spec = chart.spec;
  if (spec.kind === 'sql') return t(result?.truncated ? 'builder.what.sqlTruncated' : 'builder.what.sql');
  const value = spec.aggregate === 'count' || !spec.y ? t('builder.what.count') : t(`builder.what.aggregate.${spec.aggregate}`, { column: columnLabel(spec.y) });
  const group = spec.groupBy && spec.type !== 'pie' && spec.type !== 'donut' ? t('builder.what.groupedBy', { column: columnLabel(spec.groupBy) }) : '';
  if (spec.type === 'histogram') return t('builder.what.histogram', { column: spec.x.kind === 'column' ? columnLabel(spec.x.column) : '', bins: HISTOGRAM_BINS });
  if (spec.type === 'scatter') {
    const x = spec.x.kind === 'column' ? columnLabel(spec.x.column) : t('builder.axis.time');
    return t('builder.what.scatter', { y: spec.y ? columnLabel(spec.y) : '', x }) + group;
  }
  if (spec.x.kind === 'time') return t('builder.what.perBucket', { value, bucket: result?.bucketMs ? bucketLabel(t, result.bucketMs) : '…' }) + group;
  return t('builder.what.byColumn', { value, column: columnLabel(spec.x.column) }) + group;
}
