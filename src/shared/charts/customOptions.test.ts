import { describe, expect, it } from 'vitest';
import type { EChartsOption } from 'echarts';
import { customChartOption, customChartTable, customChartWhat, fillHistogramBins } from './customOptions';
import { lightChartTheme } from './theme';
import { offsetSegments, MS_PER_HOUR } from './zone';
import type { ChartContext } from './options';
import { BuilderSpec, type CustomChartResult } from './customSpec';
import type { Translate } from './describe';

const t: Translate = (key, params) => (params ? `${key}${JSON.stringify(params)}` : key);
const ctx: ChartContext = { t, language: 'en', zone: 'Asia/Seoul', theme: lightChartTheme, interactive: false };
const start = Date.UTC(2024, 2, 4, 0);
const segments = offsetSegments('Asia/Seoul', start, start + 3 * MS_PER_HOUR);

function result(extra: Partial<CustomChartResult>): CustomChartResult {
  return {
    type: 'line',
    columns: ['x', 'series', 'other', 'value'],
    rows: [],
    shape: { x: 0, ys: [3], series: null, other: null },
    xKind: 'bucket',
    buckets: [start, start + MS_PER_HOUR, start + 2 * MS_PER_HOUR],
    bucketMs: MS_PER_HOUR,
    range: null,
    zoneOffsets: segments.map((s) => [s.startMs, s.endMs, s.offsetMs] as [number, number, number]),
    covered: 10,
    truncated: false,
    fillZero: true,
    labels: { x: null, y: 'count(*)', series: null },
    sql: '',
    params: {},
    elapsedMs: 0,
    ...extra,
  };
}

const seriesOf = (option: EChartsOption) => option.series as { name: string; data: unknown[]; type: string; stack?: string }[];

describe('custom chart options', () => {
  it('puts every bucket on the axis, in the zone, empty ones at zero for counts', () => {
    const option = customChartOption(result({ rows: [[start, null, false, 4], [start + 2 * MS_PER_HOUR, null, false, 6]] }), ctx);
    expect((option.xAxis as { data: string[] }).data).toEqual(['03-04 09:00', '03-04 10:00', '03-04 11:00']);
    expect(seriesOf(option)[0]!.data).toEqual([4, 0, 6]);
    const averages = customChartOption(result({ fillZero: false, rows: [[start, null, false, 4.5]] }), ctx);
    expect(seriesOf(averages)[0]!.data).toEqual([4.5, null, null]);
  });

  it('makes a series per group, with “other” and “none” named and last', () => {
    const rows = [
      [start, 'ERROR', false, 2],
      [start, null, true, 5],
      [start, null, false, 1],
      [start + MS_PER_HOUR, 'WARN', false, 3],
    ];
    const option = customChartOption(result({ type: 'stacked-bar', rows, shape: { x: 0, ys: [3], series: 1, other: 2 } }), ctx);
    const series = seriesOf(option);
    expect(series.map((s) => s.name)).toEqual(['ERROR', 'WARN', 'dashboard.series.none', 'dashboard.series.other']);
    expect(series.every((s) => s.type === 'bar' && s.stack === 'total')).toBe(true);
    expect(series[0]!.data).toEqual([2, 0, 0]);
  });

  it('draws a SQL result’s instants on a time axis in the zone', () => {
    const option = customChartOption(
      result({ xKind: 'time', buckets: null, columns: ['t', 'n'], shape: { x: 0, ys: [1], series: null, other: null }, rows: [['2024-03-04T00:00:00Z', 3]] }),
      ctx,
    );
    expect(option.useUTC).toBe(true);
    expect((option.xAxis as { type: string }).type).toBe('time');
    // 00:00 UTC is 09:00 in Seoul: the axis (in UTC) shows the wall-clock time.
    expect(seriesOf(option)[0]!.data).toEqual([[start + 9 * MS_PER_HOUR, 3]]);
  });

  it('slices a pie by x', () => {
    const option = customChartOption(result({ type: 'donut', xKind: 'category', buckets: null, rows: [['GET', null, false, 7], ['POST', null, false, 3]] }), ctx);
    const [pie] = seriesOf(option) as unknown as { data: { name: string; value: number }[]; radius: unknown }[];
    expect(pie!.data.map((d) => [d.name, d.value])).toEqual([['GET', 7], ['POST', 3]]);
    expect(pie!.radius).toEqual(['42%', '70%']);
  });

  it('fills a histogram’s empty bins and keeps its edges round', () => {
    const rows = [[0.1, 0.2, 4], [0.30000000000000004, 0.4, 1]];
    expect(fillHistogramBins({ rows })).toEqual([
      { from: 0.1, to: 0.2, count: 4 },
      { from: 0.2, to: 0.3, count: 0 },
      { from: 0.3, to: 0.4, count: 1 },
    ]);
  });

  it('writes bucket starts with their offset in the CSV, and on screen in the zone', () => {
    const r = result({ rows: [[start, 'a"b', false, 4]], shape: { x: 0, ys: [3], series: 1, other: 2 }, labels: { x: null, y: 'count(*)', series: 'level' } });
    expect(customChartTable(r, t, 'Asia/Seoul', { display: false, language: 'en' })).toEqual({
      columns: ['bucket_start', 'level', 'count(*)'],
      rows: [['2024-03-04T09:00:00+09:00', 'a"b', 4]],
    });
    expect(customChartTable(r, t, 'Asia/Seoul', { display: true, language: 'en' }).rows[0]![0]).toBe('2024-03-04 09:00');
  });

  it('draws a table into a file with its header', () => {
    const option = customChartOption(
      result({ type: 'table', xKind: 'category', buckets: null, columns: ['경로', 'n'], shape: { x: null, ys: [], series: null, other: null }, rows: [['/a', 1]] }),
      ctx,
    );
    const texts = (option.graphic as { style?: { text?: string } }[]).map((g) => g.style?.text).filter(Boolean);
    expect(texts).toEqual(['경로', 'n', '/a', '1']);
  });

  it('says what a builder chart shows', () => {
    const spec = BuilderSpec.parse({ kind: 'builder', type: 'line', x: { kind: 'time' }, y: ['latency_ms'], aggregate: 'p95', groupBy: ['level'] });
    expect(customChartWhat(t, { spec }, { bucketMs: MS_PER_HOUR, truncated: false })).toBe(
      'builder.what.perBucket{"value":"builder.what.aggregate.p95{\\"column\\":\\"latency_ms\\"}","bucket":"dashboard.bucket.hour{\\"count\\":1}"}builder.what.groupedBy{"column":"level"}',
    );
  });
});
