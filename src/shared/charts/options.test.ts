import { describe, expect, it } from 'vitest';
import { bucketLabels, bucketRange, escapeHtml, histogramBins, optionBuilders, type ChartContext } from './options';
import { chartRegistry, clickFilter } from './registry';
import { chartScope, chartTitle } from './describe';
import { lightChartTheme, darkChartTheme } from './theme';
import { bucketStarts } from './buckets';
import { offsetSegments, MS_PER_HOUR } from './zone';
import type { ChartId, ChartResult } from './spec';
import { chartIds } from './names';
import { createTranslator } from '../i18n/format';

const en = createTranslator('en');
const ko = createTranslator('ko');
const ctx = (language: 'en' | 'ko' = 'en', interactive = true): ChartContext => ({
  t: (key, params) => (language === 'en' ? en : ko).t(key, params as never) as unknown as string,
  language,
  zone: 'Asia/Seoul',
  theme: lightChartTheme,
  interactive,
});

const from = Date.parse('2024-03-04T00:00:00Z');
const to = from + 6 * MS_PER_HOUR;
const segments = offsetSegments('Asia/Seoul', from, to);
const buckets = bucketStarts(from, to, MS_PER_HOUR, segments);

function result(chart: ChartId, rows: ChartResult['rows'], extra: Partial<ChartResult> = {}): ChartResult {
  const isTime = chartRegistry[chart].isTimeSeries;
  return {
    chart,
    columns: [],
    rows,
    buckets: isTime ? buckets : null,
    bucketMs: isTime ? MS_PER_HOUR : null,
    range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    zoneOffsets: segments.map((s) => [s.startMs, s.endMs, s.offsetMs]),
    covered: 1234,
    basis: 'status',
    durationUnit: 'ms',
    approximate: false,
    elapsedMs: 3,
    ...extra,
  };
}

type Series = { id: string; name: string; data: unknown[]; type: string };
const seriesOf = (option: ReturnType<(typeof optionBuilders)['events']>) => option.series as Series[];

describe('chart options', () => {
  it('names every time axis with the zone its labels are in, on screen and in files', () => {
    const timeCharts = chartIds.filter((id) => chartRegistry[id].isTimeSeries);
    expect(timeCharts).toEqual(expect.arrayContaining(['events', 'latency', 'errors']));
    for (const interactive of [true, false]) {
      for (const chart of timeCharts) {
        const option = chartRegistry[chart].toOption(result(chart, []), ctx('en', interactive));
        expect((option.xAxis as { name?: string }).name, chart).toBe('Asia/Seoul (UTC+09:00)');
      }
    }
    const heatmap = chartRegistry.heatmap.toOption(result('heatmap', [[33, 7]]), ctx('en'));
    const tooltip = (heatmap.tooltip as { formatter: (p: unknown) => string }).formatter({ value: [9, 1, 7] });
    expect(tooltip).toBe('Tue 09:00–09:59 Asia/Seoul (UTC+09:00)<br/>7');
  });

  it('stacks events by status class, fills empty buckets and labels them in the zone', () => {
    const option = optionBuilders.events(
      result('events', [
        [buckets[0]!, 2, false, 100],
        [buckets[0]!, 5, false, 3],
        [buckets[2]!, 2, false, 80],
        [buckets[2]!, 4, false, 7],
      ]),
      ctx(),
    );
    const series = seriesOf(option);
    expect(series.map((s) => s.id)).toEqual(['status:2', 'status:4', 'status:5']);
    expect(series.map((s) => s.name)).toEqual(['2xx', '4xx', '5xx']);
    expect(series[0]?.data).toEqual([100, 0, 80, 0, 0, 0]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['03-04 09:00', '03-04 10:00', '03-04 11:00', '03-04 12:00', '03-04 13:00', '03-04 14:00']);
    expect(option.brush).toBeDefined();
    expect(option.backgroundColor).toBe('transparent');
  });

  it('draws files without tooltips or brushing, on the theme background, with a heading', () => {
    const option = optionBuilders.events(result('events', [[buckets[0]!, null, false, 5]], { basis: 'none' }), {
      ...ctx('ko', false),
      theme: darkChartTheme,
      fontFamily: 'DejaVu Sans',
      heading: { title: '제목', subtitle: '부제' },
    });
    expect(option.tooltip).toBeUndefined();
    expect(option.brush).toBeUndefined();
    expect(option.animation).toBe(false);
    expect(option.backgroundColor).toBe(darkChartTheme.background);
    expect(option.title).toMatchObject({ text: '제목', subtext: '부제' });
    expect(seriesOf(option)[0]?.name).toBe('이벤트');
  });

  it('marks unusual error-rate buckets and shows the threshold', () => {
    const hours = Array.from({ length: 30 }, (_, i) => from + i * MS_PER_HOUR);
    const rows = hours.map((b, i) => [b, i === 28 ? 200 : 10, 1000]);
    const r = { ...result('errors', rows), buckets: hours };
    const series = seriesOf(optionBuilders.errors(r, ctx()));
    const unusual = series.find((s) => s.id === 'unusual')!.data;
    expect(unusual.filter((v) => v !== null)).toEqual([0.2]);
    expect(unusual[28]).toBe(0.2);
    expect(series.find((s) => s.id === 'rate')!.data[0]).toBe(0.01);
    const table = chartRegistry.errors.toTable(r, ctx().t);
    expect(table.columns).toEqual(['bucket_start', 'errors', 'total', 'error_rate', 'threshold', 'unusual']);
    expect(table.rows[28]?.slice(0, 4)).toEqual(['2024-03-05T13:00:00+09:00', 200, 1000, 0.2]);
    expect(table.rows[28]?.[5]).toBe(true);
  });

  it('puts the busiest endpoint on top and filters by the bar clicked', () => {
    const r = result('top-endpoints', [
      ['/api/v1/products/{id}', 900, 84],
      ['/health', 500, 4],
      ['<img src=x onerror=alert(1)>', 10, 1],
    ]);
    const option = optionBuilders['top-endpoints'](r, ctx());
    expect((option.yAxis as { data: string[] }).data).toEqual(['<img src=x onerror=alert(1)>', '/health', '/api/v1/products/{id}']);
    expect(clickFilter('top-endpoints', { dataIndex: 2 }, r)).toEqual({ field: 'endpoint', value: '/api/v1/products/{id}' });
    // Log text in tooltips is escaped.
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ dataIndex: 0 })).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(escapeHtml(`<"'&>`)).toBe('&#60;&#34;&#39;&#38;&#62;');
  });

  it('maps clicks on every clickable chart to a filter', () => {
    expect(clickFilter('events', { seriesId: 'status:5', dataIndex: 3 }, result('events', []))).toEqual({ field: 'statusClass', value: 5 });
    expect(clickFilter('events', { seriesId: 'level:WARN', dataIndex: 3 }, result('events', [], { basis: 'level' }))).toEqual({ field: 'level', value: 'WARN' });
    expect(clickFilter('status', { dataIndex: 1 }, result('status', [[200, 10], [503, 2]]))).toEqual({ field: 'status', value: 503 });
    expect(clickFilter('status', { dataIndex: 0 }, result('status', [['ERROR', 10]], { basis: 'level' }))).toEqual({ field: 'level', value: 'ERROR' });
    expect(clickFilter('heatmap', { dataIndex: 24 + 9 }, result('heatmap', []))).toEqual({ field: 'weekdayHour', weekday: 1, hour: 9 });
    const histogram = result('histogram', [[10, 5, null, true], [12, 7, null, true]]);
    expect(clickFilter('histogram', { dataIndex: 0 }, histogram)).toEqual({ field: 'duration', minMs: 10, maxMs: 10 ** 1.1 });
    expect(clickFilter('latency', { dataIndex: 0 }, result('latency', []))).toBeNull();
  });

  it('fills log histogram bins, leaving out bins whole milliseconds cannot fall in', () => {
    const bins = histogramBins(result('histogram', [[null, 3, null, true], [0, 10, null, true], [3, 4, null, true], [10, 20, null, true]]));
    // 0 → [1, 1.26), 3 → [2, 2.51), 10 → [10, 12.6); [1.26, 1.58), [1.58, 2) and [3.16, 3.98)
    // hold no whole number.
    expect(bins.map((b) => (b.zero ? 'zero' : Number(b.lowMs.toFixed(2))))).toEqual(['zero', 1, 2, 2.51, 3.98, 5.01, 6.31, 7.94, 10]);
    expect(bins.map((b) => b.count)).toEqual([3, 10, 4, 0, 0, 0, 0, 0, 20]);
    const linear = histogramBins(result('histogram', [[0, 5, 2.5, false], [2, 1, 2.5, false], [40, 3, 2.5, false]]));
    expect(linear).toHaveLength(41);
    expect(linear[40]).toMatchObject({ lowMs: 100, highMs: null, count: 3 });
  });

  it('keeps every chart within the point budget and builds every option in both themes', () => {
    for (const chart of chartIds.filter((c) => c !== 'patterns')) {
      for (const theme of [lightChartTheme, darkChartTheme]) {
        const option = optionBuilders[chart](result(chart, [], { basis: chart === 'status' ? 'level' : 'status' }), { ...ctx(), theme });
        expect(option, chart).toBeTruthy();
      }
    }
    const hours = bucketStarts(from, from + 366 * 24 * MS_PER_HOUR, 24 * MS_PER_HOUR, offsetSegments('Asia/Seoul', from, from + 366 * 24 * MS_PER_HOUR));
    expect(hours.length).toBeLessThanOrEqual(10_000);
  });

  it('labels DST days in New York with their own local hours', () => {
    const dayFrom = Date.parse('2024-11-03T04:00:00Z');
    const dayTo = Date.parse('2024-11-04T05:00:00Z');
    const ny = offsetSegments('America/New_York', dayFrom, dayTo);
    const starts = bucketStarts(dayFrom, dayTo, MS_PER_HOUR, ny);
    const labels = bucketLabels({ ...result('events', []), buckets: starts, zoneOffsets: ny.map((s) => [s.startMs, s.endMs, s.offsetMs]) });
    expect(labels).toHaveLength(25);
    expect(labels.slice(0, 4)).toEqual(['11-03 00:00', '11-03 01:00', '11-03 01:00', '11-03 02:00']);
    expect(bucketRange({ ...result('events', []), buckets: starts }, 1, 2)).toEqual({ fromMs: starts[1], toMs: starts[3] });
  });

  it('says what a chart shows and over what, in both languages', () => {
    const r = result('errors', []);
    expect(chartTitle(ctx().t, 'status', { basis: 'level' })).toBe('Levels');
    const query = { zone: 'Asia/Seoul', filters: [{ field: 'statusClass' as const, value: 5 }], search: { text: 'timeout', regex: false, column: null } };
    expect(chartScope(ctx().t, 'en', query, r)).toBe('2024-03-04 09:00 – 2024-03-04 14:59 (Asia/Seoul) · status 5xx · search “timeout” · 1,234 rows');
    expect(chartScope(ctx().t, 'en', { ...query, search: { text: '503', regex: false, column: ['status'] } }, r)).toContain('· status: search “503” ·');
    expect(chartScope(ctx('ko').t, 'ko', query, r)).toBe('2024-03-04 09:00 – 2024-03-04 14:59 (Asia/Seoul) · 상태 5xx · “timeout” 검색 · 1,234행');
  });
});
