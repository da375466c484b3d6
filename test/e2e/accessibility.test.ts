import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { seriousViolations, type AxeFinding } from './support/axe';
import { tempDataDir } from '../integration/support/dataDir';

/** Every screen and dialog, checked by axe-core in both languages: 0 serious or critical findings. */
const dataDir = tempDataDir('logscope-e2e-axe-');
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

const settled = (page: Page) => page.evaluate(() => Promise.allSettled(document.getAnimations().map((a) => a.finished)));

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

/** Visits each screen; returns what axe found on each, keyed by screen. */
async function auditEveryScreen(page: Page, names: Record<'rows' | 'patterns' | 'preview' | 'reportSettings', string>, shot: string, found: Record<string, AxeFinding[]>) {
  // A dialog is checked alone: what it covers is dimmed by its overlay and out of reach until it closes.
  const check = async (screen: string, within?: 'dialog') => {
    await settled(page);
    found[screen] = await seriousViolations(page, within === 'dialog' ? '[role="dialog"]' : undefined);
  };
  await page.getByTestId('dataset-demo_service').waitFor();
  await page.getByTestId('dashboard').locator('svg').first().waitFor({ timeout: 60_000 });
  await check('dashboard');

  await page.getByRole('tab', { name: names.rows, exact: true }).click();
  await page.getByRole('gridcell').first().waitFor();
  await check('rows');

  await page.getByRole('tab', { name: names.patterns, exact: true }).click();
  await page.getByTestId('patterns-tab').waitFor();
  await check('patterns');

  await page.getByRole('tab').first().click();
  await page.getByTestId('add-chart').click();
  await page.getByTestId('builder-type').waitFor();
  await check('builder', 'dialog');
  await page.keyboard.press('Escape');
  await page.getByTestId('builder-type').waitFor({ state: 'detached' });

  await page.getByTestId('report-menu').click();
  await page.getByRole('menuitem', { name: names.preview }).click();
  await page.getByTestId('report-preview-subject').waitFor({ timeout: 60_000 });
  await check('report dialog', 'dialog');
  await screenshot(page, `axe-report-${shot}`);
  await page.keyboard.press('Escape');
  await page.getByTestId('report-preview').waitFor({ state: 'detached' });

  await page.getByTestId('report-menu').click();
  await page.getByRole('menuitem', { name: names.reportSettings }).click();
  await page.getByRole('dialog').waitFor();
  await check('report settings', 'dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  await page.getByRole('button', { name: /Time zone|시간대/ }).click();
  await page.getByRole('combobox').waitFor();
  await check('settings');
  await page.keyboard.press('Escape');

  await dropFile(page, 'events.jsonl', '{"ts":"2024-03-01T00:00:00Z","level":"INFO","message":"started"}\n{"ts":"2024-03-01T00:00:05Z","level":"ERROR","message":"disk full"}\n');
  await page.getByTestId('import-file-events.jsonl').waitFor();
  await page.getByTestId('import-file-events.jsonl').getByRole('columnheader').first().waitFor();
  await check('import dialog', 'dialog');
  await page.keyboard.press('Escape');
  await page.getByTestId('import-file-events.jsonl').waitFor({ state: 'detached' });

  await page.getByTestId('nav-console').click();
  await page.getByTestId('sql-editor').waitFor();
  await check('console');

  await page.getByTestId('nav-mailboxes').click();
  await page.getByTestId('mail-title').waitFor();
  await check('mail');

  await page.getByTestId('nav-jobs').click();
  await page.getByTestId('jobs-table').waitFor();
  await check('jobs');

  await page.getByTestId('nav-engines').click();
  await page.getByTestId('engine-add').waitFor();
  await check('engines');
}

function summary(found: Record<string, AxeFinding[]>) {
  return Object.fromEntries(Object.entries(found).map(([screen, list]) => [screen, list.map((f) => `${f.impact} ${f.rule}: ${f.help} — ${f.targets.slice(0, 3).join(' | ')}`)]));
}

const languages = {
  en: { locale: 'en-US', names: { rows: 'Rows', patterns: 'Patterns', preview: 'Preview…', reportSettings: 'Report settings…' } },
  ko: { locale: 'ko-KR', names: { rows: '행', patterns: '패턴', preview: '미리 보기…', reportSettings: '보고서 설정…' } },
} as const;

describe('axe-core on every screen', () => {
  // The dark theme has its own colours, so its contrast is checked on its own.
  for (const scheme of ['light', 'dark'] as const) {
    for (const language of ['en', 'ko'] as const) {
      it(`finds no serious or critical violation in ${language === 'en' ? 'English' : 'Korean'}, ${scheme} theme`, async () => {
        const { page, errors } = await openApp(browser, app.server.url, { locale: languages[language].locale, colorScheme: scheme });
        const found: Record<string, AxeFinding[]> = {};
        const shot = scheme === 'light' ? language : `${language}-dark`;
        try {
          await auditEveryScreen(page, languages[language].names, shot, found);
        } finally {
          // What axe found, screen by screen, to read when the test fails.
          fs.writeFileSync(path.join(path.dirname(await screenshot(page, `axe-last-${shot}`)), `axe-${shot}.json`), JSON.stringify(summary(found), null, 2));
        }
        expect(Object.keys(found)).toHaveLength(12);
        expect(summary(found)).toEqual(Object.fromEntries(Object.keys(found).map((screen) => [screen, []])));
        expect(errors).toEqual([]);
      });
    }
  }
});
