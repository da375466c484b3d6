import axe from 'axe-core';
import type { Page } from 'playwright-core';

export type AxeFinding = { rule: string; impact: string; help: string; targets: string[] };

/**
 * Runs axe-core in the page and returns its serious and critical violations, each with the
 * elements it found. The source is evaluated over the DevTools protocol rather than added as
 * a <script>, because the app's CSP (script-src 'self') rightly refuses inline scripts.
 * `within` narrows the check to the elements a selector matches (an open dialog).
 * Frames are left out: the report preview is a sandboxed frame without scripts, checked on its own.
 */
export async function seriousViolations(page: Page, within?: string): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const findings = await page.evaluate(async (selector) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(selector ? { include: [selector] } : document, { resultTypes: ['violations'], iframes: false });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)} ${n.any[0]?.message ?? ''}`),
    }));
  }, within);
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}
