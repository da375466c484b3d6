import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

/** A report is something to look at before it is something to mail: no SMTP account here. */
const dataDir = tempDataDir('logscope-e2e-report-nomail-');
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

describe('the report with no mail account', () => {
  it('previews, copies and saves the dashboard’s view as a report, and offers the mail set-up', async () => {
    const { page, errors, context } = await openApp(browser, app.server.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('report-menu').click();
    await page.getByRole('menuitem', { name: 'Preview…' }).click();
    await page.getByTestId('report-not-set-up').waitFor();
    await expect(page.getByTestId('report-preview-subject').textContent({ timeout: 60_000 })).resolves.toMatch(/^demo_service · /);
    await page.frameLocator('[data-testid="report-preview-frame"]').locator('body').getByText('demo_service').first().waitFor();
    await screenshot(page, 'report-nomail-preview-en');

    await page.getByTestId('report-copy').click();
    await page.getByText('The report’s text is on the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('demo_service');
    expect(copied.length).toBeGreaterThan(200);

    // The set-up is one click away from the preview.
    await page.getByRole('button', { name: 'Set up sending…' }).click();
    await page.getByTestId('report-preview').waitFor({ state: 'detached' });
    await page.getByRole('dialog').waitFor();
    await screenshot(page, 'report-nomail-setup-en');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // Save as HTML: the whole report as one file.
    await page.getByTestId('report-menu').click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('menuitem', { name: 'Save as HTML file' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    const html = fs.readFileSync(await download.path(), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('demo_service');
    expect(errors).toEqual([]);
  });

  it('says the same in Korean', async () => {
    const { page, errors } = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('report-menu').click();
    await page.getByRole('menuitem', { name: '미리 보기…' }).click();
    await page.getByTestId('report-not-set-up').getByText('아직 메일 보내기가 설정되지 않았습니다', { exact: false }).waitFor();
    await page.getByTestId('report-preview-subject').waitFor({ timeout: 60_000 });
    await page.frameLocator('[data-testid="report-preview-frame"]').locator('body').getByText('demo_service').first().waitFor();
    await screenshot(page, 'report-nomail-preview-ko-dark');
    expect(errors).toEqual([]);
  });

  it('When the owner has no printer, Then "Save as PDF" opens the browser’s print dialog on the report and says how to save it', async () => {
    for (const { locale, item, said, shot } of [
      { locale: 'en-US', item: 'Save as PDF', said: 'choose “Save as PDF” as the destination', shot: 'report-print-fallback-en' },
      { locale: 'ko-KR', item: 'PDF로 저장', said: '“PDF로 저장”을 고르세요', shot: 'report-print-fallback-ko-dark' },
    ]) {
      const { page, errors } = await openApp(browser, app.server.url, { locale, colorScheme: locale === 'ko-KR' ? 'dark' : 'light' });
      // The print dialog itself cannot open headless: the report frame's print() is replaced by a recorder.
      await page.addInitScript(() => {
        const calls: { title: string; textLength: number; pageRule: boolean }[] = [];
        (window as unknown as { printed: typeof calls }).printed = calls;
        const native = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow')!.get!;
        Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
          get(this: HTMLIFrameElement) {
            const framed = native.call(this) as Window | null;
            if (framed && this.dataset.testid === 'report-print-frame') {
              framed.print = () => {
                calls.push({ title: framed.document.title, textLength: framed.document.body.innerText.length, pageRule: framed.document.head.innerHTML.includes('@page{size:A4') });
              };
            }
            return framed;
          },
        });
      });
      await page.reload();
      await page.getByTestId('dashboard').waitFor();
      await page.getByTestId('report-menu').click();
      await page.getByRole('menuitem', { name: item }).click();
      await page.getByTestId('report-print-opened').getByText(said).waitFor({ timeout: 60_000 });
      const printed = await page.evaluate(() => (window as unknown as { printed: { title: string; textLength: number; pageRule: boolean }[] }).printed);
      expect(printed).toHaveLength(1);
      expect(printed[0]!.title).toContain('demo_service');
      expect(printed[0]!.textLength).toBeGreaterThan(200);
      expect(printed[0]!.pageRule).toBe(true);
      await screenshot(page, shot);
      expect(errors).toEqual([]);
    }
  });
});
