import { AppError, toWireError } from '../../../shared/api/errors';
import type { ReportSpec, ReportView } from '../../../shared/api/contract/report';
import type { PatternList } from '../../../shared/api/contract/patterns';
import { ChartId, type ChartQuery, type ChartResult, type DashboardRoles } from '../../../shared/charts/spec';
import { chartRegistry } from '../../../shared/charts/registry';
import { chartAriaDescriptionOf } from '../../../shared/charts/aria';
import { chartTitle, chartWhat, filterLabel, searchLabel, type ChartLanguage, type Translate } from '../../../shared/charts/describe';
import { errorRateSeries } from '../../../shared/charts/options';
import { lightChartTheme } from '../../../shared/charts/theme';
import { formatZoned, isValidTimeZone } from '../../../shared/charts/zone';
import { planChart, type ChartSource } from '../../../shared/charts/sql';
import { toCsv } from '../../../shared/charts/csv';
import { PeriodError, resolveReportPeriod, type MsRange, type ResolvedPeriod } from '../../../shared/report/period';
import { composeReport, fillSubject, reportTables, type PeriodFigures, type ReportData } from '../../../shared/report/compose';
import { buildErrorPatternsQuery, buildPatternCountsQuery } from '../../../shared/report/sql';
import { cidSource, renderMailHtml, type ImageSource } from '../../../shared/report/html';
import { renderMailText } from '../../../shared/report/text';
import type { MailDocument, MailImage } from '../../../shared/report/document';
import type { Db } from '../db/database';
import type { Logger } from '../logger';
import type { DashboardService } from '../dashboard/dashboard';
import type { PatternService } from '../patterns/patterns';
import { chartFontFamily } from '../dashboard/render';
import type { OutgoingAttachment } from '../mailOut/message';

/**
 * One report, made in the main process: key figures of the period and of the period of the
 * same length before it (DuckDB), the charts through the dashboard's own chart functions
 * and server-side renderer (PNG at 2×, with the shipped CJK font), the tables, and from
 * them the HTML part (charts as `cid:` images), the plain-text part, the self-contained
 * HTML file (charts as `data:` PNGs) and the optional attachments.
 */

/** The width of the message's content column, and of the charts in it (CSS pixels). */
export const REPORT_CHART_WIDTH = 600;
export const REPORT_CHART_SCALE = 2;
const tallCharts = new Set<string>(['top-endpoints', 'slow-endpoints', 'patterns']);
export const reportChartHeight = (chart: string): number => (tallCharts.has(chart) ? 440 : 260);
/** A custom chart's PNG carries its own title and scope lines above the plot. */
const CUSTOM_CHART_HEIGHT = 340;

const TOP_ROWS = 10;

/** A chart of the saved dashboard that is not a standard one (a builder or SQL chart of issue 8). */
export interface CustomReportChart {
  kind: 'custom';
  /** `custom:<id>`: how a report's chart list names it. */
  key: string;
  title: string;
  /** Draws it as a PNG at 2× under the report's range, filters and zone. */
  render(context: {
    zone: string;
    range: { from: string; to: string } | null;
    filters: ChartQuery['filters'];
    search: ChartQuery['search'];
    language: ChartLanguage;
    width: number;
    height: number;
    signal: AbortSignal;
  }): Promise<Buffer>;
}

export type ReportChartItem = { kind: 'standard'; chart: string } | CustomReportChart;

export interface ReportBuildDeps {
  db: Db;
  log: Logger;
  dashboard: DashboardService;
  patterns: PatternService;
  /** The charts the saved dashboard shows, in order (issue 8); null when the dataset has none saved. */
  savedCharts?: (datasetId: number, signal: AbortSignal) => Promise<ReportChartItem[] | null>;
}

export interface BuildInput {
  spec: ReportSpec;
  /** The report's name, for `{report}` in the subject. */
  name: string | null;
  view: ReportView | null;
  zone: string;
  now: Date;
  signal: AbortSignal;
}

export interface ReportImage extends MailImage {
  png: Buffer;
}

export interface BuiltReport {
  dataset: string;
  language: ChartLanguage;
  zone: string;
  resolved: ResolvedPeriod;
  data: ReportData;
  document: MailDocument;
  subject: string;
  /** The HTML part, images as `cid:`. */
  html: string;
  text: string;
  images: ReportImage[];
  /** The same report as one file: images embedded, a policy that forbids scripts and anything remote. */
  fileHtml: string;
  fileName: string;
  /** Inline charts, then the attachments the report asks for. */
  attachments: OutgoingAttachment[];
}

const isoRange = (range: MsRange | null) => (range ? { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() } : null);

export const dataUriSource =
  (images: readonly ReportImage[]): ImageSource =>
  (image) =>
    `data:image/png;base64,${images.find((i) => i.cid === image.cid)?.png.toString('base64') ?? ''}`;

export async function buildReport(deps: ReportBuildDeps, input: BuildInput): Promise<BuiltReport> {
  const { dashboard, patterns, log } = deps;
  const { spec, zone, signal } = input;
  if (!isValidTimeZone(zone)) throw new AppError('timezone_invalid', { zone });
  const language: ChartLanguage = spec.language;
  const t: Translate = dashboard.translator(language);
  const roles: DashboardRoles = await dashboard.roles(spec.datasetId);
  const fromView = spec.period.kind === 'dashboard' && input.view;
  const filters = fromView ? input.view!.filters : spec.filters;
  const search = fromView ? input.view!.search : spec.search;
  const { source, datasetName } = await dashboard.builderSource(spec.datasetId, filters, signal);

  let resolved: ResolvedPeriod;
  try {
    resolved = resolveReportPeriod(spec.period, source, input.now, input.view, zone);
  } catch (error) {
    if (error instanceof PeriodError) throw new AppError('report_period_invalid', { detail: error.message }, { cause: error });
    throw error;
  }
  const periodLabel =
    spec.period.kind === 'dashboard' ? t(input.view?.range ? 'report.period_custom' : 'report.period_all') : t(`report.period_${spec.period.kind}`);

  const chartQuery = (chart: ChartId, range: MsRange | null, extraFilters: ChartQuery['filters'] = []): ChartQuery => ({
    datasetId: spec.datasetId,
    chart,
    zone,
    range: isoRange(range),
    filters: [...filters, ...extraFilters],
    search,
    widthPx: REPORT_CHART_WIDTH,
    bucketMs: null,
    options: { stackBy: 'auto', logScale: true },
  });
  const available = new Set(roles.charts);
  const results = new Map<string, ChartResult>();
  const chartOf = async (chart: ChartId): Promise<ChartResult> => {
    let result = results.get(chart);
    if (!result) {
      result = await dashboard.chart(chartQuery(chart, resolved.range), signal);
      results.set(chart, result);
    }
    return result;
  };

  // ------------------------------------------------------------------- key figures
  const figuresOf = async (range: MsRange | null): Promise<PeriodFigures> => {
    const plan = planChart({ ...chartQuery('status', range), filters, search }, source);
    const row = await dashboard.keyFigures(spec.datasetId, plan, signal);
    const num = (i: number) => (row[i] === null || row[i] === undefined ? null : Number(row[i]));
    return {
      events: num(0) ?? 0,
      errors: num(1),
      errorBase: num(2),
      p50Ms: num(3),
      p95Ms: num(4),
      p99Ms: num(5),
      clients: num(6),
      unusualBuckets: null,
      newPatterns: null,
    };
  };
  const current = await figuresOf(resolved.range);
  let before = resolved.previous ? await figuresOf(resolved.previous) : null;
  if (before && before.events === 0) before = null;

  // Unusual buckets: the error-rate chart's verdicts, for the period and the one before.
  let unusual: ReportData['unusual'] = null;
  if (available.has('errors')) {
    const series = errorRateSeries(await chartOf('errors'));
    const bucketMs = results.get('errors')?.bucketMs ?? 0;
    unusual = series.verdicts.flatMap((verdict, i) =>
      verdict.unusual
        ? [{ startMs: series.buckets[i]!, endMs: series.buckets[i + 1] ?? series.buckets[i]! + bucketMs, errors: series.errors[i]!, total: series.totals[i]!, rate: series.rates[i]!, threshold: verdict.threshold! }]
        : [],
    );
    current.unusualBuckets = unusual.length;
    if (before && resolved.previous) {
      const previous = errorRateSeries(await dashboard.chart(chartQuery('errors', resolved.previous), signal));
      before.unusualBuckets = previous.verdicts.filter((v) => v.unusual).length;
    }
  }

  // Top endpoints and the busiest one.
  let topEndpoints: ReportData['topEndpoints'] = null;
  let busiest: ReportData['busiest'] = null;
  if (available.has('top-endpoints')) {
    const result = await chartOf('top-endpoints');
    topEndpoints = result.rows.slice(0, TOP_ROWS).map((r) => ({ endpoint: String(r[0]), count: Number(r[1] ?? 0), p95Ms: r[2] === null || r[2] === undefined ? null : Number(r[2]) }));
    const top = topEndpoints[0];
    if (top) {
      let previous: number | null = null;
      if (before && resolved.previous) {
        previous = (await dashboard.chart(chartQuery('top-endpoints', resolved.previous, [{ field: 'endpoint', value: top.endpoint }]), signal)).covered;
      }
      busiest = { endpoint: top.endpoint, count: top.count, before: previous };
    }
  }

  // Message patterns: new ones, and the templates of error rows.
  const notes: string[] = [];
  let newPatterns: ReportData['newPatterns'] = null;
  let errorPatterns: ReportData['errorPatterns'] = null;
  if (roles.roles.message) {
    try {
      const status = await patterns.wait(spec.datasetId, signal);
      if (status.state === 'done') {
        const listOf = (range: MsRange | null): Promise<PatternList> =>
          patterns.list({ datasetId: spec.datasetId, range: isoRange(range), search: null, offset: 0, limit: 10_000, sparklineBuckets: 0 }, signal);
        if (resolved.range) {
          const list = await listOf(resolved.range);
          const fresh = list.templates.filter((p) => p.isNew);
          current.newPatterns = fresh.length;
          newPatterns = fresh
            .sort((a, b) => b.count - a.count)
            .slice(0, 5)
            .map((p) => ({ template: p.template, count: p.count }));
          if (before && resolved.previous) before.newPatterns = (await listOf(resolved.previous)).templates.filter((p) => p.isNew).length;
        }
        const plan = planChart({ ...chartQuery('status', resolved.range), filters, search }, source);
        const query = buildErrorPatternsQuery(plan, spec.datasetId, TOP_ROWS);
        if (query) {
          const { rows } = await dashboard.runChartSql(query.sql, query.params, signal);
          const found = rows.map((r) => ({ id: Number(r[0]), template: String(r[1]), count: Number(r[2]) }));
          const previousCounts = new Map<number, number>();
          if (before && resolved.previous && found.length) {
            const previousPlan = planChart({ ...chartQuery('status', resolved.previous), filters, search }, source);
            const counts = buildPatternCountsQuery(previousPlan, found.map((p) => p.id));
            if (counts) for (const r of (await dashboard.runChartSql(counts.sql, counts.params, signal)).rows) previousCounts.set(Number(r[0]), Number(r[1]));
          }
          errorPatterns = found.map((p) => ({ template: p.template, count: p.count, before: resolved.previous ? (previousCounts.get(p.id) ?? 0) : null }));
        }
      } else {
        notes.push(t('report.mail.patternsPending', { state: status.state }));
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'cancelled') throw error;
      log.warn('report: message patterns left out', { datasetId: spec.datasetId, error });
      notes.push(t('report.mail.patternsPending', { state: toWireError(error).code }));
    }
  }

  // ------------------------------------------------------------------------ charts
  const saved = (await deps.savedCharts?.(spec.datasetId, signal)) ?? null;
  const wanted: ReportChartItem[] = spec.charts
    ? spec.charts.map((id) => saved?.find((item) => item.kind === 'custom' && item.key === id) ?? { kind: 'standard', chart: id })
    : (saved ?? roles.charts.map((chart) => ({ kind: 'standard' as const, chart })));
  const images: ReportImage[] = [];
  const charts: ReportData['charts'] = [];
  for (const item of wanted) {
    if (item.kind === 'custom') {
      const width = REPORT_CHART_WIDTH;
      const height = CUSTOM_CHART_HEIGHT;
      const png = await item.render({ zone, range: isoRange(resolved.range), filters, search, language, width, height, signal });
      const cid = `chart-${item.key.replace(/[^A-Za-z0-9-]/g, '-')}@logscope`;
      const image: ReportImage = { cid, fileName: `${item.key.replace(/[^A-Za-z0-9-]/g, '-')}.png`, width, height, alt: item.title, png };
      images.push(image);
      charts.push({ title: item.title, caption: '', image });
      continue;
    }
    const id = item.chart;
    const parsed = ChartId.safeParse(id);
    if (!parsed.success || !available.has(parsed.data)) {
      notes.push(t('report.mail.chartLeftOut', { chart: parsed.success ? t(chartRegistry[parsed.data].titleKey) : id }));
      continue;
    }
    const chart = parsed.data;
    let result: ChartResult;
    try {
      result = await chartOf(chart);
    } catch (error) {
      // A ClickHouse dataset whose server cannot draw this chart: the rest of the report still goes out.
      if (!(error instanceof AppError && error.code === 'engine_unsupported')) throw error;
      notes.push(t('report.mail.chartNotOnEngine', { chart: t(chartRegistry[chart].titleKey) }));
      continue;
    }
    const width = REPORT_CHART_WIDTH;
    const height = reportChartHeight(chart);
    const option = chartRegistry[chart].toOption(result, {
      t,
      language,
      zone,
      theme: lightChartTheme,
      interactive: false,
      fontFamily: chartFontFamily,
      heading: null,
      width,
    });
    const svg = await dashboard.renderer.svg(option, { width, height });
    const png = await dashboard.renderer.png(svg, { scale: REPORT_CHART_SCALE, background: lightChartTheme.background });
    const title = chartTitle(t, chart, result);
    const image: ReportImage = { cid: `chart-${chart}@logscope`, fileName: `${chart}.png`, width, height, alt: chartAriaDescriptionOf(option) ?? title, png: png.png };
    images.push(image);
    charts.push({ title, caption: chartWhat(t, chart, result, roles.roles, zone), image });
  }

  const data: ReportData = {
    dataset: datasetName,
    zone,
    madeAtMs: input.now.getTime(),
    periodLabel,
    range: resolved.range,
    previous: resolved.previous,
    anchoredAt: resolved.anchoredAt,
    filters: [...filters.map((f) => filterLabel(t, f, language)), ...(search ? [searchLabel(t, search)] : [])],
    current,
    before,
    busiest,
    charts,
    topEndpoints,
    errorPatterns,
    newPatterns,
    unusual,
    notes,
  };
  const document = composeReport(data, t, language);
  const html = renderMailHtml(document, { images: cidSource });
  const text = renderMailText(document, t('report.mail.textCharts'));
  const fileHtml = renderMailHtml(document, { images: dataUriSource(images), standalone: true });
  const day = formatZoned(input.now.getTime(), zone, 'day');
  const fileName = `${datasetName}-report-${day}.html`.replace(/[\\/:*?"<>|\s]+/g, '_');

  const attachments: OutgoingAttachment[] = images.map((image) => ({ fileName: image.fileName, contentType: 'image/png', content: image.png, cid: image.cid }));
  if (spec.attachments.html) attachments.push({ fileName, contentType: 'text/html; charset=utf-8', content: fileHtml });
  if (spec.attachments.csv) {
    const names = { figures: t('report.mail.csvFigures'), endpoints: t('report.mail.csvEndpoints'), patterns: t('report.mail.csvPatterns') };
    for (const table of reportTables(data)) {
      attachments.push({ fileName: `${datasetName}-${names[table.name]}-${day}.csv`, contentType: 'text/csv; charset=utf-8', content: toCsv(table.columns, table.rows) });
    }
  }
  if (spec.attachments.png) {
    for (const image of images) attachments.push({ fileName: `${datasetName}-${image.fileName}`, contentType: 'image/png', content: image.png });
  }

  return {
    dataset: datasetName,
    language,
    zone,
    resolved,
    data,
    document,
    subject: fillSubject(spec.subject, { dataset: datasetName, period: periodLabel, date: day, report: input.name ?? datasetName }),
    html,
    text,
    images,
    fileHtml,
    fileName,
    attachments,
  };
}

export type { ChartSource };
