import { describe, expect, it } from 'vitest';
import { readableNumber } from './describe';

describe('readableNumber', () => {
  it('groups digits and drops binary noise, in both languages', () => {
    expect(readableNumber(0.1 + 0.2, 'en')).toBe('0.3');
    expect(readableNumber(1234567, 'en')).toBe('1,234,567');
    expect(readableNumber(-1234.5678, 'ko')).toBe('-1,234.5678');
    expect(readableNumber(1e-7, 'en')).toBe('0.0000001');
    expect(readableNumber(Number.NaN, 'en')).toBe('NaN');
  });
});
