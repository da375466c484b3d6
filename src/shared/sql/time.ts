import type { TimeSpec } from '../detect/time';
import { quoteLiteral } from './quote';

/**
 * The SQL that turns a source's time value into the dataset's time: a plain TIMESTAMP
 * holding the instant in UTC (every connection runs with TimeZone = 'UTC', so casting a
 * TIMESTAMPTZ to TIMESTAMP gives UTC). Values that do not read as a time become NULL —
 * the import counts them and says so; the rest of the row is kept.
 *
 * `zone` is the IANA zone for times without an offset, as a literal: table-function
 * options cannot be bound, and the value comes from a closed list (`Intl`) anyway.
 */
export function timeExpression(spec: TimeSpec, value: string, zone: string): string {
  const inZone = (naive: string) => `timezone(${quoteLiteral(zone)}, ${naive})::TIMESTAMP`;
  // A value ending in `Z` is already UTC and reads as a TIMESTAMP directly, five times
  // faster than through TIMESTAMPTZ and ICU (5 M values: 0.26 s against 1.4 s), with the
  // same result; other offsets, and zone names ending in Z (`NZ`), take the TIMESTAMPTZ cast.
  const asInstant = `coalesce(CASE WHEN suffix(${value}::VARCHAR, 'Z') THEN TRY_CAST(${value} AS TIMESTAMP) END, TRY_CAST(${value} AS TIMESTAMPTZ)::TIMESTAMP)`;
  const asLocal = inZone(`TRY_CAST(${value} AS TIMESTAMP)`);
  const number = `TRY_CAST(${value} AS DOUBLE)`;
  switch (spec.kind) {
    case 'instant':
      return asInstant;
    case 'local':
      return asLocal;
    case 'mixed':
      return `CASE WHEN regexp_matches(${value}::VARCHAR, '(Z|[+-]\\d{2}(:?\\d{2})?)\\s*$') THEN ${asInstant} ELSE ${asLocal} END`;
    case 'epoch_s':
      return `make_timestamp(CAST(round(${number} * 1000000) AS BIGINT))`;
    case 'epoch_ms':
      return `make_timestamp(CAST(round(${number} * 1000) AS BIGINT))`;
    case 'epoch_us':
      return `make_timestamp(CAST(${number} AS BIGINT))`;
    case 'epoch_ns':
      // Integer division: nanoseconds since 1970 pass 2^53, where a DOUBLE loses digits.
      return `make_timestamp(CAST(TRY_CAST(${value} AS HUGEINT) // 1000 AS BIGINT))`;
    case 'pattern': {
      if (spec.completion) return inZone(completedTimeSql(spec, value).time);
      const parsed = `TRY_STRPTIME(${value}::VARCHAR, ${formatsSql(spec)})`;
      return /%[zZ]/.test(spec.pattern ?? '') ? `${parsed}::TIMESTAMP` : inZone(parsed);
    }
  }
}

function formatsSql(spec: TimeSpec): string {
  const formats = [spec.pattern ?? '', ...(spec.alternatives ?? [])];
  return formats.length === 1 ? quoteLiteral(formats[0]!) : `[${formats.map(quoteLiteral).join(', ')}]`;
}

/**
 * A timestamp without a year (or date), completed from the reference: with the reference's
 * year, unless that puts it more than a day after the reference — then it was written the
 * year before (a December line in a file last written in January). Without a date: the
 * reference's day, or the day before when the time of day is later than the reference's.
 * `rolledBack` is true for the values that took the year (day) before.
 */
export function completedTimeSql(spec: TimeSpec, value: string): { time: string; rolledBack: string } {
  const completion = spec.completion!;
  const reference = `TIMESTAMP ${quoteLiteral(completion.referenceLocal)}`;
  const formats = formatsSql(spec);
  const text = `${value}::VARCHAR`;
  let current: string;
  let before: string;
  let slack: string;
  if (completion.kind === 'year') {
    const year = Number(completion.referenceLocal.slice(0, 4));
    current = `TRY_STRPTIME(${text} || ' ${year}', ${formats})`;
    before = `TRY_STRPTIME(${text} || ' ${year - 1}', ${formats})`;
    slack = `INTERVAL 1 DAY`;
  } else {
    const day = completion.referenceLocal.slice(0, 10);
    const previous = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    current = `TRY_STRPTIME('${day} ' || ${text}, ${formats})`;
    before = `TRY_STRPTIME('${previous} ' || ${text}, ${formats})`;
    slack = `INTERVAL 10 MINUTE`;
  }
  const rolledBack = `(${current} IS NULL OR ${current} > ${reference} + ${slack})`;
  return { time: `(CASE WHEN ${rolledBack} THEN ${before} ELSE ${current} END)`, rolledBack };
}
