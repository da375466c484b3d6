import { z } from 'zod';
import { DatasetId, IsoInstant } from '../api/schemas';
import { CustomChart } from './customSpec';
import { ChartId, FieldFilter, Search, StackBy, TimeRange } from './spec';
import { itemKey, standardOrder, defaultStandardItem } from './layoutItems';

/**
 * A dataset's saved dashboard (issue 8): which standard charts show, the custom charts,
 * their order and size, and the filter state. Saved in the catalogue as JSON of this
 * schema (a version field, so a later shape can read an older one); the e-mailed report
 * takes "the charts the user picked" from it through `visibleCharts`.
 */

export const ChartHeight = z.enum(['short', 'normal', 'tall']);
export type ChartHeight = z.infer<typeof ChartHeight>;

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

export function defaultLayout(): DashboardLayout {
  return { version: 1, items: standardOrder().map(defaultStandardItem), filter: SavedFilter.parse({}) };
}
