import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { minerWorkerFromSource } from '../../integration/support/minerWorker';
import { openAppCore, type AppCore, type AppCoreOptions } from '../../../src/main/app';
import { startLoopbackServer, type LoopbackServer } from '../../../src/main/transport/loopback';
import { silentLogger } from '../../../src/main/services/logger';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');
const rendererDir = path.join(repoRoot, 'out', 'renderer');

/** Debian's Chromium, headless; as root it needs --no-sandbox. No network beyond loopback. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** The browser mode in this process: the same services and transport `logscope serve` starts. */
export async function startBrowserMode(
  dataDir: string,
  extra: Pick<AppCoreOptions, 'printPdf'> = {},
): Promise<{ core: AppCore; server: LoopbackServer; close(): Promise<void> }> {
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('build the renderer first (npm test does)');
  const core = await openAppCore({ dataDir, ownerKind: 'serve', seedDemo: true, memoryLimit: '2GB', minerWorker: minerWorkerFromSource, ...extra });
  if ('served' in core) throw new Error('data folder is served elsewhere');
  const server = await startLoopbackServer({ rpc: core.rpc, events: core.events, log: silentLogger, rendererDir, uploadsDir: core.layout.uploadsDir });
  await core.publish({ port: server.port, token: server.token });
  return {
    core,
    server,
    async close() {
      await server.close();
      await core.dispose();
    },
  };
}

/** Opens the tokened URL like a user pasting it, with page errors collected. */
export async function openApp(browser: Browser, url: string, options: { locale?: string; colorScheme?: 'light' | 'dark' } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'Asia/Seoul',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  return { page, errors, context };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
