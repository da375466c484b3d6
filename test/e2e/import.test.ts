import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';

const dataDir = tempDataDir('logscope-e2e-import-');
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

/** Drops files on the window the way a browser does: dragenter, dragover, drop with a DataTransfer. */
async function dropFiles(page: Page, files: { name: string; content: string }[]) {
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([f.content], f.name, { type: 'text/plain' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, files);
}

describe('dropping files on the window', () => {
  it('previews what was recognised, takes a correction, imports with progress and shows the rows', async () => {
    const { page, errors, context } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();
    const orders = ['주문시각;상태;금액', '2024-03-01 09:00:00;완료;1200', '2024-03-01 09:05:00;취소;800', '2024-03-01 10:00:00;완료;15000'].join('\n');
    const events = [
      '{"ts":"2024-03-01T00:00:00Z","level":"INFO","message":"started <script>alert(1)</script>"}',
      '{"ts":"2024-03-01T00:00:05Z","level":"ERROR","message":"disk full"}',
      '{oops',
    ].join('\n');
    await dropFiles(page, [
      { name: 'orders-2024-03-01.csv', content: orders },
      { name: 'events.jsonl', content: events },
    ]);
    const ordersCard = page.getByTestId('import-file-orders-2024-03-01.csv');
    await ordersCard.getByText('CSV', { exact: true }).waitFor();
    await page.getByTestId('import-file-events.jsonl').getByText('JSONL', { exact: true }).waitFor();
    await page.getByText('1 line of the first part could not be read').waitFor();
    await page.getByTestId('import-file-events.jsonl').getByText('2 of 3 sample lines fit JSONL (66 %)').waitFor();
    // The Korean header was kept and its time read in the browser's zone; correct the zone.
    await ordersCard.getByRole('columnheader', { name: /주문시각/ }).waitFor();
    await ordersCard.getByLabel('Time zone for times without an offset').fill('America/New_York');
    await page.getByRole('option', { name: 'America/New_York', exact: true }).click();
    await ordersCard.getByText('2024-03-01 23:00:00.000').first().waitFor();
    await screenshot(page, 'import-preview-en');

    await page.getByRole('button', { name: 'Import 2 files' }).click();
    await page.getByTestId('import-jobs').getByText('orders-2024-03-01.csv → orders: 3 rows').waitFor();
    await page.getByText('events.jsonl → events: 2 rows · 1 rejected').waitFor();
    await screenshot(page, 'import-done-en');

    await page.getByTestId('dataset-orders').click();
    await page.getByRole('tab', { name: 'Rows' }).click();
    await page.getByText('Rows 1–3 of 3').waitFor();
    await page.getByTestId('dataset-events').click();
    await page.getByRole('tab', { name: 'Rows' }).click();
    await page.getByRole('gridcell', { name: 'started <script>alert(1)</script>' }).waitFor();
    await page.getByRole('tab', { name: 'Rejects' }).click();
    await page.getByTestId('rejects-table').getByText('{oops').waitFor();
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByTestId('sources-table').getByText('upload').waitFor();
    await screenshot(page, 'import-sources-en');
    expect(errors).toEqual([]);

    const listed = await app.core.rpc.call('datasets.list', {}, new AbortController().signal);
    const orders_ = (listed.ok ? (listed.output as { name: string; timeMin: string }[]) : []).find((d) => d.name === 'orders');
    expect(orders_?.timeMin).toBe('2024-03-01T14:00:00.000Z');
    await context.close();
  });
});

describe('a log file opened from the operating system', () => {
  it('opens in the import preview (the desktop hands over its path) and imports from there', async () => {
    const { page, errors, context } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();
    const file = path.join(dataDir, 'opened-from-finder.csv');
    fs.writeFileSync(file, ['time,level,message', '2024-03-01T00:00:00Z,INFO,started', '2024-03-01T00:00:05Z,ERROR,disk full'].join('\n'));
    // What the shell does on a double-click, "Open with" or a second launch with files.
    app.core.openedFiles.push([{ path: file, name: 'opened-from-finder.csv', size: fs.statSync(file).size }]);
    const card = page.getByTestId('import-file-opened-from-finder.csv');
    await card.getByText('CSV', { exact: true }).waitFor();
    await screenshot(page, 'import-opened-file-en');
    await page.getByRole('button', { name: 'Import 1 file' }).click();
    await page.getByTestId('import-jobs').getByText('opened-from-finder.csv → opened_from_finder: 2 rows').waitFor();
    // Taken once: a reload does not bring the dialog back.
    await expect(app.core.rpc.call('app.openedFiles.take', {}, new AbortController().signal)).resolves.toEqual({ ok: true, output: [] });
    expect(errors).toEqual([]);
    // Closed, so files opened later go to the next test's window.
    await context.close();
  });
});

/** A CSV of some megabytes, so its import is still running while the test goes on. */
function largeCsv(name: string, rows: number): string {
  const file = path.join(dataDir, name);
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'time,level,status,path,message\n');
  const chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(`2024-03-01T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,INFO,${200 + (i % 5)},/api/v1/items/${i % 997},served item ${i} from cache node ${i % 17} in ${i % 300} ms`);
    if (chunk.length === 10_000) fs.writeSync(out, chunk.splice(0).join('\n') + '\n');
  }
  fs.writeSync(out, chunk.join('\n') + '\n');
  fs.closeSync(out);
  return file;
}

async function openFromDesktop(file: string) {
  app.core.openedFiles.push([{ path: file, name: path.basename(file), size: fs.statSync(file).size }]);
}

describe('an import in the background', () => {
  it('closes the dialog, keeps the app usable while it runs, then opens the new dataset from the panel', async () => {
    const { page, errors, context } = await openApp(browser, app.server.url);
    await page.getByTestId('dataset-demo_service').waitFor();
    const file = largeCsv('background_big.csv', 600_000);
    await openFromDesktop(file);
    await page.getByTestId('import-file-background_big.csv').getByText('CSV', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Import 1 file' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const job = page.getByTestId('import-job').filter({ hasText: 'background_big.csv' });
    await job.and(page.locator('[data-phase="running"]')).waitFor();
    await job.getByText(/ of \d+(\.\d)? MB/).waitFor();
    await screenshot(page, 'import-job-running-en');

    // Another dataset, opened and used while the import goes on.
    await page.getByTestId('dataset-demo_service').click();
    await page.getByRole('tab', { name: 'Rows' }).click();
    await page.getByText(/^Rows 1–\d+ of [\d,]+$/).waitFor();

    await job.and(page.locator('[data-phase="done"]')).waitFor({ timeout: 120_000 });
    await job.getByText('background_big.csv → background_big: 600,000 rows').waitFor();
    await screenshot(page, 'import-job-done-en');
    await job.getByRole('button', { name: 'Open dataset' }).click();
    await page.waitForFunction(() => /^#\/datasets\/\d+/.test(location.hash));
    const listed = await app.core.rpc.call('datasets.list', {}, new AbortController().signal);
    const created = (listed.ok ? (listed.output as { id: number; name: string }[]) : []).find((d) => d.name === 'background_big');
    expect(await page.evaluate(() => location.hash)).toMatch(new RegExp(`^#/datasets/${created?.id}`));
    await page.getByTestId('dataset-background_big').waitFor();

    // A reload finds the finished import on the owner's list.
    await page.reload();
    await page.getByTestId('import-job').filter({ hasText: 'background_big.csv → background_big: 600,000 rows' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cancels a running import (Korean): the panel says so and the dataset does not exist', async () => {
    const { page, errors, context } = await openApp(browser, app.server.url, { locale: 'ko-KR' });
    await page.getByTestId('dataset-demo_service').waitFor();
    // Big enough that the click lands while the rows are still being written, on any load:
    // a cancel after the commit rightly leaves a finished import.
    const file = largeCsv('cancelled_big.csv', 2_000_000);
    await openFromDesktop(file);
    await page.getByTestId('import-file-cancelled_big.csv').getByText('CSV', { exact: true }).waitFor();
    await page.getByRole('button', { name: '파일 1개 가져오기' }).click();
    const job = page.getByTestId('import-job').filter({ hasText: 'cancelled_big.csv' });
    await job.and(page.locator('[data-phase="running"]')).waitFor();
    await job.getByRole('button', { name: '가져오기 취소' }).click();
    // Whatever the job ends as, say which: `done` means the cancel came after the commit.
    const ended = job.and(page.locator(':not([data-phase="running"])'));
    await ended.waitFor({ timeout: 120_000 });
    expect(await ended.getAttribute('data-phase')).toBe('cancelled');
    await job.getByText('취소했습니다. 읽던 파일은 아무것도 남기지 않았습니다.').waitFor();
    await screenshot(page, 'import-job-cancelled-ko');

    const listed = await app.core.rpc.call('datasets.list', {}, new AbortController().signal);
    expect((listed.ok ? (listed.output as { name: string }[]) : []).map((d) => d.name)).not.toContain('cancelled_big');
    expect(await page.getByTestId('dataset-cancelled_big').count()).toBe(0);
    // Removed from the list, it stays gone after a reload.
    await job.getByRole('button', { name: '목록에서 지우기' }).click();
    await page.reload();
    await page.getByTestId('dataset-demo_service').waitFor();
    expect(await page.getByTestId('import-job').filter({ hasText: 'cancelled_big.csv' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
