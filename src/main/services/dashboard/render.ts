import fs from 'node:fs';
import path from 'node:path';
import type { EChartsOption } from 'echarts';
import { AppError } from '../../../shared/api/errors';
import { createTextMeasurer } from './fontMetrics';

/**
 * Chart files from the same ECharts options the renderer shows: ECharts' server-side SVG
 * renderer (no DOM, no canvas), then `@resvg/resvg-js` for PNG with the fonts shipped in
 * `resources/fonts` (resvg ignores fontconfig; system fonts are not loaded, so a PNG looks
 * the same on every computer). Both libraries load on first use: commands that draw no
 * chart do not pay for them.
 */

/** Latin first; resvg takes each character the first font lacks (Hangul) from the next. */
export const chartFontFamily = "'DejaVu Sans', 'Logscope Hangul', 'Noto Sans KR', 'Malgun Gothic', sans-serif";
const defaultFamily = 'DejaVu Sans';
export const chartFontFiles = ['DejaVuSans.ttf', 'LogscopeHangul-Regular.ttf'];

/**
 * `resources/fonts`, found by walking up from this module: the bundle in `out/main` and the
 * sources under `src/main/services/dashboard` (tests, benchmarks) sit at different depths.
 */
export function findFontDir(start = import.meta.dirname): string {
  const override = process.env.LOGSCOPE_FONT_DIR;
  if (override) return override;
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'resources', 'fonts');
    if (fs.existsSync(path.join(candidate, chartFontFiles[0]!))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(start, 'resources', 'fonts');
}

export interface ChartRenderer {
  svg(option: EChartsOption, size: { width: number; height: number }): Promise<string>;
  png(svg: string, options: { scale: number; background: string }): Promise<{ png: Buffer; width: number; height: number }>;
}

export function createChartRenderer({ fontDir = findFontDir() }: { fontDir?: string } = {}): ChartRenderer {
  const fontFiles = chartFontFiles.map((file) => path.join(fontDir, file));
  let measured = false;

  return {
    async svg(option, { width, height }) {
      const echarts = await import('echarts');
      if (!measured) {
        // Process-wide, and this process draws charts only for files: widths from our fonts.
        echarts.setPlatformAPI({ measureText: createTextMeasurer(fontFiles) });
        measured = true;
      }
      const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
      try {
        chart.setOption({ ...option, animation: false });
        return chart.renderToSVGString();
      } finally {
        chart.dispose();
      }
    },
    async png(svg, { scale, background }) {
      const missing = fontFiles.find((file) => !fs.existsSync(file));
      if (missing) throw new AppError('chart_font_missing', { path: missing });
      const { Resvg } = await import('@resvg/resvg-js');
      const resvg = new Resvg(svg, {
        fitTo: { mode: 'zoom', value: scale },
        background,
        font: { fontFiles, loadSystemFonts: false, defaultFontFamily: defaultFamily },
      });
      const image = resvg.render();
      return { png: image.asPng(), width: image.width, height: image.height };
    },
  };
}
