import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

/** Every time shown says its zone: the dashboard's time axes, the header, the import preview. */
const dataDir = tempDataDir('logscope-e2e-zones-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;

beforeAll(async () => {
  app = await startBrowserMode(dataDir);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The text ECharts drew in a chart's SVG. */
const drawnText = (page: Page, chart: string) => page.getByTestId(`echart-${chart}`).evaluate((box) => [...box.querySelectorAll('text')].map((t) => t.textContent ?? ''));

async function dropFile(page: Page, name: string, content: string) {
  await page.evaluate(
    (file) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([file.content], file.name, { type: 'text/plain' }));
      for (const type of ['dragenter', 'dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { name, content },
  );
}

describe('zone labels', () => {
  for (const [language, locale, scheme] of [
    ['en', 'en-US', 'light'],
    ['ko', 'ko-KR', 'dark'],
  ] as const) {
    it(`When the browser is in Asia/Seoul (${language}, ${scheme}), Then the time axes, the header and the import preview say so`, async () => {
      const { page, errors } = await openApp(browser, app.server.url, { locale, colorScheme: scheme });
      await page.getByTestId('dataset-demo_service').waitFor();
      for (const chart of ['events', 'latency', 'errors']) {
        await page.getByTestId(`echart-${chart}`).locator('svg').waitFor({ timeout: 60_000 });
        await page.waitForFunction((id) => document.querySelector(`[data-testid="echart-${id}"]`)?.getAttribute('data-rendered') === 'true', chart);
        await expect(drawnText(page, chart), chart).resolves.toContain('Asia/Seoul (UTC+09:00)');
      }
      await expect(page.getByRole('button', { name: /Asia\/Seoul \(UTC\+09:00\)/ }).count()).resolves.toBe(1);
      await screenshot(page, `zones-dashboard-${language}-${scheme}`);

      await dropFile(page, 'events.jsonl', '{"ts":"2024-03-01T00:00:00Z","level":"INFO","message":"started"}\n{"ts":"2024-03-01T00:00:05Z","level":"ERROR","message":"disk full"}\n');
      const preview = page.getByTestId('import-file-events.jsonl');
      await preview.getByTestId('import-zone-ts').waitFor();
      await expect(preview.getByTestId('import-zone-ts').textContent()).resolves.toBe(language === 'en' ? 'in Asia/Seoul (UTC+09:00)' : 'Asia/Seoul (UTC+09:00) 기준');
      // The sample's 00:00 UTC, shown at 09:00 in the zone the header names.
      await expect(preview.getByRole('cell', { name: '2024-03-01 09:00:00.000' }).count()).resolves.toBe(1);
      await screenshot(page, `zones-import-${language}-${scheme}`);
      expect(errors).toEqual([]);
    });
  }
});
