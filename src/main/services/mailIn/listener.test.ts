import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './listener';

const backoff = { firstMs: 1000, maxMs: 60_000 };

describe('reconnectDelayMs', () => {
  it('When failures repeat, Then the step doubles from firstMs and stops at maxMs', () => {
    const steps = [0, 1, 2, 3, 4, 5, 6, 7, 50].map((failures) => reconnectDelayMs(failures, backoff, () => 1));
    expect(steps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('When the jitter is drawn, Then the pause lies between half its step and the whole step', () => {
    expect(reconnectDelayMs(3, backoff, () => 0)).toBe(4000);
    expect(reconnectDelayMs(3, backoff, () => 0.5)).toBe(6000);
    expect(reconnectDelayMs(10, backoff, () => 0)).toBe(30_000);
  });
});
