import { describe, expect, it } from 'vitest';
import { describeZoneOffsets, formatZoned, isValidTimeZone, localToUtc, offsetAt, offsetSegments, zoneLabelAt, MS_PER_HOUR } from './zone';
import { bucketKeyToUtc, bucketMode, bucketStarts, chooseBucketMs } from './buckets';

const utc = (iso: string) => Date.parse(iso);

describe('the zone label', () => {
  it('names the zone with its offset, sign and minutes included', () => {
    expect(zoneLabelAt('Asia/Seoul', utc('2024-03-04T00:00:00Z'))).toBe('Asia/Seoul (UTC+09:00)');
    expect(zoneLabelAt('UTC', utc('2024-03-04T00:00:00Z'))).toBe('UTC');
    expect(zoneLabelAt('America/New_York', utc('2024-01-04T00:00:00Z'))).toBe('America/New_York (UTC-05:00)');
    expect(zoneLabelAt('Asia/Kathmandu', utc('2024-03-04T00:00:00Z'))).toBe('Asia/Kathmandu (UTC+05:45)');
    // POSIX sign: Etc/GMT-9 is nine hours ahead of UTC.
    expect(zoneLabelAt('Etc/GMT-9', utc('2024-03-04T00:00:00Z'))).toBe('Etc/GMT-9 (UTC+09:00)');
  });

  it('gives both offsets over a range that crosses a change, one over a range that does not', () => {
    expect(describeZoneOffsets('Europe/Berlin', offsetSegments('Europe/Berlin', utc('2024-03-25T00:00:00Z'), utc('2024-04-05T00:00:00Z')))).toBe('Europe/Berlin (UTC+01:00 / UTC+02:00)');
    expect(describeZoneOffsets('Europe/Berlin', offsetSegments('Europe/Berlin', utc('2024-06-01T00:00:00Z'), utc('2024-06-05T00:00:00Z')))).toBe('Europe/Berlin (UTC+02:00)');
  });
});

describe('zone offsets', () => {
  it('reads offsets of fixed and daylight-saving zones', () => {
    expect(offsetAt('Asia/Seoul', utc('2024-03-04T00:00:00Z'))).toBe(9 * MS_PER_HOUR);
    expect(offsetAt('UTC', utc('2024-03-04T00:00:00Z'))).toBe(0);
    expect(offsetAt('America/New_York', utc('2024-03-10T06:59:59Z'))).toBe(-5 * MS_PER_HOUR);
    expect(offsetAt('America/New_York', utc('2024-03-10T07:00:00Z'))).toBe(-4 * MS_PER_HOUR);
    expect(offsetAt('Asia/Kathmandu', utc('2024-03-04T00:00:00Z'))).toBe(5.75 * MS_PER_HOUR);
  });

  it('finds the instant a zone changes its offset, to the second', () => {
    const segments = offsetSegments('America/New_York', utc('2024-03-04T00:00:00Z'), utc('2024-03-18T00:00:00Z'));
    expect(segments).toEqual([
      { startMs: utc('2024-03-04T00:00:00Z'), endMs: utc('2024-03-10T07:00:00Z'), offsetMs: -5 * MS_PER_HOUR },
      { startMs: utc('2024-03-10T07:00:00Z'), endMs: utc('2024-03-18T00:00:00Z'), offsetMs: -4 * MS_PER_HOUR },
    ]);
    expect(offsetSegments('Asia/Seoul', utc('2024-01-01T00:00:00Z'), utc('2025-01-01T00:00:00Z'))).toHaveLength(1);
    expect(offsetSegments('Europe/Berlin', utc('2024-01-01T00:00:00Z'), utc('2025-01-01T00:00:00Z'))).toHaveLength(3);
  });

  it('puts the change on its whole second whatever the milliseconds of the range start', () => {
    const segments = offsetSegments('America/New_York', Date.parse('2024-10-30T00:00:25.560Z'), Date.parse('2024-11-06T00:00:00Z'));
    expect(segments.map((s) => s.endMs)).toEqual([Date.parse('2024-11-03T06:00:00Z'), Date.parse('2024-11-06T00:00:00Z')]);
  });

  it('turns wall-clock times into instants across both changes', () => {
    const spring = offsetSegments('America/New_York', utc('2024-03-09T00:00:00Z'), utc('2024-03-12T00:00:00Z'));
    expect(localToUtc(utc('2024-03-10T00:00:00Z'), spring)).toBe(utc('2024-03-10T05:00:00Z'));
    expect(localToUtc(utc('2024-03-11T00:00:00Z'), spring)).toBe(utc('2024-03-11T04:00:00Z'));
    // 02:30 does not exist on that day: moved forward by the gap, to 03:30 EDT.
    expect(localToUtc(utc('2024-03-10T02:30:00Z'), spring)).toBe(utc('2024-03-10T07:30:00Z'));
    const autumn = offsetSegments('America/New_York', utc('2024-11-02T00:00:00Z'), utc('2024-11-05T00:00:00Z'));
    // 01:30 happens twice: the earlier one.
    expect(localToUtc(utc('2024-11-03T01:30:00Z'), autumn)).toBe(utc('2024-11-03T05:30:00Z'));
  });

  it('knows zone names', () => {
    expect(isValidTimeZone('Asia/Seoul')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('formats instants in a zone', () => {
    expect(formatZoned(utc('2024-03-04T00:00:00Z'), 'Asia/Seoul')).toBe('2024-03-04 09:00');
    expect(formatZoned(utc('2024-03-04T00:00:00.250Z'), 'UTC', 'millisecond')).toBe('2024-03-04 00:00:00.250');
  });
});

describe('buckets', () => {
  it('chooses a bucket from the range and the width', () => {
    expect(chooseBucketMs(7 * 24 * MS_PER_HOUR, 1200)).toBe(MS_PER_HOUR);
    expect(chooseBucketMs(24 * MS_PER_HOUR, 1200)).toBe(10 * 60_000);
    expect(chooseBucketMs(10 * 60_000, 1200)).toBe(5_000);
    expect(chooseBucketMs(365 * 24 * MS_PER_HOUR, 1200)).toBe(24 * MS_PER_HOUR);
    expect(chooseBucketMs(1000, 1200)).toBe(1000);
    // A narrower chart gets coarser buckets.
    expect(chooseBucketMs(7 * 24 * MS_PER_HOUR, 400)).toBe(3 * MS_PER_HOUR);
  });

  it('buckets in UTC when the offset is a whole number of buckets, else shifts', () => {
    const seoul = offsetSegments('Asia/Seoul', 0, MS_PER_HOUR);
    expect(bucketMode(MS_PER_HOUR, seoul)).toBe('utc');
    expect(bucketMode(2 * MS_PER_HOUR, seoul)).toBe('shifted');
    expect(bucketMode(24 * MS_PER_HOUR, seoul)).toBe('localDay');
    expect(bucketMode(MS_PER_HOUR, offsetSegments('Asia/Kolkata', 0, MS_PER_HOUR))).toBe('shifted');
  });

  it('has 23 hourly buckets on the day clocks go forward and 25 on the day they go back', () => {
    const springFrom = utc('2024-03-10T05:00:00Z'); // 00:00 EST
    const springTo = utc('2024-03-11T04:00:00Z'); // 00:00 EDT
    const spring = offsetSegments('America/New_York', springFrom, springTo);
    expect(bucketStarts(springFrom, springTo, MS_PER_HOUR, spring)).toHaveLength(23);
    const autumnFrom = utc('2024-11-03T04:00:00Z');
    const autumnTo = utc('2024-11-04T05:00:00Z');
    const autumn = offsetSegments('America/New_York', autumnFrom, autumnTo);
    expect(bucketStarts(autumnFrom, autumnTo, MS_PER_HOUR, autumn)).toHaveLength(25);
    // Days are one bucket each, starting at local midnight.
    const days = bucketStarts(springFrom, springTo + 24 * MS_PER_HOUR, 24 * MS_PER_HOUR, offsetSegments('America/New_York', springFrom, springTo + 24 * MS_PER_HOUR));
    expect(days).toEqual([springFrom, springTo]);
  });

  it('turns local day numbers back into instants', () => {
    const segments = offsetSegments('Asia/Seoul', utc('2024-03-01T00:00:00Z'), utc('2024-03-10T00:00:00Z'));
    const day = Math.floor((utc('2024-03-04T00:00:00Z') + 9 * MS_PER_HOUR) / (24 * MS_PER_HOUR));
    expect(bucketKeyToUtc(day, 'localDay', segments)).toBe(utc('2024-03-03T15:00:00Z'));
    expect(bucketKeyToUtc(123, 'utc', segments)).toBe(123);
  });

  it('keeps shifted buckets aligned to the local clock', () => {
    const from = utc('2024-03-04T00:00:00Z');
    const segments = offsetSegments('Asia/Kolkata', from, from + 3 * MS_PER_HOUR);
    const starts = bucketStarts(from, from + 3 * MS_PER_HOUR, MS_PER_HOUR, segments);
    // 05:30 in Kolkata is 00:00 UTC, so hours start at :30 UTC.
    expect(starts.map((s) => new Date(s).toISOString().slice(11, 16))).toEqual(['23:30', '00:30', '01:30', '02:30']);
  });
});
