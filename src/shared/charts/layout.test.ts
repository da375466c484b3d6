import { describe, expect, it } from 'vitest';
import { DashboardLayout, defaultLayout, type LayoutItem } from './layout';
import { newCustomChartId, resolveLayout, visibleCharts, withNewIds } from './layoutItems';
import type { CustomChart } from './customSpec';
import type { ChartId } from './spec';

const custom: CustomChart = {
  id: 'c1',
  title: '지연 p95',
  spec: { kind: 'builder', type: 'line', x: { kind: 'time', bucket: 'auto' }, y: ['latency_ms'], aggregate: 'p95', groupBy: null, filters: [], limit: 20 },
};
const customItem: LayoutItem = { kind: 'custom', chart: custom, wide: true, height: 'tall' };

describe('saved dashboard layouts', () => {
  it('starts with the standard charts in their usual order, the events across', () => {
    const layout = defaultLayout();
    expect(layout.items.map((i) => (i.kind === 'standard' ? i.chart : i.chart.id))).toEqual([
      'events', 'latency', 'errors', 'status', 'heatmap', 'top-endpoints', 'slow-endpoints', 'histogram', 'patterns',
    ]);
    expect(layout.items[0]).toMatchObject({ wide: true, height: 'normal', hidden: false });
    expect(layout.items[5]).toMatchObject({ chart: 'top-endpoints', height: 'tall' });
    expect(layout.filter).toEqual({ period: 'all', range: null, filters: [], search: null, stackBy: 'auto', logScale: true });
  });

  it('draws what fits the roles: saved order first, unplaced charts after, unfit ones left out', () => {
    const layout = DashboardLayout.parse({
      items: [customItem, { kind: 'standard', chart: 'status', hidden: true }, { kind: 'standard', chart: 'latency' }],
    });
    const available: ChartId[] = ['events', 'status', 'heatmap'];
    const resolved = resolveLayout(layout, available);
    expect(resolved.map((i) => (i.kind === 'standard' ? i.chart : i.chart.id))).toEqual(['c1', 'status', 'events', 'heatmap']);
    expect(visibleCharts(layout, available)).toEqual([
      { kind: 'custom', chart: custom },
      { kind: 'standard', chart: 'events' },
      { kind: 'standard', chart: 'heatmap' },
    ]);
  });

  it('holds each chart once', () => {
    expect(DashboardLayout.safeParse({ items: [customItem, customItem] }).success).toBe(false);
    expect(DashboardLayout.safeParse({ items: [{ kind: 'standard', chart: 'events' }, { kind: 'standard', chart: 'events', hidden: true }] }).success).toBe(false);
  });

  it('gives copied custom charts new ids and leaves the standard ones alone', () => {
    let n = 0;
    const copied = withNewIds([customItem, { kind: 'standard', chart: 'events', hidden: false, wide: true, height: 'normal' }], () => `cnew${n++}`);
    expect(copied[0]).toMatchObject({ kind: 'custom', chart: { id: 'cnew0', title: '지연 p95' } });
    expect(copied[1]).toEqual({ kind: 'standard', chart: 'events', hidden: false, wide: true, height: 'normal' });
    expect(customItem.chart.id).toBe('c1');
  });

  it('makes ids the schema accepts', () => {
    const id = newCustomChartId(Date.UTC(2024, 2, 4), 0.999999);
    expect(id).toMatch(/^c[a-z0-9]{1,39}$/);
    expect(newCustomChartId(0, 0)).toBe('c0000000');
  });
});
