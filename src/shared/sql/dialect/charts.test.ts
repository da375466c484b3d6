import { describe, expect, it } from 'vitest';
import { clickhouseCapabilities, histogramWidth } from './charts';

describe('ClickHouse chart SQL', () => {
  it('When the server is 18.16, Then exact quantiles are interpolated by sorting and times are whole seconds', () => {
    expect(clickhouseCapabilities('18.16.1')).toEqual({ hasQuantileExactInclusive: false, hasDateTime64: false });
    expect(clickhouseCapabilities('20.3.5.21')).toEqual({ hasQuantileExactInclusive: false, hasDateTime64: true });
    expect(clickhouseCapabilities('24.8.4.13')).toEqual({ hasQuantileExactInclusive: true, hasDateTime64: true });
  });

  it('When a bin width is rounded, Then it is 1, 2 or 5 times a power of ten, as DuckDB rounds it', () => {
    expect(histogramWidth(null)).toBe(1);
    expect(histogramWidth(0)).toBe(1);
    expect(histogramWidth(0.3)).toBeCloseTo(0.5, 12);
    expect(histogramWidth(12)).toBe(20);
    expect(histogramWidth(100)).toBe(100);
    expect(histogramWidth(730)).toBe(1000);
  });
});
