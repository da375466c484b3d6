import type { TimeBucket } from './index';

/** Numbers written into SQL text: each checked, since it is not bound. */
export const bucketSeconds = (bucket: TimeBucket): number => {
  const count = bucket.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a bucket counts whole units: ${count}`);
  return count * { minute: 60, hour: 3600, day: 86_400 }[bucket.unit];
};

/** A fraction as SQL text; refuses what is not a number in [0, 1], since it is written into the query. */
export function fractionSql(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) throw new RangeError(`a quantile lies in [0, 1]: ${fraction}`);
  return String(fraction);
}

/** An integer as SQL text; refuses anything that is not one. */
export function integerSql(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return String(value);
}

export function floatSql(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}
