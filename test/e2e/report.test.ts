import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, repoRoot, screenshot, screenshotDir, startBrowserMode } from './support/browser';
import { tempDataDir } from '../integration/support/dataDir';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startSmtpServer, type TestSmtpServer } from '../servers/smtp';

// "Send report" in browser mode against a real SMTP server on loopback; the received
// report rendered in Chromium is the README's screenshot.
//   npx electron-vite build && npx vitest run test/e2e/report.test.ts

const alice = { user: 'alice', password: 'report-e2e-password' };
const dataDir = tempDataDir('logscope-e2e-report-');
let browser: Browser;
let app: Awaited<ReturnType<typeof startBrowserMode>>;
let server: TestSmtpServer;
let cert: TestCertificate;

beforeAll(async () => {
  cert = await createTestCertificate(fs.mkdtempSync(path.join(dataDir, 'cert-')));
  server = await startSmtpServer({ users: [alice], cert });
  app = await startBrowserMode(path.join(dataDir, 'data'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.stop();
});

async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).click();
}

describe('the e-mailed report in browser mode', () => {
  it('sets up the report the first time, sends it with one click, shows the server’s answer, previews it, and the received report renders', async () => {
    const { page, errors } = await openApp(browser, app.server.url);
    await page.getByTestId('dashboard').waitFor();

    // The first click opens the short set-up.
    await page.getByTestId('report-send').click();
    const settings = page.getByTestId('report-settings');
    await settings.getByText('Set up the report').waitFor();
    await page.getByTestId('smtp-host').fill('127.0.0.1');
    await page.getByTestId('smtp-port').fill(String(server.port));
    await page.getByTestId('smtp-user').fill(alice.user);
    await page.getByTestId('smtp-password').fill(alice.password);
    await page.getByTestId('smtp-from').fill('reports@example.test');
    await settings.getByText('a credentials file').click();
    await page.getByTestId('smtp-credentials-path').fill(path.join(dataDir, 'smtp.pw'));
    await pick(page, 'smtp-trust', 'Signed by a CA file');
    await page.getByTestId('smtp-trust-value').fill(cert.caPath);
    await page.getByTestId('report-recipients').fill('ops@example.test, lead@example.test');
    await screenshot(page, 'report-setup');

    await page.getByTestId('report-test-mail').click();
    await expect(page.getByTestId('report-test-result').textContent()).resolves.toBe('Test mail accepted by 127.0.0.1 for ops@example.test.');
    expect((await simpleParser((await server.waitForMessages(1))[0]!.raw)).subject).toBe('Logscope test message');
    expect(fs.statSync(path.join(dataDir, 'smtp.pw')).mode & 0o777).toBe(0o600);

    await page.getByTestId('report-save-send').click();
    const sent = page.locator('[data-testid="report-result"][data-outcome="sent"]');
    await sent.waitFor({ timeout: 60_000 });
    await expect(sent.textContent()).resolves.toContain('Sent: 127.0.0.1 accepted the report for ops@example.test, lead@example.test (250 OK: message queued).');
    await screenshot(page, 'report-sent');
    const [, first] = await server.waitForMessages(2);
    expect(first!.envelope.rcptTo).toEqual(['ops@example.test', 'lead@example.test']);

    // From now on: one click, and the answer within seconds.
    await page.getByTestId('report-send').click();
    // Waiting for the button's loading mark to go can pass before it ever came: wait for the mail.
    await server.waitForMessages(3);
    await page.locator('[data-testid="report-result"][data-outcome="sent"]').last().waitFor();

    // The preview shows the message as it is sent.
    await page.getByTestId('report-menu').click();
    await page.getByRole('menuitem', { name: 'Preview…' }).click();
    await expect(page.getByTestId('report-preview-subject').textContent({ timeout: 60_000 })).resolves.toBe('Logscope report: demo_service · Last 24 hours');
    const frame = page.frameLocator('[data-testid="report-preview-frame"]');
    await frame.getByText('Key figures').waitFor();
    await expect(frame.locator('img').count()).resolves.toBe(9);
    await screenshot(page, 'report-preview');
    await page.keyboard.press('Escape');

    // The history lists what was sent.
    await page.getByTestId('report-menu').click();
    await page.getByRole('menuitem', { name: 'History…' }).click();
    // The history's rows come from a query the dialog starts when it opens: wait for them.
    await page.getByTestId('report-history').locator('tbody tr').first().waitFor();
    await expect(page.getByTestId('report-history').getByText('sent', { exact: true }).count()).resolves.toBe(2);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);

    // The received report, as a mail client shows it (mailparser turns its cid: parts into data).
    const received = await simpleParser(server.messages[1]!.raw);
    const mailPage = await browser.newPage({ viewport: { width: 760, height: 1000 } });
    await mailPage.setContent(String(received.html), { waitUntil: 'load' });
    const sizes = await mailPage.locator('img').evaluateAll((images) => images.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).complete]));
    expect(sizes).toHaveLength(9);
    for (const [width, complete] of sizes) expect([width, complete]).toEqual([1200, true]);
    fs.mkdirSync(screenshotDir, { recursive: true });
    await mailPage.screenshot({ path: path.join(screenshotDir, 'report-received-full.png'), fullPage: true });
    const docs = path.join(repoRoot, 'docs', 'screenshots');
    fs.mkdirSync(docs, { recursive: true });
    await mailPage.screenshot({ path: path.join(docs, 'report.png'), fullPage: true, clip: { x: 0, y: 0, width: 760, height: 1400 } });
    await mailPage.close();
  });
});
