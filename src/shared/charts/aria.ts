import type { EChartsOption } from 'echarts';
import { numberFormat, type ChartLanguage, type Translate } from './describe';

/**
 * What a screen reader says for a chart (ECharts' `aria.label.description`): its title, the
 * range with its zone, and the peak — the dashboard's cards and the report's SVGs say the same.
 */
export interface ChartAriaInput {
  title: string;
  /** The category axis's labels (time buckets, endpoints, bins), in order. */
  categories: readonly string[];
  series: readonly { name: string; values: readonly (number | null)[] }[];
  /** `Asia/Seoul (UTC+09:00)` for a chart over time; null for one by category. */
  zoneLabel: string | null;
}

export function chartAriaDescription(input: ChartAriaInput, t: Translate, language: ChartLanguage): string {
  const format = numberFormat(language);
  // Stacked series add up per category: the peak is the bar's height, not one series' part.
  const totals = input.categories.map((_, i) => input.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const peakAt = totals.reduce((best, value, i) => (value > (totals[best] ?? -Infinity) ? i : best), 0);
  if (!totals.length) return t('dashboard.aria.empty', { title: input.title });
  const sentence = input.zoneLabel
    ? t('dashboard.aria.overTime', {
        title: input.title,
        from: input.categories[0],
        to: input.categories[input.categories.length - 1],
        zone: input.zoneLabel,
        peak: format.format(totals[peakAt] ?? 0),
        at: input.categories[peakAt],
      })
    : t('dashboard.aria.byCategory', { title: input.title, count: format.format(totals.length), top: input.categories[peakAt], value: format.format(totals[peakAt] ?? 0) });
  const names = input.series.map((s) => s.name).filter(Boolean);
  return names.length > 1 ? `${sentence} ${t('dashboard.aria.series', { names: names.join(', ') })}` : sentence;
}

const first = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);

/** A data item's value: a number, `[x, y]` (the last is the value), or `{ value }`. */
function valueOf(item: unknown): number | null {
  if (typeof item === 'number') return item;
  if (Array.isArray(item)) return valueOf(item[item.length - 1]);
  if (item && typeof item === 'object' && 'value' in item) return valueOf((item as { value: unknown }).value);
  return null;
}

/** The option with `aria` enabled and described from its own category axis and series. */
export function withChartAria(option: EChartsOption, title: string, zoneLabel: string | null, t: Translate, language: ChartLanguage): EChartsOption {
  const axes = [first(option.xAxis as object | object[] | undefined), first(option.yAxis as object | object[] | undefined)] as ({ type?: string; data?: unknown[] } | undefined)[];
  const category = axes.find((axis) => axis?.type === 'category' && Array.isArray(axis.data));
  const categories = (category?.data ?? []).map((label) => String(label && typeof label === 'object' && 'value' in label ? (label as { value: unknown }).value : label));
  const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []).map((s) => ({
    name: typeof s.name === 'string' ? s.name : '',
    values: Array.isArray(s.data) ? (s.data as unknown[]).map(valueOf) : [],
  }));
  return { ...option, aria: { enabled: true, label: { description: chartAriaDescription({ title, categories, series, zoneLabel }, t, language) } } };
}

/** The description `withChartAria` put in an option: the report's image `alt` says what the screen reader says. */
export function chartAriaDescriptionOf(option: EChartsOption): string | null {
  const aria = option.aria as { enabled?: boolean; label?: { description?: unknown } } | undefined;
  return aria?.enabled && typeof aria.label?.description === 'string' ? aria.label.description : null;
}
