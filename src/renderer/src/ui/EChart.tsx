import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  BrushComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

// SVG, as the main process draws files: the same renderer on screen and in an export.
// Only what `src/shared/charts` draws: the dashboard's first paint loads this with it
// (no toolbox: the brush is armed by `takeGlobalCursor`; heatmaps use a continuous scale).
// Without AriaComponent an option's `aria` is ignored and the chart has no description.
echarts.use([
  AriaComponent,
  BarChart,
  HeatmapChart,
  LineChart,
  PieChart,
  ScatterChart,
  BrushComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  SVGRenderer,
]);

export interface EChartClick {
  seriesId: string | null;
  dataIndex: number;
  name: string | null;
}

/** Whether the option carries a description (`src/shared/charts/aria.ts`), which ECharts writes on the box itself. */
function hasAriaDescription(option: EChartsOption): boolean {
  const aria = option.aria as { enabled?: boolean; label?: { description?: string } } | undefined;
  return Boolean(aria?.enabled && aria.label?.description);
}

/**
 * Hosts one ECharts instance: options from `src/shared/charts`, resized with its box,
 * clicks reported, and on time charts a horizontal brush that is always armed, so
 * dragging across the chart selects a range. The box is a tab stop named by the chart's
 * description; Enter or Space on it calls `onActivate` (the dashboard shows the rows behind it).
 */
export function EChart({
  option,
  height,
  brushable = false,
  onClick,
  onBrush,
  onActivate,
  testId,
  ariaLabel,
}: {
  option: EChartsOption;
  height: number;
  brushable?: boolean;
  onClick?: (click: EChartClick) => void;
  onBrush?: (fromIndex: number, toIndex: number) => void;
  onActivate?: () => void;
  testId?: string;
  ariaLabel?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const handlers = useRef({ onClick, onBrush });
  handlers.current = { onClick, onBrush };

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (params) => {
      const p = params as { seriesId?: string; dataIndex?: number; name?: string };
      handlers.current.onClick?.({ seriesId: p.seriesId ?? null, dataIndex: p.dataIndex ?? 0, name: p.name ?? null });
    });
    instance.on('brushEnd', (params) => {
      const area = (params as { areas?: { coordRange?: [number, number] }[] }).areas?.[0];
      const range = area?.coordRange;
      instance.dispatchAction({ type: 'brush', areas: [] });
      if (range && Number.isFinite(range[0]) && Number.isFinite(range[1])) handlers.current.onBrush?.(Math.round(range[0]), Math.round(range[1]));
    });
    // Tests and screenshots wait for the end of the drawing animation.
    instance.on('finished', () => element.setAttribute('data-rendered', 'true'));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    box.current?.setAttribute('data-rendered', 'false');
    instance.setOption(option, { notMerge: true, lazyUpdate: false });
    if (brushable) {
      instance.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'lineX', brushMode: 'single' } });
    }
  }, [option, brushable]);

  return (
    <div
      ref={box}
      className="ls-chart"
      style={{ width: '100%', height }}
      data-testid={testId}
      role="img"
      // Left to ECharts when it has a description, so one writer owns the attribute.
      aria-label={hasAriaDescription(option) ? undefined : ariaLabel}
      tabIndex={0}
      onKeyDown={(event) => {
        if (!onActivate || (event.key !== 'Enter' && event.key !== ' ')) return;
        event.preventDefault();
        onActivate();
      }}
    />
  );
}
