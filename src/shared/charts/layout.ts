import { z } from 'zod';
import { DatasetId, IsoInstant } from '../api/schemas';
import { CustomChart } from './customSpec';
import { ChartId, FieldFilter, Search, StackBy, TimeRange, chartIds } from './spec';

/**
 * A dataset's saved dashboard (issue 8): which standard charts show, the custom charts,
 * their order and size, and the filter state. Saved in the catalogue as JSON of this
 * schema (a version field, so a later shape can read an older one); the e-mailed report
 * takes "the charts the user picked" from it through `visibleCharts`.
 */

export const ChartHeight = z.enum(['short', 'normal', 'tall']);
export type ChartHeight = z.infer<typeof ChartHeight>;

/** Card heights in CSS pixels. */
export const chartHeightPx: Readonly<Record<ChartHeight, number>> = { short: 180, normal: 260, tall: 380 };

const size = { wide: z.boolean().default(false), height: ChartHeight.default('normal') };

export const StandardItem = z.object({ kind: z.literal('standard'), chart: ChartId, hidden: z.boolean().default(false), ...size }).strict();
export const CustomItem = z.object({ kind: z.literal('custom'), chart: CustomChart, ...size }).strict();
export const LayoutItem = z.discriminatedUnion('kind', [StandardItem, CustomItem]);
export type LayoutItem = z.infer<typeof LayoutItem>;
export type LayoutItemInput = z.input<typeof LayoutItem>;

export const Period = z.enum(['all', '24h', '7d', 'selected']);
export type Period = z.infer<typeof Period>;

/** The dashboard's filter state, as `useDashboardFilters` holds it. */
export const SavedFilter = z
  .object({
    period: Period.default('all'),
    range: TimeRange.nullable().default(null),
    filters: z.array(FieldFilter).max(50).default([]),
    search: Search.nullable().default(null),
    stackBy: StackBy.default('auto'),
    logScale: z.boolean().default(true),
  })
  .strict();
export type SavedFilter = z.infer<typeof SavedFilter>;

/** Charts on one dashboard at most (standard ones included). */
export const MAX_DASHBOARD_ITEMS = 60;

export const DashboardLayout = z
  .object({
    version: z.literal(1).default(1),
    items: z
      .array(LayoutItem)
      .max(MAX_DASHBOARD_ITEMS)
      .refine((items) => new Set(items.map(itemKey)).size === items.length, 'each chart once'),
    filter: SavedFilter.default(SavedFilter.parse({})),
  })
  .strict();
export type DashboardLayout = z.infer<typeof DashboardLayout>;
export type DashboardLayoutInput = z.input<typeof DashboardLayout>;

export const SavedDashboard = z.object({
  datasetId: DatasetId,
  layout: DashboardLayout,
  /** False: nothing saved yet, this is the default dashboard. */
  saved: z.boolean(),
  updatedAt: IsoInstant.nullable(),
});
export type SavedDashboard = z.infer<typeof SavedDashboard>;

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

export function defaultLayout(): DashboardLayout {
  return { version: 1, items: standardOrder().map(defaultStandardItem), filter: SavedFilter.parse({}) };
}

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
