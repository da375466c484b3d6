import { toCell } from '../db/cells';
import type { Logger } from '../logger';
import type { QueryService } from '../query/query';
import { duckdbMessage, withoutExcerpt } from '../query/query';
import type { DashboardService } from './dashboard';
import { chartFontFamily } from './render';
import { AppError } from '../../../shared/api/errors';
import type { Cell } from '../../../shared/api/schemas';
import { bucketKeyToUtc, bucketStarts } from '../../../shared/charts/buckets';
import {
  BuilderProblem,
  MAX_SQL_CHART_ROWS,
  MissingColumnError,
  buildBuilderQuery,
  buildSqlChartQuery,
  planBuilderChart,
  sqlChartShape,
  trimStatement,
} from '../../../shared/charts/custom';
import { customChartOption, customChartTable, customChartWhat } from '../../../shared/charts/customOptions';
import type { BuilderSpec, CustomChartQuery, CustomChartResult, CustomExportRequest, SqlChartSpec } from '../../../shared/charts/customSpec';
import { chartScope } from '../../../shared/charts/describe';
import { MissingRoleError } from '../../../shared/charts/sql';
import type { ChartExport } from '../../../shared/charts/spec';
import { chartThemes } from '../../../shared/charts/theme';
import { toCsv } from '../../../shared/charts/csv';
import { isValidTimeZone, offsetSegments } from '../../../shared/charts/zone';

/**
 * Custom charts (issue 8): the chart builder's SQL, made by the pure builders in
 * `src/shared/charts/custom.ts` over the same source and filter state as the standard
 * charts, and charts of console queries, whose SQL passes the console's confinement check
 * (`query.check`) every time it runs — on its own and wrapped as the chart runs it. Both
 * run on the dashboard's connections; files are drawn like the standard charts' exports.
 */
export function createCustomChartService({
  dashboard,
  query,
  log,
}: {
  dashboard: Pick<DashboardService, 'builderSource' | 'runChartSql' | 'renderer' | 'translator'>;
  query: Pick<QueryService, 'check'>;
  log: Logger;
}) {
  async function chart(input: CustomChartQuery, signal: AbortSignal): Promise<CustomChartResult> {
    if (!isValidTimeZone(input.zone)) throw new AppError('timezone_invalid', { zone: input.zone });
    const started = performance.now();
    const result = input.chart.kind === 'builder' ? await builderChart(input, input.chart, signal) : await sqlChart(input, input.chart, signal);
    result.elapsedMs = Math.round(performance.now() - started);
    log.debug('custom chart', { datasetId: input.datasetId, kind: input.chart.kind, type: input.chart.type, rows: result.rows.length, ms: result.elapsedMs });
    return result;
  }

  async function builderChart(input: CustomChartQuery, spec: BuilderSpec, signal: AbortSignal): Promise<CustomChartResult> {
    const { source, datasetName } = await dashboard.builderSource(input.datasetId, input.filters, signal);
    let plan;
    let built;
    try {
      plan = planBuilderChart(spec, input, source);
      built = buildBuilderQuery(plan);
    } catch (error) {
      throw specError(error, datasetName);
    }
    const raw = await runStatement(built.sql, built.params, signal);
    const width = built.columns.length;
    let covered = 0;
    const rows: Cell[][] = raw.rows.map((row) => {
      const cells = row.map(toCell);
      covered = Number(cells[width] ?? covered);
      return cells.slice(0, width);
    });
    let buckets: number[] | null = null;
    if (built.xKind === 'bucket' && plan.bucketMode !== null && plan.bucketMs !== null && plan.fromMs !== null && plan.toMs !== null) {
      for (const row of rows) if (row[0] !== null) row[0] = bucketKeyToUtc(Number(row[0]), plan.bucketMode, plan.segments);
      buckets = bucketStarts(plan.fromMs, plan.toMs, plan.bucketMs, plan.segments);
    }
    const segments = built.xKind === 'time' ? instantSegments(rows, input.zone) : plan.segments;
    return {
      type: spec.type,
      columns: built.columns,
      rows,
      shape: built.shape,
      xKind: built.xKind,
      buckets,
      bucketMs: buckets ? plan.bucketMs : null,
      range: plan.fromMs !== null && plan.toMs !== null ? { from: new Date(plan.fromMs).toISOString(), to: new Date(plan.toMs).toISOString() } : null,
      zoneOffsets: segments.map((s) => [s.startMs, s.endMs, s.offsetMs] as [number, number, number]),
      covered,
      truncated: false,
      fillZero: built.fillZero,
      labels: built.labels,
      sql: built.sql,
      params: built.params,
      elapsedMs: 0,
    };
  }

  async function sqlChart(input: CustomChartQuery, spec: SqlChartSpec, signal: AbortSignal): Promise<CustomChartResult> {
    // The user's statement as the console would check it, then the whole statement that runs.
    await query.check(trimStatement(spec.sql));
    let built;
    try {
      built = buildSqlChartQuery(spec);
    } catch (error) {
      throw specError(error, '');
    }
    await query.check(built.sql);
    const raw = await runStatement(built.sql, built.params, signal);
    const shape = sqlChartShape(spec, raw.columns.map((c) => c.type));
    let rows: Cell[][] = raw.rows.map((row) => row.map(toCell));
    let columns = raw.columns.map((c) => c.name);
    let covered: number | null;
    let truncated = false;
    if (spec.type === 'histogram') {
      covered = Number(rows[0]?.[3] ?? 0);
      rows = rows.map((row) => row.slice(0, 3));
      columns = columns.slice(0, 3);
    } else {
      truncated = rows.length > MAX_SQL_CHART_ROWS;
      rows = rows.slice(0, MAX_SQL_CHART_ROWS);
      covered = truncated ? null : rows.length;
    }
    const segments = shape.xKind === 'time' ? instantSegments(rows, input.zone) : offsetSegments(input.zone, 0, 1);
    return {
      type: spec.type,
      columns,
      rows,
      ...shape,
      buckets: null,
      bucketMs: null,
      range: null,
      zoneOffsets: segments.map((s) => [s.startMs, s.endMs, s.offsetMs] as [number, number, number]),
      covered,
      truncated,
      sql: built.sql,
      params: built.params,
      elapsedMs: 0,
    };
  }

  async function runStatement(sql: string, params: CustomChartResult['params'], signal: AbortSignal) {
    try {
      return await dashboard.runChartSql(sql, params, signal);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('query_failed', { message: withoutExcerpt(duckdbMessage(error)) }, { cause: error });
    }
  }

  /** `heading: false` leaves the title out of the image, for a report that sets it above. */
  async function exportChart(request: CustomExportRequest, signal: AbortSignal, { heading = true } = {}): Promise<ChartExport> {
    const { query: input } = request;
    const result = await chart(input, signal);
    const { datasetName } = await dashboard.builderSource(input.datasetId, [], signal);
    const t = dashboard.translator(request.language);
    const what = customChartWhat(t, { spec: input.chart }, result);
    const title = request.title.trim() || what;
    const base = `${datasetName}-${title}`.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 120);
    const about = { covered: result.covered ?? result.rows.length, range: result.range };
    if (request.format === 'csv') {
      const table = customChartTable(result, t, input.zone, { display: false, language: request.language });
      const bytes = Buffer.from(toCsv(table.columns, table.rows), 'utf8');
      return { fileName: `${base}.csv`, mimeType: 'text/csv;charset=utf-8', base64: bytes.toString('base64'), bytes: bytes.length, width: null, height: null, ...about };
    }
    const theme = chartThemes[request.theme];
    const scope =
      input.chart.kind === 'builder'
        ? chartScope(t, request.language, input, { range: result.range, covered: result.covered ?? 0 })
        : t('dashboard.scope.rows', { count: result.covered ?? result.rows.length });
    const option = customChartOption(result, {
      t,
      language: request.language,
      zone: input.zone,
      theme,
      interactive: false,
      fontFamily: chartFontFamily,
      heading: heading ? { title: `${datasetName} · ${title}`, subtitle: title === what ? scope : `${what}\n${scope}` } : null,
      width: request.width,
    });
    const svg = await dashboard.renderer.svg(option, { width: request.width, height: request.height });
    if (request.format === 'svg') {
      const bytes = Buffer.from(svg, 'utf8');
      return { fileName: `${base}.svg`, mimeType: 'image/svg+xml', base64: bytes.toString('base64'), bytes: bytes.length, width: request.width, height: request.height, ...about };
    }
    const png = await dashboard.renderer.png(svg, { scale: request.scale, background: theme.background });
    return { fileName: `${base}.png`, mimeType: 'image/png', base64: png.png.toString('base64'), bytes: png.png.length, width: png.width, height: png.height, ...about };
  }

  return { chart, exportChart };
}

export type CustomChartService = ReturnType<typeof createCustomChartService>;

/** The zone's offsets over the instants on the x axis (first column), for labels and the CSV. */
function instantSegments(rows: readonly Cell[][], zone: string) {
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    const value = row[0];
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
    if (!Number.isFinite(ms)) continue;
    min = Math.min(min, ms);
    max = Math.max(max, ms);
  }
  return Number.isFinite(min) ? offsetSegments(zone, min, max + 1) : offsetSegments(zone, 0, 1);
}

function specError(error: unknown, dataset: string): unknown {
  if (error instanceof BuilderProblem) return new AppError('chart_spec_invalid', { reason: error.reason, column: error.column ?? '' }, { cause: error });
  if (error instanceof MissingColumnError) return new AppError('column_not_found', { dataset, column: error.column }, { cause: error });
  if (error instanceof MissingRoleError) return new AppError('chart_roles_missing', { chart: 'custom', role: error.role }, { cause: error });
  return error;
}
