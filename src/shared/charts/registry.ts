import type { Cell } from '../api/schemas';
import type { SqlQuery } from '../sql/quote';
import { chartColumns, queryBuilders } from './queries';
import { errorRateSeries, histogramBinLabel, histogramBins, optionBuilders, seriesIdPrefix, type ChartContext } from './options';
import { chartTitle, chartWhat, segmentsOf, weekdayName, type Translate } from './describe';
import { describeZoneOffsets, formatOffset, zonedParts } from './zone';
import { withChartAria } from './aria';
import { patternOfBar, patternsChartTable } from './patternsChart';
import type { EChartsOption } from 'echarts';
import type { ChartPlan } from './sql';
import type { ChartId, ChartResult, FieldFilter, RoleName, Roles } from './spec';

/**
 * The dashboard's charts, one definition each: what it needs, its SQL, its ECharts option
 * and its data as a table. The dashboard, exports, `logscope chart`, the chart builder and
 * the e-mailed report all go through this table, so a chart is the same everywhere.
 */
export interface ChartDefinition {
  id: ChartId;
  /** i18n key of the title (the status chart says "Levels" when it counts levels). */
  titleKey: string;
  /** Roles the chart needs: all of `all`, and at least one of `any` when given. */
  requires: { all: readonly RoleName[]; any?: readonly RoleName[] };
  /** Whether the chart's x axis is time (brushing selects a range on it). */
  isTimeSeries: boolean;
  buildQuery(plan: ChartPlan): SqlQuery;
  toOption(result: ChartResult, ctx: ChartContext): EChartsOption;
  /** The chart's data as the CSV export writes it: readable columns, instants with their offset. */
  toTable(result: ChartResult, t: Translate): { columns: string[]; rows: Cell[][] };
}

function hasRole(roles: Roles, role: RoleName): boolean {
  return role === 'duration' ? roles.duration !== null : roles[role] !== null;
}

/** `2024-03-04T09:00:00+09:00`: the bucket start in the chart's zone, unambiguous in a spreadsheet. */
function bucketIso(result: ChartResult, utcMs: number): string {
  const p = zonedParts(utcMs, segmentsOf(result));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${formatOffset(p.offsetMs)}`;
}

const definitions: ChartDefinition[] = [
  {
    id: 'events',
    titleKey: 'dashboard.charts.events.title',
    requires: { all: ['time'] },
    isTimeSeries: true,
    buildQuery: queryBuilders.events,
    toOption: optionBuilders.events,
    toTable: (result) => ({
      columns: ['bucket_start', result.basis === 'status' ? 'status_class' : result.basis === 'level' ? 'level' : 'series', 'count'],
      rows: result.rows.map((row) => [
        bucketIso(result, Number(row[0])),
        row[2] === true ? '(other)' : result.basis === 'status' && row[1] !== null ? `${row[1]}xx` : (row[1] ?? null),
        row[3] ?? 0,
      ]),
    }),
  },
  {
    id: 'latency',
    titleKey: 'dashboard.charts.latency.title',
    requires: { all: ['time', 'duration'] },
    isTimeSeries: true,
    buildQuery: queryBuilders.latency,
    toOption: optionBuilders.latency,
    toTable: (result) => ({
      columns: ['bucket_start', 'p50_ms', 'p95_ms', 'p99_ms', 'count'],
      rows: result.rows.map((row) => [bucketIso(result, Number(row[0])), row[1] ?? null, row[2] ?? null, row[3] ?? null, row[4] ?? 0]),
    }),
  },
  {
    id: 'errors',
    titleKey: 'dashboard.charts.errors.title',
    requires: { all: ['time'], any: ['status', 'level'] },
    isTimeSeries: true,
    buildQuery: queryBuilders.errors,
    toOption: optionBuilders.errors,
    toTable: (result) => {
      const { buckets, errors, totals, rates, verdicts } = errorRateSeries(result);
      return {
        columns: ['bucket_start', 'errors', 'total', 'error_rate', 'threshold', 'unusual'],
        rows: buckets.map((b, i) => [bucketIso(result, b), errors[i]!, totals[i]!, rates[i] ?? null, verdicts[i]?.threshold ?? null, verdicts[i]?.unusual ?? false]),
      };
    },
  },
  {
    id: 'status',
    titleKey: 'dashboard.charts.status.title',
    requires: { all: [], any: ['status', 'level'] },
    isTimeSeries: false,
    buildQuery: queryBuilders.status,
    toOption: optionBuilders.status,
    toTable: (result) => ({ columns: [result.basis === 'level' ? 'level' : 'status', 'count'], rows: result.rows.map((r) => [r[0] ?? null, r[1] ?? 0]) }),
  },
  {
    id: 'top-endpoints',
    titleKey: 'dashboard.charts.topEndpoints.title',
    requires: { all: ['endpoint'] },
    isTimeSeries: false,
    buildQuery: queryBuilders['top-endpoints'],
    toOption: optionBuilders['top-endpoints'],
    toTable: (result) => ({ columns: ['endpoint', 'count', 'p95_ms'], rows: result.rows.map((r) => [r[0] ?? null, r[1] ?? 0, r[2] ?? null]) }),
  },
  {
    id: 'slow-endpoints',
    titleKey: 'dashboard.charts.slowEndpoints.title',
    requires: { all: ['endpoint', 'duration'] },
    isTimeSeries: false,
    buildQuery: queryBuilders['slow-endpoints'],
    toOption: optionBuilders['slow-endpoints'],
    toTable: (result) => ({ columns: ['endpoint', 'p95_ms', 'count'], rows: result.rows.map((r) => [r[0] ?? null, r[1] ?? null, r[2] ?? 0]) }),
  },
  {
    id: 'heatmap',
    titleKey: 'dashboard.charts.heatmap.title',
    requires: { all: ['time'] },
    isTimeSeries: false,
    buildQuery: queryBuilders.heatmap,
    toOption: optionBuilders.heatmap,
    toTable: (result, t) => {
      const counts = new Map(result.rows.map((r) => [Number(r[0]), Number(r[1])]));
      return {
        columns: ['weekday', 'hour', 'count'],
        rows: Array.from({ length: 168 }, (_, how) => [weekdayName(t, Math.floor(how / 24)), how % 24, counts.get(how) ?? 0]),
      };
    },
  },
  {
    id: 'histogram',
    titleKey: 'dashboard.charts.histogram.title',
    requires: { all: ['duration'] },
    isTimeSeries: false,
    buildQuery: queryBuilders.histogram,
    toOption: optionBuilders.histogram,
    toTable: (result) => ({
      columns: ['bin', 'from_ms', 'to_ms', 'count'],
      rows: histogramBins(result).map((b) => [histogramBinLabel(b, 'en'), b.lowMs, b.highMs, b.count]),
    }),
  },
  {
    // Message templates (issue 7): rows carry their template id, mined after each import.
    id: 'patterns',
    titleKey: 'dashboard.charts.patterns.title',
    requires: { all: ['message'] },
    isTimeSeries: false,
    buildQuery: queryBuilders.patterns,
    toOption: optionBuilders.patterns,
    toTable: patternsChartTable,
  },
];

/** Every chart's option carries its screen-reader description, on screen and in the report alike. */
const described = (d: ChartDefinition): ChartDefinition => ({
  ...d,
  toOption: (result, ctx) =>
    withChartAria(d.toOption(result, ctx), chartTitle(ctx.t, d.id, result), d.isTimeSeries ? describeZoneOffsets(ctx.zone, segmentsOf(result)) : null, ctx.t, ctx.language),
});

export const chartRegistry: Readonly<Record<ChartId, ChartDefinition>> = Object.fromEntries(definitions.map((d) => [d.id, described(d)])) as Record<
  ChartId,
  ChartDefinition
>;

/** Dashboard order. */
export const dashboardCharts: readonly ChartId[] = definitions.map((d) => d.id);

/** The roles a chart lacks on this dataset (empty: the chart can be shown). */
export function missingRoles(chart: ChartId, roles: Roles): RoleName[] {
  const { all, any } = chartRegistry[chart].requires;
  const missing = all.filter((role) => !hasRole(roles, role));
  if (any && !any.some((role) => hasRole(roles, role))) missing.push(any[0]!);
  return missing;
}

/** The charts a dataset with these roles gets; the others are left out, not shown empty. */
export function availableCharts(roles: Roles): ChartId[] {
  return dashboardCharts.filter((chart) => missingRoles(chart, roles).length === 0);
}

export { chartColumns, chartTitle, chartWhat };

/** What a click on a chart element means, from ECharts' event (`seriesId`, `dataIndex`). */
export interface ChartClick {
  seriesId?: string | null;
  dataIndex: number;
  name?: string | null;
}

/**
 * The filter a click adds: a stacked bar filters by its status class or level, a status
 * bar or level slice by its value, an endpoint bar by its endpoint, a heatmap cell by its
 * weekday and hour, a histogram bar by its latency range. Time charts' bars filter nothing
 * but their series (the brush selects time).
 */
export function clickFilter(chart: ChartId, click: ChartClick, result: ChartResult): FieldFilter | null {
  switch (chart) {
    case 'events': {
      const id = click.seriesId ?? '';
      if (id.startsWith(seriesIdPrefix.statusClass) && id !== 'status:none') {
        return { field: 'statusClass', value: Number(id.slice(seriesIdPrefix.statusClass.length)) };
      }
      if (id.startsWith(seriesIdPrefix.level) && id !== 'level:none') return { field: 'level', value: id.slice(seriesIdPrefix.level.length) };
      return null;
    }
    case 'status': {
      const row = result.rows[click.dataIndex];
      if (!row || row[0] === null) return null;
      return result.basis === 'level' ? { field: 'level', value: String(row[0]) } : { field: 'status', value: Number(row[0]) };
    }
    case 'top-endpoints':
    case 'slow-endpoints': {
      // Bars are drawn bottom-up from the reversed rows.
      const row = result.rows[result.rows.length - 1 - click.dataIndex];
      return row && row[0] !== null ? { field: 'endpoint', value: String(row[0]) } : null;
    }
    case 'heatmap': {
      const how = click.dataIndex;
      return how >= 0 && how < 168 ? { field: 'weekdayHour', weekday: Math.floor(how / 24), hour: how % 24 } : null;
    }
    case 'histogram': {
      const bin = histogramBins(result)[click.dataIndex];
      if (!bin) return null;
      if (bin.zero) return { field: 'duration', minMs: 0, maxMs: Number.MIN_VALUE };
      return { field: 'duration', minMs: bin.lowMs, maxMs: bin.highMs };
    }
    case 'patterns': {
      const id = patternOfBar(result, click.dataIndex);
      return id === null ? null : { field: 'pattern', value: id };
    }
    default:
      return null;
  }
}

export type { ChartContext };
