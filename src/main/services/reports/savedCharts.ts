import type { DashboardLayoutService } from '../dashboard/layouts';
import type { CustomChartService } from '../dashboard/custom';
import type { ReportChartItem } from './build';

/**
 * "The charts the user picked from the saved dashboard" (issue 8): the charts a dataset's
 * dashboard shows, in its order; custom (builder and SQL) charts are drawn by the custom
 * chart service at the report's size, under the report's range, filters and zone.
 */
export function savedDashboardCharts(layouts: DashboardLayoutService, customCharts: CustomChartService) {
  return async (datasetId: number): Promise<ReportChartItem[]> =>
    (await layouts.dashboardLayout(datasetId)).map(
      (item): ReportChartItem =>
        item.kind === 'standard'
          ? { kind: 'standard', chart: item.chart }
          : {
              kind: 'custom',
              key: `custom:${item.chart.id}`,
              title: item.chart.title,
              async render(context) {
                const exported = await customCharts.exportChart(
                  {
                    query: {
                      datasetId,
                      chart: item.chart.spec,
                      zone: context.zone,
                      range: context.range,
                      filters: context.filters,
                      search: context.search,
                      widthPx: context.width,
                    },
                    title: item.chart.title,
                    format: 'png',
                    width: context.width,
                    height: context.height,
                    scale: 2,
                    theme: 'light',
                    language: context.language,
                  },
                  context.signal,
                  // The report writes the title above the image, as for the standard charts.
                  { heading: false },
                );
                return Buffer.from(exported.base64, 'base64');
              },
            },
    );
}
