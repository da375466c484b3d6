import type { ChartId, ChartQueryInput } from '../../src/shared/charts/spec';

/** What the dashboard bench asks, shared by its Logscope and bare workers. */

export interface BenchStatement {
  name: string;
  zone?: string;
  sql: string;
  params: Record<string, string | number | boolean | null>;
}

export interface BenchSql {
  dashboard: BenchStatement[];
  six: BenchStatement[];
  tz: BenchStatement[];
}

type Query = Omit<ChartQueryInput, 'datasetId'>;

const standard: ChartId[] = ['events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'heatmap', 'histogram'];

/** The dashboard as the UI opens it: the events chart across the window, the rest half as wide. */
export function benchCharts(): Query[] {
  return standard.map((chart) => ({ chart, zone: 'Asia/Seoul', widthPx: chart === 'events' ? 1200 : 600 }));
}

/**
 * The six typical queries: requests per minute; p50/p95/p99 latency per 5 minutes;
 * count by status; top 20 paths with p95 (endpoints, ids folded); 5xx rate per hour;
 * weekday × hour counts. In UTC, like the reference figures on plain TIMESTAMP.
 */
export function sixTypical(zone = 'UTC'): { name: string; query: Query }[] {
  return [
    { name: 'requests per minute', query: { chart: 'events', zone, bucketMs: 60_000, options: { stackBy: 'none' } } },
    { name: 'p50/p95/p99 per 5 min', query: { chart: 'latency', zone, bucketMs: 300_000 } },
    { name: 'count by status', query: { chart: 'status', zone } },
    { name: 'top 20 endpoints with p95', query: { chart: 'top-endpoints', zone } },
    { name: '5xx rate per hour', query: { chart: 'errors', zone, bucketMs: 3_600_000 } },
    { name: 'weekday × hour', query: { chart: 'heatmap', zone } },
  ];
}

/**
 * Bucketing in the user's zone against UTC on the same data: Seoul (one offset), New York
 * (the week crosses its change to daylight saving time, so a CASE picks the offset).
 */
export function tzVariants(): { name: string; zone: string; query: Query }[] {
  const shapes: { name: string; query: Omit<Query, 'zone'> }[] = [
    { name: 'events per hour', query: { chart: 'events', bucketMs: 3_600_000, options: { stackBy: 'none' } } },
    { name: 'events per 2 h', query: { chart: 'events', bucketMs: 7_200_000, options: { stackBy: 'none' } } },
    { name: 'events per day', query: { chart: 'events', bucketMs: 86_400_000, options: { stackBy: 'none' } } },
    { name: 'p50/p95/p99 per 2 h', query: { chart: 'latency', bucketMs: 7_200_000 } },
    { name: 'weekday × hour', query: { chart: 'heatmap' } },
  ];
  return shapes.flatMap(({ name, query }) =>
    ['UTC', 'Asia/Seoul', 'America/New_York'].map((zone) => ({ name, zone, query: { ...query, zone } as Query })),
  );
}
