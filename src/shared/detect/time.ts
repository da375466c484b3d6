/**
 * Which column holds the time, and how to read it. One rule for every format: the
 * dataset's time column is a plain TIMESTAMP holding the instant in UTC, whatever the
 * source wrote — an ISO string with `Z` or an offset, a local time in the zone the user
 * confirmed, epoch seconds, milliseconds or microseconds, or a pattern of the user's own.
 */

export type TimeKind =
  /** Every value carries `Z` or an offset. */
  | 'instant'
  /** No value carries an offset: read in the zone the user confirmed. */
  | 'local'
  /** Some values carry an offset and some do not. */
  | 'mixed'
  | 'epoch_s'
  | 'epoch_ms'
  | 'epoch_us'
  /** Nanoseconds, as OpenTelemetry writes `time_unix_nano` (a number or a string of digits). */
  | 'epoch_ns'
  /** A strptime pattern (`%d/%b/%Y:%H:%M:%S %z`); with `%z` or `%Z` it is an instant. */
  | 'pattern';

export interface TimeSpec {
  column: string;
  kind: TimeKind;
  /** The strptime pattern for `pattern`, else null. */
  pattern: string | null;
  /** More strptime patterns tried after `pattern` (a fraction that some lines have). */
  alternatives?: string[];
  /**
   * Timestamps that lack a year (BSD syslog, logcat) or a date (`HH:mm:ss.SSS`) take it from
   * a reference: the local date and time (in the zone the times are read in) of the file's
   * modification, the mail's date or the upload's `lastModified`. The pattern then ends with
   * ` %Y` (year) or starts with `%Y-%m-%d ` (date).
   */
  completion?: TimeCompletion | null;
}

export interface TimeCompletion {
  kind: 'year' | 'date';
  /** `YYYY-MM-DD HH:MM:SS`, local to the zone the times are read in. */
  referenceLocal: string;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in an IANA zone. */
export function localDateTime(instant: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

export type SampleValue = string | number | boolean | null;

const isoWithOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;
const isoLocal = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Patterns seen in logs, tried in order on VARCHAR columns DuckDB did not type. */
export const knownTimePatterns: readonly { test: RegExp; pattern: string }[] = [
  { test: /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}$/, pattern: '%d/%b/%Y:%H:%M:%S %z' },
  { test: /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/, pattern: '%Y/%m/%d %H:%M:%S' },
  { test: /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d+$/, pattern: '%Y/%m/%d %H:%M:%S.%f' },
  { test: /^\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2}$/, pattern: '%Y.%m.%d %H:%M:%S' },
  { test: /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/, pattern: '%m/%d/%Y %H:%M:%S' },
  { test: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}$/, pattern: '%Y-%m-%d %H:%M:%S,%g' },
  { test: /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \d{4}$/, pattern: '%a %b %d %H:%M:%S %Y' },
];

const timeNames = ['time', 'timestamp', 'ts', '@timestamp', 'datetime', 'date_time', 'event_time', 'log_time', 'logtime', 'eventtime', 'time_local', 'time_iso8601', '시간', '시각', '일시', '발생시간', '발생일시', '로그시간', '기록시간', '타임스탬프', '접속시간', '요청시간'];
const timeNameParts = ['time', 'date', 'stamp', '시간', '일시', '시각', '날짜'];

/** How strongly a column's name says "time" (0 when it does not). */
export function timeNameScore(name: string): number {
  const lower = name.toLowerCase();
  if (timeNames.includes(lower)) return 3;
  if (/(^|_)(created|logged|received|occurred)_?at$/.test(lower)) return 2;
  if (timeNameParts.some((part) => lower.includes(part))) return 1;
  return 0;
}

/** What a column's values look like as times, and how sure (share of non-empty values). */
export function classifyTimeValues(type: string, values: readonly SampleValue[]): { kind: TimeKind; pattern: string | null; share: number } | null {
  const present = values.filter((v) => v !== null && v !== '');
  if (present.length === 0) return null;
  const upper = type.toUpperCase();
  if (upper === 'TIMESTAMP WITH TIME ZONE') return { kind: 'instant', pattern: null, share: 1 };
  if (upper.startsWith('TIMESTAMP')) return { kind: 'local', pattern: null, share: 1 };
  if (/^(BIGINT|INTEGER|HUGEINT|UBIGINT|DOUBLE|FLOAT|DECIMAL)/.test(upper)) {
    const numbers = present.map(Number).filter((n) => Number.isFinite(n));
    for (const [kind, low, high] of [
      ['epoch_s', 9.4e8, 4.1e9],
      ['epoch_ms', 9.4e11, 4.1e12],
      ['epoch_us', 9.4e14, 4.1e15],
      ['epoch_ns', 9.4e17, 4.1e18],
    ] as const) {
      const share = numbers.filter((n) => n >= low && n <= high).length / present.length;
      if (share >= 0.95) return { kind, pattern: null, share };
    }
    return null;
  }
  if (upper !== 'VARCHAR') return null;
  const strings = present.map((v) => String(v).trim());
  // Epoch numbers written as strings: JSON has no 64-bit integers, so OpenTelemetry's
  // exporters write nanoseconds as `"1700000000000000000"`.
  if (strings.every((s) => /^\d{10,19}$/.test(s))) return classifyTimeValues('BIGINT', strings);
  const withOffset = strings.filter((s) => isoWithOffset.test(s)).length;
  const local = strings.filter((s) => isoLocal.test(s)).length;
  if (withOffset + local >= strings.length * 0.95) {
    const kind = local === 0 ? 'instant' : withOffset === 0 ? 'local' : 'mixed';
    return { kind, pattern: null, share: (withOffset + local) / strings.length };
  }
  for (const known of knownTimePatterns) {
    const share = strings.filter((s) => known.test.test(s)).length / strings.length;
    if (share >= 0.95) return { kind: 'pattern', pattern: known.pattern, share };
  }
  return null;
}

/**
 * The time column: the best-named column whose values read as times; a column of a
 * time type or times in ISO form wins over a merely well-named one.
 */
export function detectTimeColumn(
  columns: readonly { name: string; type: string }[],
  sampleRows: readonly (readonly SampleValue[])[],
): TimeSpec | null {
  let best: { spec: TimeSpec; score: number } | null = null;
  columns.forEach((column, index) => {
    const values = sampleRows.map((row) => row[index] ?? null);
    const classified = classifyTimeValues(column.type, values);
    if (!classified) return;
    const nameScore = timeNameScore(column.name);
    // Numbers in the epoch range are only a time when the name says so.
    if (classified.kind.startsWith('epoch') && nameScore === 0) return;
    const score = nameScore * 10 + (classified.kind.startsWith('epoch') ? 0 : 5) + classified.share;
    if (!best || score > best.score) {
      best = { spec: { column: column.name, kind: classified.kind, pattern: classified.pattern }, score };
    }
  });
  return (best as { spec: TimeSpec } | null)?.spec ?? null;
}

/** A user's `--time-format`: `epoch_s|epoch_ms|epoch_us|epoch_ns`, `iso`, or a strptime pattern. */
export function timeSpecFromFormat(column: string, format: string, detected: TimeKind | null): TimeSpec {
  if (format === 'epoch_s' || format === 'epoch_ms' || format === 'epoch_us' || format === 'epoch_ns') return { column, kind: format, pattern: null };
  if (format === 'iso') return { column, kind: detected === 'instant' || detected === 'local' ? detected : 'mixed', pattern: null };
  return { column, kind: 'pattern', pattern: format };
}

/** True when the spec's values carry their own offset, so no zone is needed. */
export const timeCarriesOffset = (spec: TimeSpec): boolean =>
  spec.kind === 'instant' || spec.kind.startsWith('epoch') || (spec.kind === 'pattern' && /%[zZ]/.test(spec.pattern ?? ''));
