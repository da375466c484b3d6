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
  const asInstant = `TRY_CAST(${value} AS TIMESTAMPTZ)::TIMESTAMP`;
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
    case 'pattern': {
      const parsed = `TRY_STRPTIME(${value}::VARCHAR, ${quoteLiteral(spec.pattern ?? '')})`;
      return /%[zZ]/.test(spec.pattern ?? '') ? `${parsed}::TIMESTAMP` : inZone(parsed);
    }
  }
}
