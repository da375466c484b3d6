import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, localToUtc, type OffsetSegment } from './zone';

/**
 * Bucket sizes for time charts: each divides a day, so every bucket starts on a round
 * wall-clock time of the user's zone. A day is the largest; a year of data is 366 points.
 */
export const bucketSizesMs: readonly number[] = [
  1 * MS_PER_SECOND,
  2 * MS_PER_SECOND,
  5 * MS_PER_SECOND,
  10 * MS_PER_SECOND,
  15 * MS_PER_SECOND,
  30 * MS_PER_SECOND,
  1 * MS_PER_MINUTE,
  2 * MS_PER_MINUTE,
  5 * MS_PER_MINUTE,
  10 * MS_PER_MINUTE,
  15 * MS_PER_MINUTE,
  30 * MS_PER_MINUTE,
  1 * MS_PER_HOUR,
  2 * MS_PER_HOUR,
  3 * MS_PER_HOUR,
  6 * MS_PER_HOUR,
  12 * MS_PER_HOUR,
  MS_PER_DAY,
];

/** Pixels per bucket that still read as separate bars or line steps. */
export const PIXELS_PER_BUCKET = 5;
/** The most buckets a time chart asks for, whatever its width. */
export const MAX_BUCKETS = 1500;

/**
 * The smallest standard bucket that keeps the range within the chart's width at about
 * `PIXELS_PER_BUCKET` pixels per bucket (and never more than `MAX_BUCKETS`).
 */
export function chooseBucketMs(rangeMs: number, widthPx: number): number {
  const target = Math.max(10, Math.min(MAX_BUCKETS, Math.floor(widthPx / PIXELS_PER_BUCKET)));
  const wanted = rangeMs / target;
  return bucketSizesMs.find((size) => size >= wanted) ?? MS_PER_DAY;
}

/**
 * How a time chart's SQL turns an instant into a bucket, given the zone's offsets over
 * the queried range:
 * - `utc`: the offsets are whole multiples of the bucket (whole-hour zones with buckets up
 *   to an hour), so the zone's buckets are UTC's buckets: no shift at all.
 * - `shifted`: a sub-day bucket in a zone whose offset is not a multiple (e.g. +05:30 with
 *   hourly buckets): shift into local time, truncate, shift back; the key is still the UTC
 *   start, and the repeated hour of a DST change stays two buckets.
 * - `localDay`: days; the key is the local day number, turned into the UTC instant of local
 *   midnight afterwards (a DST day is one bucket of 23 or 25 hours).
 */
export type BucketMode = 'utc' | 'shifted' | 'localDay';

export function bucketMode(bucketMs: number, segments: readonly OffsetSegment[]): BucketMode {
  if (bucketMs >= MS_PER_DAY) return 'localDay';
  return segments.every((s) => s.offsetMs % bucketMs === 0) ? 'utc' : 'shifted';
}

/** The UTC start of a bucket from the key SQL returned (see `BucketMode`). */
export function bucketKeyToUtc(key: number, mode: BucketMode, segments: readonly OffsetSegment[]): number {
  return mode === 'localDay' ? localToUtc(key * MS_PER_DAY, segments) : key;
}

/**
 * Every bucket start (UTC milliseconds, ascending) that rows in `[fromMs, toMs)` can fall
 * into, so empty buckets show as zero instead of being skipped.
 */
export function bucketStarts(fromMs: number, toMs: number, bucketMs: number, segments: readonly OffsetSegment[]): number[] {
  const mode = bucketMode(bucketMs, segments);
  const starts = new Set<number>();
  if (mode === 'utc') {
    for (let t = Math.floor(fromMs / bucketMs) * bucketMs; t < toMs; t += bucketMs) starts.add(t);
  } else if (mode === 'shifted') {
    for (const s of segments) {
      const from = Math.max(fromMs, s.startMs);
      const to = Math.min(toMs, s.endMs);
      if (from >= to) continue;
      for (let local = Math.floor((from + s.offsetMs) / bucketMs) * bucketMs; local - s.offsetMs < to; local += bucketMs) {
        starts.add(local - s.offsetMs);
      }
    }
  } else {
    const firstOffset = segments[0]?.offsetMs ?? 0;
    const lastOffset = segments[segments.length - 1]?.offsetMs ?? 0;
    const firstDay = Math.floor((fromMs + firstOffset) / MS_PER_DAY);
    const lastDay = Math.floor((toMs - 1 + lastOffset) / MS_PER_DAY);
    for (let day = firstDay; day <= lastDay; day++) starts.add(localToUtc(day * MS_PER_DAY, segments));
  }
  return [...starts].sort((a, b) => a - b);
}

/** The precision a bucket's label needs. */
export function labelPrecision(bucketMs: number): 'second' | 'minute' | 'day' {
  if (bucketMs < MS_PER_MINUTE) return 'second';
  if (bucketMs < MS_PER_DAY) return 'minute';
  return 'day';
}

/** `1 s`, `5 min`, `1 h`, `1 d` in the user's language, for "per 5 min". */
export function bucketParts(bucketMs: number): { count: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  if (bucketMs >= MS_PER_DAY) return { count: bucketMs / MS_PER_DAY, unit: 'day' };
  if (bucketMs >= MS_PER_HOUR) return { count: bucketMs / MS_PER_HOUR, unit: 'hour' };
  if (bucketMs >= MS_PER_MINUTE) return { count: bucketMs / MS_PER_MINUTE, unit: 'minute' };
  return { count: bucketMs / MS_PER_SECOND, unit: 'second' };
}
