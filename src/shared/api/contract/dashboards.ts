import { z } from 'zod';
import { DatasetId, method } from '../schemas';
import { ChartExport, ChartId } from '../../charts/spec';
import { CustomChart, CustomChartQuery, CustomChartResult, CustomChartSpec, CustomExportRequest } from '../../charts/customSpec';
import { ChartHeight, DashboardLayout, SavedDashboard } from '../../charts/layout';

/** A chart as the saved dashboard lists it: a standard chart's id, or a custom chart's spec. */
export const LayoutChartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standard'), chart: ChartId }),
  z.object({ kind: z.literal('custom'), chart: CustomChart }),
]);

/** Saved dashboards, the chart builder, and charts made from a console query (issue 8). */
export const dashboardsMethods = {
  /** A dataset's dashboard as saved (or the default one): charts, order, sizes, filter state. */
  'dashboards.get': method(z.object({ datasetId: DatasetId }).strict(), SavedDashboard),
  /** Saves a dataset's whole dashboard. */
  'dashboards.save': method(z.object({ datasetId: DatasetId, layout: DashboardLayout }).strict(), SavedDashboard),
  /** Back to the default dashboard: standard charts in their order, no custom charts. */
  'dashboards.reset': method(z.object({ datasetId: DatasetId }).strict(), SavedDashboard),
  /** Copies a dashboard onto another dataset's (custom charts get new ids); returns the target's. */
  'dashboards.copy': method(z.object({ datasetId: DatasetId, toDatasetId: DatasetId }).strict(), SavedDashboard),
  /** Appends a custom chart (builder or SQL) to a dataset's dashboard. */
  'dashboards.addChart': method(
    z
      .object({
        datasetId: DatasetId,
        title: z.string().max(200),
        spec: CustomChartSpec,
        wide: z.boolean().default(false),
        height: ChartHeight.default('normal'),
      })
      .strict(),
    SavedDashboard,
  ),
  /** The charts the dashboard shows, in order: what the e-mailed report takes. */
  'dashboards.layout': method(z.object({ datasetId: DatasetId }).strict(), z.array(LayoutChartSchema)),
  /** One custom chart's data (a SQL chart's query is checked by the console's confinement first). */
  'dashboards.chart': method(CustomChartQuery, CustomChartResult),
  /** One custom chart as a PNG or SVG drawn by the main process, or its data as CSV. */
  'dashboards.export': method(CustomExportRequest, ChartExport),
} as const;
