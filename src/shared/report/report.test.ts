import { describe, expect, it } from 'vitest';
import { createTranslator } from '../i18n/format';
import { composeReport, fillSubject, formatPoints, formatRelative, relativeChange, reportTables, type ReportData } from './compose';
import { cidSource, escapeHtml, renderMailHtml } from './html';
import { renderMailText } from './text';
import { PeriodError, parsePeriodText, resolveReportPeriod } from './period';
import type { Translate } from '../charts/describe';

const translator = (language: 'ko' | 'en'): Translate => {
  const i18n = createTranslator(language);
  return (key, params) => i18n.t(key, params as never) as unknown as string;
};

const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

function data(overrides: Partial<ReportData> = {}): ReportData {
  return {
    dataset: 'svc',
    zone: 'Asia/Seoul',
    madeAtMs: Date.parse('2024-03-07T00:00:00Z'),
    periodLabel: 'Last 24 hours',
    range: { fromMs: Date.parse('2024-03-05T15:00:00Z'), toMs: Date.parse('2024-03-06T15:00:00Z') },
    previous: { fromMs: Date.parse('2024-03-04T15:00:00Z'), toMs: Date.parse('2024-03-05T15:00:00Z') },
    anchoredAt: Date.parse('2024-03-06T14:59:59.999Z'),
    filters: [],
    current: { events: 4302, errors: 43, errorBase: 4302, p50Ms: 12.5, p95Ms: 230, p99Ms: 1240, clients: 120, unusualBuckets: 2, newPatterns: 1 },
    before: { events: 4100, errors: 20, errorBase: 4100, p50Ms: 12, p95Ms: 200, p99Ms: 1000, clients: 130, unusualBuckets: 0, newPatterns: 3 },
    busiest: { endpoint: hostile, count: 900, before: 1000 },
    charts: [{ title: 'Events', caption: 'per 10 min', image: { cid: 'chart-events@logscope', fileName: 'events.png', width: 600, height: 260, alt: 'Events' } }],
    topEndpoints: [{ endpoint: '=HYPERLINK("http://x")', count: 900, p95Ms: 12 }],
    errorPatterns: [{ template: hostile, count: 40, before: 2 }],
    newPatterns: [{ template: 'new <b>thing</b>', count: 3 }],
    unusual: [],
    notes: [],
    ...overrides,
  };
}

describe('the report message', () => {
  it('escapes every string from a log in the HTML part: a script or an image tag shows as text', () => {
    const html = renderMailHtml(composeReport(data(), translator('en'), 'en'), { images: cidSource });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>thing');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    // The only images are the charts, as parts of the message.
    expect([...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1])).toEqual(['cid:chart-events@logscope']);
    expect(html).not.toMatch(/(src|href)="(https?:|\/\/)/i);
    expect(Math.max(...html.split('\n').map((line) => line.length))).toBeLessThan(998);
  });

  it('says the key figures with their change in the HTML and the text part alike', () => {
    const doc = composeReport(data(), translator('en'), 'en');
    const html = renderMailHtml(doc, { images: cidSource });
    const text = renderMailText(doc, 'charts in HTML');
    for (const part of [html, text]) {
      expect(part).toContain('4,302');
      expect(part).toContain('+4.9%');
      expect(part).toContain('1.00%');
      expect(part).toContain('+0.51 pp');
      expect(part).toContain('230 ms');
    }
    expect(text).toContain('Events: 4,302 (+4.9%; before: 4,100)');
    expect(text).toContain('The newest row is from 2024-03-06 23:59');
  });

  it('is in Korean when asked', () => {
    const doc = composeReport(data(), translator('ko'), 'ko');
    const html = renderMailHtml(doc, { images: cidSource });
    expect(html).toContain('<html lang="ko">');
    expect(html).toContain('주요 지표');
    expect(html).toContain('이벤트 수');
    expect(html).toContain('+0.51%p');
  });

  it('says when there is nothing to compare with instead of inventing a change', () => {
    const doc = composeReport(data({ before: null }), translator('en'), 'en');
    const events = doc.blocks[0]!.kind === 'figures' ? doc.blocks[0]!.figures.find((f) => f.id === 'events') : null;
    expect(events).toMatchObject({ value: '4,302', change: null, previous: 'no data before' });
  });

  it('writes the tables as CSV cells with the raw text (the CSV writer neutralises formulas)', () => {
    const tables = reportTables(data());
    expect(tables.map((t) => t.name)).toEqual(['figures', 'endpoints', 'patterns']);
    expect(tables[1]!.rows[0]).toEqual(['=HYPERLINK("http://x")', 900, 12]);
  });
});

describe('helpers', () => {
  it('formats changes with a sign and a real minus', () => {
    expect(formatRelative(0.049, 'en')).toBe('+4.9%');
    expect(formatRelative(-0.2, 'en')).toBe('\u221220%');
    expect(formatPoints(-0.001, 'ko')).toBe('\u22120.1%p');
    expect(relativeChange(5, 0)).toBeNull();
  });

  it('fills the subject template on one line', () => {
    expect(fillSubject('{dataset} · {period}\r\nBcc: x@y', { dataset: 'svc', period: 'Last 24 hours', date: '2024-03-07', report: 'daily' })).toBe(
      'svc · Last 24 hours Bcc: x@y',
    );
  });

  it('escapes attribute quotes too', () => {
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
  });
});

describe('the period', () => {
  const dataset = { timeMin: '2024-03-04T00:00:00.000Z', timeMax: '2024-03-06T23:59:59.000Z' };

  it('ends "last 24 hours" just after the newest row, and says so when that row is old', () => {
    // An old newest row: the period ends on the next whole hour of the zone.
    const resolved = resolveReportPeriod({ kind: '24h' }, dataset, new Date('2025-01-01T00:00:00Z'), null, 'Asia/Kolkata');
    expect(resolved.range).toEqual({ fromMs: Date.parse('2024-03-06T00:30:00Z'), toMs: Date.parse('2024-03-07T00:30:00Z') });
    expect(resolved.previous?.toMs).toBe(resolved.range?.fromMs);
    expect(resolved.anchoredAt).toBe(Date.parse(dataset.timeMax));
    // A live dataset: the period ends just after its newest row.
    const live = resolveReportPeriod({ kind: '24h' }, dataset, new Date('2024-03-07T00:01:00Z'));
    expect(live).toMatchObject({ anchoredAt: null, range: { toMs: Date.parse('2024-03-06T23:59:59.001Z') } });
  });

  it('takes the dashboard range when there is one, else the whole range', () => {
    const view = { range: { from: '2024-03-05T00:00:00Z', to: '2024-03-05T06:00:00Z' }, filters: [], search: null };
    expect(resolveReportPeriod({ kind: 'dashboard' }, dataset, new Date(), view).range).toEqual({
      fromMs: Date.parse('2024-03-05T00:00:00Z'),
      toMs: Date.parse('2024-03-05T06:00:00Z'),
    });
    expect(resolveReportPeriod({ kind: 'dashboard' }, dataset, new Date()).range?.fromMs).toBe(Date.parse(dataset.timeMin));
  });

  it('reads FROM..TO of the command line in the zone, a day as the end including it', () => {
    expect(parsePeriodText('2024-03-04..2024-03-05', 'Asia/Seoul')).toEqual({ kind: 'custom', from: '2024-03-03T15:00:00.000Z', to: '2024-03-05T15:00:00.000Z' });
    expect(parsePeriodText('2024-03-04T09:00..2024-03-04T18:30', 'UTC')).toEqual({ kind: 'custom', from: '2024-03-04T09:00:00.000Z', to: '2024-03-04T18:30:00.000Z' });
    expect(parsePeriodText('2024-03-04T00:00:00Z..2024-03-04T10:00:00+09:00', 'UTC')).toMatchObject({ to: '2024-03-04T01:00:00.000Z' });
    expect(parsePeriodText('7d', 'UTC')).toEqual({ kind: '7d' });
    expect(() => parsePeriodText('2024-03-05..2024-03-04', 'UTC')).toThrow(PeriodError);
    expect(() => parsePeriodText('yesterday', 'UTC')).toThrow(PeriodError);
    expect(() => parsePeriodText('2024-02-30..2024-03-01', 'UTC')).toThrow(PeriodError);
  });
});
