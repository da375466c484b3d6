import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { printTable, repoRoot, saveResults } from './lib';
import { openAppCore } from '../../src/main/app';
import { startLoopbackServer } from '../../src/main/transport/loopback';
import { silentLogger } from '../../src/main/services/logger';

/**
 * The renderer's weight (issue 19, item 4): in Debian's Chromium, the JavaScript the
 * browser mode sends until every chart of the demo dataset's dashboard is drawn (the
 * goal is 1.5 MB at most), then what each screen loaded on demand adds. Bytes are the
 * bodies as the page receives them: the loopback server sends files uncompressed, as
 * Electron reads them from disk. The renderer is built first (`LOGSCOPE_BENCH_SKIP_BUILD=1`
 * measures the build already in out/renderer). With `LOGSCOPE_BENCH_SHOTS=DIR` it saves a
 * screenshot of the dashboard and of each screen to DIR, in `LOGSCOPE_BENCH_LOCALE` (en-US;
 * ko-KR shows the Korean UI), to look at what the lazy screens draw.
 */
const shots = process.env.LOGSCOPE_BENCH_SHOTS;
const locale = process.env.LOGSCOPE_BENCH_LOCALE ?? 'en-US';
const rendererDir = path.join(repoRoot, 'out', 'renderer');
if (!process.env.LOGSCOPE_BENCH_SKIP_BUILD) {
  const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('electron-vite build failed');
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-bundle-'));
const core = await openAppCore({ dataDir, ownerKind: 'serve', seedDemo: true, memoryLimit: '1GB' });
if ('served' in core) throw new Error('data folder is served elsewhere');
const server = await startLoopbackServer({ rpc: core.rpc, events: core.events, log: silentLogger, rendererDir, uploadsDir: core.layout.uploadsDir });
await core.publish({ port: server.port, token: server.token });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Every script the page received so far, by file name, with its body's size. */
const scripts = new Map<string, number>();
const pending: Promise<void>[] = [];
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'Asia/Seoul' });
const page = await context.newPage();
page.on('response', (response) => {
  if (response.request().resourceType() !== 'script') return;
  const name = path.basename(new URL(response.url()).pathname);
  pending.push(response.body().then((body) => void scripts.set(name, body.length)));
});
const received = async () => {
  await Promise.all(pending);
  return new Map(scripts);
};
const total = (of: Map<string, number>) => [...of.values()].reduce((a, b) => a + b, 0);

/** The few DOM calls the check below makes: this file is compiled without the DOM's types. */
type Page = { document: { querySelectorAll(selector: string): { length: number } } };

/**
 * The dashboard's cards all have their data and a drawn SVG (or say they are empty). A
 * function, not a string: the renderer's CSP allows no eval.
 */
const chartsDrawn = () => {
  const { document } = globalThis as unknown as Page;
  const cards = document.querySelectorAll('[data-testid^="chart-"][data-loading]').length;
  return (
    cards >= 8 &&
    document.querySelectorAll('[data-loading="true"]').length === 0 &&
    document.querySelectorAll('[data-testid^="echart-"][data-rendered="true"] svg').length +
      document.querySelectorAll('[data-testid^="chart-empty-"], [data-testid^="chart-error-"]').length ===
      cards
  );
};

const started = performance.now();
await page.goto(server.url);
await page.waitForFunction(chartsDrawn);
const firstPaintMs = performance.now() - started;
const firstPaint = await received();
const shot = async (name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}-${locale}.png`) });
};
await shot('dashboard');

/** Opens a screen, waits for `shown` and returns the scripts it loaded beyond those already there. */
async function opened(name: string, open: () => Promise<unknown>, shown: string): Promise<{ files: string[]; bytes: number }> {
  const before = await received();
  await open();
  await page.locator(shown).first().waitFor();
  await shot(name);
  const after = await received();
  const files = [...after.keys()].filter((f) => !before.has(f));
  return { files, bytes: files.reduce((sum, f) => sum + after.get(f)!, 0) };
}
/** A dataset's tabs by place (dashboard, rows, columns, patterns, files…): names depend on the locale. */
const tab = (n: number) => page.getByRole('tab').nth(n).click();
const go = (hash: string) => () => page.evaluate((to) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = to), hash);

const screens: Record<string, { files: string[]; bytes: number }> = {
  rows: await opened('rows', () => tab(1), '[role="grid"]'),
  patterns: await opened('patterns', () => tab(3), '[data-testid="patterns-tab"]'),
  sources: await opened('sources', () => tab(4), '[data-testid="sources-table"]'),
  console: await opened('console', go('#/sql'), '.cm-editor'),
  mail: await opened('mail', go('#/mail'), '[data-testid="mail-title"]'),
  jobs: await opened('jobs', go('#/jobs'), '[data-testid="jobs-table"]'),
};

await browser.close();
await server.close();
await core.dispose();
fs.rmSync(dataDir, { recursive: true, force: true });

const kb = (bytes: number) => Math.round(bytes / 1000);
printTable('JavaScript until the dashboard is drawn (demo dataset, browser mode)', [
  { measure: 'scripts', value: firstPaint.size },
  { measure: 'kB (goal ≤ 1,500)', value: kb(total(firstPaint)) },
  { measure: 'largest script kB', value: kb(Math.max(...firstPaint.values())) },
  { measure: 'ms to the last chart (indicative)', value: Math.round(firstPaintMs) },
]);
printTable(
  'Loaded on demand, beyond the first paint',
  Object.entries(screens).map(([screen, { files, bytes }]) => ({ screen, scripts: files.length, kB: kb(bytes) })),
);
saveResults('bundle', {
  firstPaint: { scripts: Object.fromEntries(firstPaint), bytes: total(firstPaint), ms: Math.round(firstPaintMs) },
  screens,
});
