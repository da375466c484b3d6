/**
 * A time zone's UTC offsets over a stretch of time, computed with `Intl` (so it works the
 * same in the renderer and in Node), for bucketing in the user's zone without sending
 * every row through DuckDB's ICU functions: over a few days a zone has one or two offsets,
 * so SQL shifts each row's UTC instant by a constant picked with a tiny CASE (see `sql.ts`).
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** A stretch of time `[startMs, endMs)` over which the zone's offset is `offsetMs` (local = UTC + offset). */
export interface OffsetSegment {
  startMs: number;
  endMs: number;
  offsetMs: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    partFormatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA zone name this runtime knows (`UTC` included). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    partFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
export function offsetAt(zone: string, utcMs: number): number {
  const instant = Math.floor(utcMs / 1000) * 1000;
  const parts = partFormatter(zone).formatToParts(new Date(instant));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of parts) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = /^B/i.test(part.value);
        break;
      default:
        break;
    }
  }
  const wall = Date.UTC(bc ? 1 - year : year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0..99 to 1900..1999; those are far outside any log.
  return wall - instant;
}

/** Offsets checked this far apart; no zone has changed its offset twice within six hours. */
const probeStepMs = 6 * MS_PER_HOUR;

/**
 * The zone's offsets over `[fromMs, toMs)`: consecutive segments that cover the range,
 * each with one offset, found by probing every six hours and bisecting each change to the
 * second. Zones without daylight saving time give one segment.
 */
export function offsetSegments(zone: string, fromMs: number, toMs: number): OffsetSegment[] {
  const end = Math.max(toMs, fromMs + 1);
  const segments: OffsetSegment[] = [];
  let segmentStart = fromMs;
  let offset = offsetAt(zone, fromMs);
  let probe = fromMs;
  while (probe < end) {
    const next = Math.min(probe + probeStepMs, end);
    const nextOffset = offsetAt(zone, next === end ? end - 1 : next);
    if (nextOffset !== offset) {
      // Bisect to the first second with the new offset.
      let lo = probe;
      let hi = next === end ? end - 1 : next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetAt(zone, mid) === offset) lo = mid;
        else hi = mid;
      }
      // Zones change on whole seconds: the one second in (lo, hi], not an instant carrying
      // `fromMs`'s milliseconds (which put rows of the change's first second in the old offset).
      hi = Math.floor(lo / 1000) * 1000 + 1000;
      segments.push({ startMs: segmentStart, endMs: hi, offsetMs: offset });
      segmentStart = hi;
      offset = offsetAt(zone, hi);
      probe = hi;
      continue;
    }
    probe = next;
  }
  segments.push({ startMs: segmentStart, endMs: end, offsetMs: offset });
  return segments;
}

/**
 * The UTC instant of a wall-clock time (given as if it were UTC) in a zone described by
 * `segments`. An ambiguous time (the repeated hour when clocks go back) takes the earlier
 * instant; a time that does not exist (skipped when clocks go forward) moves forward by the
 * gap, as `java.time` and Temporal do.
 */
export function localToUtc(localMs: number, segments: readonly OffsetSegment[]): number {
  for (const segment of segments) {
    const utc = localMs - segment.offsetMs;
    if (utc >= segment.startMs && utc < segment.endMs) return utc;
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (!first || !last) return localMs;
  if (localMs - first.offsetMs < first.startMs) return localMs - first.offsetMs;
  if (localMs - last.offsetMs >= last.endMs) return localMs - last.offsetMs;
  // In a gap: the offset before the change applied to the wall time lands after it.
  for (let i = 1; i < segments.length; i++) {
    const before = segments[i - 1]!;
    const after = segments[i]!;
    if (localMs - before.offsetMs >= after.startMs && localMs - after.offsetMs < after.startMs) return localMs - before.offsetMs;
  }
  return localMs - last.offsetMs;
}

/** The offset of the segment holding an instant; before the first or after the last, theirs. */
export function segmentOffset(utcMs: number, segments: readonly OffsetSegment[]): number {
  const first = segments[0];
  if (!first) return 0;
  if (utcMs < first.startMs) return first.offsetMs;
  for (const s of segments) if (utcMs < s.endMs) return s.offsetMs;
  return segments[segments.length - 1]!.offsetMs;
}

/** Wall-clock parts of an instant in a zone. */
export function zonedParts(utcMs: number, segmentsOrZone: readonly OffsetSegment[] | string) {
  const offset = typeof segmentsOrZone === 'string' ? offsetAt(segmentsOrZone, utcMs) : segmentOffset(utcMs, segmentsOrZone);
  const local = new Date(utcMs + offset);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    offsetMs: offset,
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `+09:00`, `-04:00`, `+05:45`. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MS_PER_MINUTE);
  return `${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

export type InstantPrecision = 'day' | 'minute' | 'second' | 'millisecond';

/** An instant as `2024-03-04 09:15` (to the precision asked) in a zone, locale-neutral like the row grid. */
export function formatZoned(utcMs: number, zone: string, precision: InstantPrecision = 'minute'): string {
  const p = zonedParts(utcMs, zone);
  const date = `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
  if (precision === 'day') return date;
  const minute = `${date} ${pad2(p.hour)}:${pad2(p.minute)}`;
  if (precision === 'minute') return minute;
  const second = `${minute}:${pad2(p.second)}`;
  return precision === 'second' ? second : `${second}.${String(p.millisecond).padStart(3, '0')}`;
}

/**
 * The zone label every shown time carries (charts, their descriptions, the header, the import
 * preview, the report): `Asia/Seoul (UTC+09:00)`; over a range that crosses a change, both
 * offsets (`Europe/Berlin (UTC+01:00 / UTC+02:00)`). The name alone is ambiguous to a reader
 * who does not know the zone, the offset alone hides daylight saving time.
 */
export function describeZoneOffsets(zone: string, segments: readonly OffsetSegment[]): string {
  // UTC's name is its offset: "UTC (UTC+00:00)" would say it twice.
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  const offsets = [...new Set(segments.map((s) => s.offsetMs))];
  return `${zone} (${offsets.map((o) => `UTC${formatOffset(o)}`).join(' / ')})`;
}

/** The zone label at one instant (the header says what "now" is in). */
export function zoneLabelAt(zone: string, utcMs: number): string {
  return describeZoneOffsets(zone, [{ startMs: utcMs, endMs: utcMs + 1, offsetMs: offsetAt(zone, utcMs) }]);
}
