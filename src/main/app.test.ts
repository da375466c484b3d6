import { describe, expect, it } from 'vitest';
import { defaultMemoryLimit } from './app';

const gb = 1024 ** 3;

describe('the default memory limit', () => {
  it('is 40 % of memory, at least 1 GB and at most 1.25 GB, whatever the machine', () => {
    expect(defaultMemoryLimit(2 * gb)).toBe('1024MB');
    expect(defaultMemoryLimit(3 * gb)).toBe('1228MB');
    expect(defaultMemoryLimit(24 * gb)).toBe('1280MB');
    expect(defaultMemoryLimit(256 * gb)).toBe('1280MB');
  });
});
