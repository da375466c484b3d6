import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The built renderer (issue 19): the dashboard's first paint loads the entry chunk and its
 * static imports only; every other screen is a chunk of its own, loaded on demand, and
 * CodeMirror and the ECharts parts nobody draws stay out of the first paint. A structural
 * check on `out/renderer/.vite/manifest.json`; `npm run bench -- bundle` measures bytes.
 */
const rendererDir = path.resolve(import.meta.dirname, '../../out/renderer');
const manifestFile = path.join(rendererDir, '.vite', 'manifest.json');

type Chunk = { file: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[] };

function readManifest(): Record<string, Chunk> {
  if (!fs.existsSync(manifestFile)) throw new Error('build the renderer first (npm test does): no out/renderer/.vite/manifest.json');
  return JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, Chunk>;
}

/** The chunk `key` and everything it imports statically: what loads when it loads. */
function closure(manifest: Record<string, Chunk>, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const next of manifest[key]?.imports ?? []) closure(manifest, next, seen);
  return seen;
}

const code = (manifest: Record<string, Chunk>, keys: Iterable<string>) => [...keys].map((k) => fs.readFileSync(path.join(rendererDir, manifest[k]!.file), 'utf8')).join('\n');

const lazyScreens = [
  'src/features/console/SqlConsole.tsx',
  'src/features/mail/MailScreen.tsx',
  'src/features/jobs/JobsScreen.tsx',
  'src/features/datasets/FilteredRows.tsx',
  'src/features/engines/EnginesScreen.tsx',
  'src/features/patterns/PatternsTab.tsx',
  'src/features/imports/SourcesPanel.tsx',
  'src/features/imports/ImportDialog.tsx',
  'src/features/dashboard/ChartBuilder.tsx',
  'src/features/dashboard/ArrangePanel.tsx',
  'src/features/report/ReportSettingsDialog.tsx',
  'src/features/report/ReportDialogs.tsx',
  'src/ui/DataGrid.tsx',
];

describe('the built renderer', () => {
  it('When the dashboard opens, Then the screens it does not show are chunks of their own, not loaded with it', () => {
    const manifest = readManifest();
    const firstPaint = closure(manifest, 'index.html');
    const entry = manifest['index.html']!;
    expect(entry.isEntry).toBe(true);
    for (const screen of lazyScreens) {
      expect(manifest[screen], `${screen} has no chunk of its own`).toBeDefined();
      expect(manifest[screen]!.isDynamicEntry, screen).toBe(true);
      expect(firstPaint.has(screen), `${screen} loads with the dashboard`).toBe(false);
      expect(entry.dynamicImports, screen).toContain(screen);
    }
  });

  it('When the dashboard opens, Then CodeMirror stays in the SQL console chunk', () => {
    const manifest = readManifest();
    const firstPaint = closure(manifest, 'index.html');
    const sqlConsole = [...closure(manifest, 'src/features/console/SqlConsole.tsx')].filter((k) => !firstPaint.has(k));
    // `cm-editor` is the class CodeMirror's view (@codemirror/view) gives its editor.
    expect(code(manifest, sqlConsole).includes('"cm-editor'), 'CodeMirror is not in the console chunk').toBe(true);
    expect(code(manifest, firstPaint).includes('"cm-editor'), 'CodeMirror loads with the dashboard').toBe(false);
  });

  it('When the dashboard opens, Then zod stays out of its first paint (screens that validate load it on demand)', () => {
    const manifest = readManifest();
    // zod 4 names its schema classes with strings (`$constructor("$ZodType", …)`), which minifying keeps.
    const marker = '"$ZodType"';
    expect(code(manifest, Object.keys(manifest)).includes(marker), 'no chunk has zod: the marker is stale').toBe(true);
    expect(code(manifest, closure(manifest, 'index.html')).includes(marker), 'zod loads with the dashboard').toBe(false);
  });

  it('When the dashboard opens, Then ECharts brings the charts Logscope draws and no others', () => {
    const manifest = readManifest();
    const all = code(manifest, Object.keys(manifest));
    const firstPaint = code(manifest, closure(manifest, 'index.html'));
    // Component and series models are registered under these type names.
    for (const drawn of ['series.line', 'series.scatter', 'series.heatmap', 'visualMap.continuous']) expect(firstPaint.includes(`"${drawn}"`), drawn).toBe(true);
    for (const unused of ['series.sankey', 'series.treemap', 'series.graph', 'series.gauge', 'series.candlestick', 'visualMap.piecewise']) {
      expect(all.includes(`"${unused}"`), unused).toBe(false);
    }
  });
});
