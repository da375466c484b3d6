import { z } from 'zod';
import { DatasetId, RowPage, method } from '../schemas';
import { ChartExport, ChartExportRequest, ChartQuery, ChartResult, DashboardRoles, Roles, RowsExport, RowsExportRequest, RowsQuery, Search, SearchCheck } from '../../charts/spec';

/** The service dashboard: column roles, chart data, and chart files rendered in the main process. */
export const dashboardMethods = {
  /** The roles charts use for a dataset (saved choice or detected), its columns, and the charts that fit. */
  'dashboard.roles': method(z.object({ datasetId: DatasetId }).strict(), DashboardRoles),
  /** Saves the user's roles for a dataset; `null` goes back to the detected ones. */
  'dashboard.setRoles': method(z.object({ datasetId: DatasetId, roles: Roles.nullable() }).strict(), DashboardRoles),
  /** One chart's aggregated data under the dashboard's range, filters and search. */
  'dashboard.chart': method(ChartQuery, ChartResult),
  /** One chart as a PNG or SVG file drawn by the main process, or its data as CSV. */
  'dashboard.export': method(ChartExportRequest, ChartExport),
  /** The rows behind the filter state, a page at a time; `total` counts the filtered rows. */
  'dashboard.rows': method(RowsQuery, RowPage),
  /** The grid's rows (in its order) as a CSV or JSON-lines file. */
  'dashboard.exportRows': method(RowsExportRequest, RowsExport),
  /** Checks a search against a dataset (terms, columns, the regex compiled by DuckDB's RE2) before it is applied. */
  'dashboard.checkSearch': method(z.object({ datasetId: DatasetId, search: Search }).strict(), SearchCheck),
} as const;
