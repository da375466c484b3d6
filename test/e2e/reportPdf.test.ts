import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { chromiumPdfPrinter, inspectPdf } from './support/pdf';
import { tempDataDir } from '../integration/support/dataDir';

/** "Save as PDF" when the owner has a printer (the app's Chromium; here, headless Chromium): no mail account. */
const dataDir = tempDataDir('logscope-e2e-report-pdf-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startBrowserMode(dataDir, { printPdf: chromiumPdfPrinter(browser) });
});
afterAll(async () => {
  await app?.close();
  await browser?.close();
});

async function savePdf(locale: 'en-US' | 'ko-KR', item: string, shot: string) {
  const { page, errors } = await openApp(browser, app.server.url, { locale, colorScheme: locale === 'ko-KR' ? 'dark' : 'light' });
  await page.getByTestId('dashboard').waitFor();
  await page.getByTestId('report-menu').click();
  await page.getByRole('menuitem', { name: item }).waitFor();
  await screenshot(page, shot);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.getByRole('menuitem', { name: item }).click()]);
  expect(download.suggestedFilename()).toMatch(/^demo_service-report-.*\.pdf$/);
  const pdf = fs.readFileSync(await download.path());
  expect(errors).toEqual([]);
  return { pdf, facts: inspectPdf(pdf) };
}

describe('the report saved as PDF with no mail account', () => {
  it('When the owner can print, Then "Save as PDF" saves an A4 PDF of the report with its charts and text', async () => {
    const { pdf, facts } = await savePdf('en-US', 'Save as PDF', 'report-pdf-menu-en');
    expect(facts.header).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect(facts.title).toBe('Log report: demo_service');
    expect(facts.pages).toBeGreaterThanOrEqual(1);
    // Charts are inline PNGs; text was drawn (fonts embedded, text operators in the pages).
    expect(facts.images).toBeGreaterThanOrEqual(1);
    expect(facts.fonts.length).toBeGreaterThanOrEqual(1);
    expect(facts.textOperators).toBeGreaterThan(20);
  });

  it('When the report is in Korean, Then the PDF draws Hangul in the shipped font', async () => {
    const { facts } = await savePdf('ko-KR', 'PDF로 저장', 'report-pdf-menu-ko-dark');
    expect(facts.header).toBe('%PDF-');
    expect(facts.title).toContain('demo_service');
    expect(facts.fonts.some((f) => f.includes('LogscopeHangul'))).toBe(true);
    expect(facts.textOperators).toBeGreaterThan(20);
  });
});
