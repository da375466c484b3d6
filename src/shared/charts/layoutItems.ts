import type { ChartId } from './spec';
import type { CustomChart } from './customSpec';
import type { ChartHeight, DashboardLayout, LayoutItem } from './layout';
import { chartIds } from './names';

/**
 * What a saved dashboard's items mean, without the schemas of `layout.ts`: the
 * dashboard's first paint needs these but not zod (issue 19).
 */

/** Card heights in CSS pixels. */
export const chartHeightPx: Readonly<Record<ChartHeight, number>> = { short: 180, normal: 260, tall: 380 };

/** A chart as the e-mailed report and exports take it from a saved dashboard. */
export type LayoutChart = { kind: 'standard'; chart: ChartId } | { kind: 'custom'; chart: CustomChart };

/** `standard:events`, `custom:c1a2b3`: one chart's key in a layout. */
export function itemKey(item: { kind: 'standard'; chart: ChartId } | { kind: 'custom'; chart: { id: string } }): string {
  return item.kind === 'standard' ? `standard:${item.chart}` : `custom:${item.chart.id}`;
}

/** The standard charts' places on a new dashboard: the events across, endpoint lists tall. */
const defaultOrder: readonly ChartId[] = ['events', 'latency', 'errors', 'status', 'heatmap', 'top-endpoints', 'slow-endpoints', 'histogram', 'patterns'];
const wideByDefault = new Set<ChartId>(['events']);
const tallByDefault = new Set<ChartId>(['top-endpoints', 'slow-endpoints', 'patterns']);

export function defaultStandardItem(chart: ChartId): Extract<LayoutItem, { kind: 'standard' }> {
  return { kind: 'standard', chart, hidden: false, wide: wideByDefault.has(chart), height: tallByDefault.has(chart) ? 'tall' : 'normal' };
}

/** Standard charts in their default order (ones a later issue adds, after the known ones). */
export const standardOrder = (): ChartId[] => [...defaultOrder, ...chartIds.filter((id) => !defaultOrder.includes(id))];

/**
 * The items a dashboard shows, in order: the saved ones whose charts fit the dataset's
 * roles (a standard chart whose role went away stays saved but is not drawn), then
 * standard charts that fit but were never placed (roles chosen later, a new kind of chart).
 * Hidden standard charts are included, with `hidden`.
 */
export function resolveLayout(layout: DashboardLayout, available: readonly ChartId[]): LayoutItem[] {
  const fits = new Set(available);
  const placed = new Set(layout.items.filter((i) => i.kind === 'standard').map((i) => i.chart));
  const items = layout.items.filter((item) => item.kind === 'custom' || fits.has(item.chart));
  for (const chart of standardOrder()) if (fits.has(chart) && !placed.has(chart)) items.push(defaultStandardItem(chart));
  return items;
}

/** The charts a dashboard shows, in order: for the e-mailed report and `dashboardLayout`. */
export function visibleCharts(layout: DashboardLayout, available: readonly ChartId[]): LayoutChart[] {
  return resolveLayout(layout, available)
    .filter((item) => item.kind === 'custom' || !item.hidden)
    .map((item) => (item.kind === 'standard' ? { kind: 'standard', chart: item.chart } : { kind: 'custom', chart: item.chart }));
}

/** A custom chart's id: `c` and base-36 time and randomness (no clock or crypto in shared code: passed in). */
export function newCustomChartId(nowMs: number, random: number): string {
  return `c${Math.floor(nowMs).toString(36)}${Math.floor(random * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}

/** A copy of a layout whose custom charts have new ids (duplicating a dashboard or a chart). */
export function withNewIds(items: readonly LayoutItem[], newId: () => string): LayoutItem[] {
  return items.map((item) => (item.kind === 'custom' ? { ...item, chart: { ...item.chart, id: newId() } } : item));
}
