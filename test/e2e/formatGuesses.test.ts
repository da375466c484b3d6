import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

const dataDir = tempDataDir('logscope-e2e-guesses-');
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

async function dropFile(page: Page, name: string, content: string) {
  await page.evaluate(
    ({ name, content }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], name, { type: 'text/plain' }));
      for (const type of ['dragenter', 'dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { name, content },
  );
}

// 60 JSON objects and 40 syslog lines, interleaved: neither reading fits every line.
const mixed = Array.from({ length: 100 }, (_, i) =>
  i % 5 < 3 ? `{"time":"2024-03-04T09:15:${String(i % 60).padStart(2, '0')}Z","n":${i}}` : `Mar  4 09:15:${String(i % 60).padStart(2, '0')} web1 sshd[${i}]: accepted key ${i}`,
).join('\n');

describe('a file that fits its format only in part', () => {
  it.each([
    ['en', 'en-US', '60 % of the sample lines fit JSONL.', '40 % of the sample lines fit SYSLOG.'],
    ['ko', 'ko-KR', '표본 줄의 60 %가 JSONL 형식에 맞습니다.', '표본 줄의 40 %가 SYSLOG 형식에 맞습니다.'],
  ])('says how much fits and reads it as the next guess on a click (%s)', async (lang, locale, fitsFirst, fitsNext) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale, colorScheme: lang === 'ko' ? 'dark' : 'light' });
    await page.getByTestId('dataset-demo_service').waitFor();
    await dropFile(page, 'mixed.log', mixed);
    const card = page.getByTestId('import-file-mixed.log');
    const guesses = card.getByTestId('format-alternatives');
    await guesses.getByText(fitsFirst).waitFor();
    await screenshot(page, `format-alternatives-${lang}${lang === 'ko' ? '-dark' : ''}`);
    await guesses.getByRole('button', { name: 'SYSLOG (40 %)' }).click();
    await guesses.getByText(fitsNext).waitFor();
    await card.getByText('SYSLOG', { exact: true }).waitFor();
    await guesses.getByRole('button', { name: 'JSONL (60 %)' }).waitFor();
    await screenshot(page, `format-alternatives-next-${lang}${lang === 'ko' ? '-dark' : ''}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('an access log line cut off in its user agent', () => {
  const cut = [
    '192.0.2.1 - - [10/Oct/2023:13:55:36 -0700] "GET /a HTTP/1.1" 200 2326 "-" "curl/8.4.0"',
    '192.0.2.2 - - [10/Oct/2023:13:55:37 -0700] "GET /b HTTP/1.1" 503 0 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWe',
    '192.0.2.3 - - [10/Oct/2023:13:55:38 -0700] "GET /c HTTP/1.1" 404 12 "-" "curl/8.4.0"',
  ].join('\n');

  it.each([
    ['en', 'en-US', 'Import 1 file', 'Rows'],
    ['ko', 'ko-KR', '파일 1개 가져오기', '행'],
  ])('is a row marked partial in the grid (%s)', async (lang, locale, importButton, rowsTab) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale, colorScheme: lang === 'ko' ? 'dark' : 'light' });
    await page.getByTestId('dataset-demo_service').waitFor();
    // A different first path per language: the same content would be a duplicate.
    await dropFile(page, `cut-${lang}.log`, cut.replace('/a ', `/a-${lang} `));
    await page.getByTestId(`import-file-cut-${lang}.log`).getByRole('columnheader', { name: /_partial/ }).waitFor();
    await page.getByRole('button', { name: importButton }).click();
    // The dialog hands the import over to the jobs panel and closes.
    await page.getByTestId('import-job').filter({ hasText: `cut_${lang}` }).and(page.locator('[data-phase="done"]')).waitFor();
    await page.getByTestId(`dataset-cut_${lang}`).click();
    await page.getByRole('tab', { name: rowsTab, exact: true }).click();
    await page.getByRole('gridcell', { name: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWe' }).waitFor();
    // The mark is the last column: scroll it into view, beside the cut user agent.
    await page.getByRole('columnheader', { name: '_partial' }).scrollIntoViewIfNeeded();
    await page.getByRole('gridcell', { name: 'true', exact: true }).waitFor();
    await screenshot(page, `partial-row-${lang}${lang === 'ko' ? '-dark' : ''}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
