import { describe, expect, it } from 'vitest';
import { defaultUnusualRule, findUnusual, median, type UnusualRule } from './anomaly';
import { csvRow, neutralizeCsvCell, toCsv } from './csv';

const plain: UnusualRule = { ...defaultUnusualRule, kind: 'plain', minWeight: 0 };

describe('the unusual rule (rolling median + k × MAD)', () => {
  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('marks a spike above median + k × MAD of the previous W points, and says why', () => {
    const values = [0.01, 0.012, 0.011, 0.009, 0.01, 0.011, 0.01, 0.05, 0.01];
    const verdicts = findUnusual(values, { rule: plain });
    expect(verdicts.map((v) => v.unusual)).toEqual([false, false, false, false, false, false, false, true, false]);
    // Point 7: history 0.01, 0.012, 0.011, 0.009, 0.01, 0.011, 0.01 → median 0.01, MAD 0.001.
    expect(verdicts[7]?.median).toBeCloseTo(0.01);
    expect(verdicts[7]?.mad).toBeCloseTo(0.001);
    // MAD 0.001 is below the 0.002 floor: threshold = 0.01 + 4 × 0.002.
    expect(verdicts[7]?.threshold).toBeCloseTo(0.018);
    // The spike joins the history but does not drag the median up.
    expect(verdicts[8]?.median).toBeCloseTo(0.01);
  });

  it('judges nothing before it has enough history, and skips missing points', () => {
    const verdicts = findUnusual([1, null, 1, 1, 1, 1, 9, null, 1], { rule: { ...plain, minHistory: 5 } });
    expect(verdicts[6]).toMatchObject({ unusual: true, median: 1 });
    expect(verdicts[1]).toEqual({ median: null, mad: null, threshold: null, unusual: false });
    expect(verdicts[4]?.threshold).toBeNull();
  });

  it('forgets points older than the window', () => {
    const rule = { ...plain, window: 3, minHistory: 3 };
    const verdicts = findUnusual([10, 10, 10, 0, 0, 0, 5], { rule });
    // The last three are 0, 0, 0: 5 stands out although it is below the old level.
    expect(verdicts[6]?.unusual).toBe(true);
  });

  it('does not call a small bucket unusual for what its size explains', () => {
    // 250 requests per bucket with 0–1 errors, then 3 errors: noise, not an incident.
    const totals = [250, 250, 250, 250, 250, 250, 250, 250];
    const errors = [0, 1, 0, 1, 0, 0, 1, 3];
    const verdicts = findUnusual(
      errors.map((e, i) => e / totals[i]!),
      { weights: totals },
    );
    expect(verdicts[7]?.unusual).toBe(false);
    // 20 errors in 250 is.
    const incident = findUnusual([...errors.slice(0, 7), 20].map((e, i) => e / totals[i]!), { weights: totals });
    expect(incident[7]?.unusual).toBe(true);
    // And a bucket with too few requests never is.
    const tiny = findUnusual([0, 0, 0, 0, 0, 0, 0.5], { weights: [100, 100, 100, 100, 100, 100, 4] });
    expect(tiny[6]?.unusual).toBe(false);
  });
});

describe('CSV', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(neutralizeCsvCell('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`);
    expect(neutralizeCsvCell('+1')).toBe(`'+1`);
    expect(neutralizeCsvCell('-cmd')).toBe(`'-cmd`);
    expect(neutralizeCsvCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutralizeCsvCell('\tx')).toBe(`'\tx`);
    expect(neutralizeCsvCell('\rx')).toBe(`'\rx`);
    expect(neutralizeCsvCell('/api/v1')).toBe('/api/v1');
    expect(neutralizeCsvCell(-5)).toBe('-5');
    expect(neutralizeCsvCell(null)).toBe('');
  });

  it('quotes per RFC 4180 and starts with a BOM for Korean text', () => {
    expect(csvRow(['a,b', 'say "hi"', '김민준', 3])).toBe('"a,b","say ""hi""",김민준,3\r\n');
    expect(csvRow(['=1+2'])).toBe(`'=1+2\r\n`);
    expect(toCsv(['x'], [['y']])).toBe('\uFEFFx\r\ny\r\n');
  });
});
