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

describe('a logfmt file, and a text log whose entries span lines', () => {
  const logfmt = [
    'time=2024-03-04T09:15:02Z level=info msg="server started" port=8080 took=1.5',
    'time=2024-03-04T09:15:03Z level=warn msg="slow \\"orders\\" query" port=8080 took=250.25',
    'time=2024-03-04T09:15:04Z level=error msg=failed port=8081 took=3 user=alice',
    'panic: runtime error: index out of range',
    'time=2024-03-04T09:15:05Z level=debug msg="<b>not markup</b>" port=8082 took=0.5',
  ].join('\n');
  // Every entry is followed by a line its grammar does not read: it joins the entry, but does not fit.
  const wrapped = Array.from({ length: 5 }, (_, i) => `2024-03-04 09:15:0${i} INFO job ${i} wrote\npayload of job ${i}`).join('\n');

  it.each([
    ['en', 'en-US', 'light', '4 of 5 sample lines fit LOGFMT (80 %)', '80 % of the sample lines fit LOGFMT.', '5 of 10 sample lines fit LOG (50 %)', '50 % of the sample lines fit LOG.'],
    ['ko', 'ko-KR', 'dark', '표본 5줄 중 4줄이 LOGFMT 형식에 맞습니다(80 %)', '표본 줄의 80 %가 LOGFMT 형식에 맞습니다.', '표본 10줄 중 5줄이 LOG 형식에 맞습니다(50 %)', '표본 줄의 50 %가 LOG 형식에 맞습니다.'],
    ['en', 'en-US', 'dark', '4 of 5 sample lines fit LOGFMT (80 %)', '80 % of the sample lines fit LOGFMT.', '5 of 10 sample lines fit LOG (50 %)', '50 % of the sample lines fit LOG.'],
    ['ko', 'ko-KR', 'light', '표본 5줄 중 4줄이 LOGFMT 형식에 맞습니다(80 %)', '표본 줄의 80 %가 LOGFMT 형식에 맞습니다.', '표본 10줄 중 5줄이 LOG 형식에 맞습니다(50 %)', '표본 줄의 50 %가 LOG 형식에 맞습니다.'],
  ] as const)('the preview shows the keys as columns, and counts what fits in lines twice alike (%s, %s, %s)', async (lang, locale, scheme, logfmtNote, logfmtFits, wrappedNote, wrappedFits) => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale, colorScheme: scheme });
    await page.getByTestId('dataset-demo_service').waitFor();
    await dropFile(page, 'service.logfmt', logfmt);
    const card = page.getByTestId('import-file-service.logfmt');
    for (const column of ['time', 'level', 'message', 'port', 'took', 'other_pairs']) await card.getByRole('columnheader', { name: new RegExp(`^${column}\\b`) }).waitFor();
    await card.getByText(logfmtNote).waitFor();
    await card.getByTestId('format-alternatives').getByText(logfmtFits).waitFor();
    // A value from the log is shown as text, never as markup.
    await card.getByText('<b>not markup</b>').waitFor();
    await screenshot(page, `logfmt-preview-${lang}-${scheme}`);
    await dropFile(page, 'wrapped.log', wrapped);
    const wrappedCard = page.getByTestId('import-file-wrapped.log');
    await wrappedCard.getByText(wrappedNote).waitFor();
    await wrappedCard.getByTestId('format-alternatives').getByText(wrappedFits).waitFor();
    await wrappedCard.scrollIntoViewIfNeeded();
    await screenshot(page, `fit-in-lines-${lang}-${scheme}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
