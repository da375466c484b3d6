import { describe, expect, it } from 'vitest';
import { buildPatternsChartQuery, patternOfBar, patternsChartOption, patternsChartTable } from './patternsChart';
import { clickFilter } from './registry';
import { planChart, type ChartSource } from './sql';
import type { ChartResult } from './spec';
import { emptyRoles } from './names';
import { lightChartTheme } from './theme';
import { createTranslator } from '../i18n/format';

const source: ChartSource = {
  table: 'we"ird',
  roles: { ...emptyRoles, time: ['time'], message: ['message'] },
  types: { time: 'TIMESTAMP', message: 'VARCHAR' },
  timeMin: '2024-03-04T00:00:00.000Z',
  timeMax: '2024-03-11T00:00:00.000Z',
  endpointIndex: null,
  columns: [
    { path: ['time'], type: 'TIMESTAMP' },
    { path: ['message'], type: 'VARCHAR' },
  ],
};
const request = {
  chart: 'patterns' as const,
  zone: 'UTC',
  filters: [],
  search: null,
  widthPx: 800,
  options: { stackBy: 'auto' as const, logScale: true },
};

const result = (rows: ChartResult['rows']): ChartResult => ({
  chart: 'patterns',
  columns: [],
  rows,
  buckets: null,
  bucketMs: null,
  range: null,
  zoneOffsets: [],
  covered: 0,
  basis: 'none',
  durationUnit: null,
  approximate: false,
  elapsedMs: 1,
});

describe('the patterns chart', () => {
  it('counts a range and the range before it, under the dashboard filters, for "new"', () => {
    const plan = planChart({ ...request, range: { from: '2024-03-10T00:00:00.000Z', to: '2024-03-11T00:00:00.000Z' }, filters: [{ field: 'level', value: 'ERROR' }] }, {
      ...source,
      roles: { ...source.roles, level: ['level'] },
      types: { ...source.types, level: 'VARCHAR' },
    });
    const query = buildPatternsChartQuery(plan);
    // Rows from a day before the range start are read; the split is at the range start.
    expect(query.params.rangeFrom).toBe('2024-03-09 00:00:00.000');
    expect(query.params.rangeTo).toBe('2024-03-11 00:00:00.000');
    expect(query.sql).toContain(`e >= ${Date.parse('2024-03-10T00:00:00Z')}`);
    expect(query.sql).toContain('FROM "main"."we""ird"');
    expect(query.params.table).toBe('we"ird');
    expect(Object.values(query.params)).toContain('ERROR');
  });

  it('counts the whole dataset without "new" when no range is chosen', () => {
    const query = buildPatternsChartQuery(planChart({ ...request, range: null }, source));
    expect(query.sql).not.toContain('rangeFrom');
    expect(query.sql).toContain('count(*) FILTER (WHERE false) AS previous');
  });

  it('filters the dashboard by the template of the clicked bar, and draws new ones apart', () => {
    const rows = [
      ['disk full on <*>', 3, 9, 0, true],
      ['user <*> logged in', 2, 4, 5, false],
    ];
    // Bars are drawn bottom-up: the first row is the top bar, the last index.
    expect(clickFilter('patterns', { dataIndex: 1 }, result(rows))).toEqual({ field: 'pattern', value: 9 });
    expect(patternOfBar(result(rows), 0)).toBe(4);
    const en = createTranslator('en');
    const option = patternsChartOption(result(rows), {
      t: (key, params) => en.t(key, params as never) as unknown as string,
      language: 'en',
      zone: 'UTC',
      theme: lightChartTheme,
      interactive: true,
    });
    const series = (option.series as { data: { itemStyle: { color: string } }[] }[])[0]!;
    expect(series.data[1]!.itemStyle.color).not.toBe(series.data[0]!.itemStyle.color);
    expect((option.yAxis as { data: string[] }).data).toEqual(['user <*> logged in', 'disk full on <*>']);
    expect(patternsChartTable(result(rows), (k) => k)).toEqual({
      columns: ['pattern_id', 'template', 'count', 'count_before', 'is_new'],
      rows: [
        [9, 'disk full on <*>', 3, 0, true],
        [4, 'user <*> logged in', 2, 5, false],
      ],
    });
  });
});
