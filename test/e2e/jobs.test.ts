import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { demoDatasetName } from '../../src/main/services/demo/demo';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';

// The Jobs page in browser mode: a retention policy, a cron job that applies it, run now,
// and the run log; a wrong cron expression is refused with a sentence, not saved.
//   npx electron-vite build && npx vitest run test/e2e/jobs.test.ts

const dataDir = tempDataDir('logscope-e2e-jobs-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let api: Api;

beforeAll(async () => {
  app = await startBrowserMode(path.join(dataDir, 'data'));
  api = createLocalApi(app.core.rpc, app.core.events);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the Jobs page in browser mode', () => {
  it('sets a retention policy, schedules it with cron, runs it now and shows the run in the log', async () => {
    const before = (await api.call('datasets.list', {})).find((d) => d.name === demoDatasetName)!;
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('nav-jobs').click();
    await page.getByText('No jobs yet', { exact: false }).waitFor();

    const keepDays = page.getByLabel(`Keep days ${demoDatasetName}`);
    await keepDays.fill('2');
    await keepDays.blur();
    await expect.poll(async () => (await api.call('retention.list', {})).map((p) => p.keepDays)).toEqual([2]);

    await page.getByRole('button', { name: 'Add job' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('nightly retention');
    await page.getByTestId('job-kind').click();
    await page.getByRole('option', { name: 'Apply retention' }).click();
    await dialog.getByText('Cron expression').first().click();
    const expression = dialog.getByRole('textbox', { name: /^Cron expression \(/ });
    await expression.fill('0 3 * * * * * *');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await api.call('jobs.list', {})).toEqual([]);

    await expression.fill('0 3 * * *');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('jobs-table').getByRole('row', { name: /nightly retention/ });
    await expect(row.textContent()).resolves.toContain('0 3 * * *');

    await row.getByRole('button', { name: 'Run now' }).click();
    const logged = page.getByTestId('job-runs').getByRole('row', { name: /nightly retention/ });
    await logged.getByText('succeeded').waitFor();
    await expect(logged.textContent()).resolves.toMatch(new RegExp(`${demoDatasetName}: \\d+ rows removed`));
    const after = (await api.call('datasets.list', {})).find((d) => d.name === demoDatasetName)!;
    expect(after.rows).toBeGreaterThan(0);
    expect(after.rows).toBeLessThan(before.rows);
    await screenshot(page, 'jobs-en-light');
    expect(errors).toEqual([]);
  });

  it('reads in Korean, dark, a failure included', async () => {
    // A rule deleted after its job was made: the run fails, and says why in the reader's language.
    const broken = await api.call('jobs.create', { name: 'orphaned fetch', target: { kind: 'fetch', ruleId: 999 }, schedule: { kind: 'interval', minutes: 60 } });
    const run = await api.call('jobs.runNow', { id: broken.id });
    expect(run).toMatchObject({ outcome: 'failed', error: { code: expect.any(String) } });
    const { page, errors } = await openApp(browser, app.server.url, { locale: 'ko-KR', colorScheme: 'dark' });
    await page.getByTestId('nav-jobs').click();
    await page.getByText('보존 정책', { exact: true }).waitFor();
    await page.getByTestId('job-runs').getByText('성공').waitFor();
    const failed = page.getByTestId('job-runs').getByRole('row', { name: /orphaned fetch/ });
    await failed.getByText('실패').waitFor();
    expect(await failed.textContent()).not.toContain(run.message!);
    await expect(page.getByLabel(`남길 일수 ${demoDatasetName}`).inputValue()).resolves.toBe('2');
    await screenshot(page, 'jobs-ko-dark');
    expect(errors).toEqual([]);
  });
});
