import {
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import type { Cell } from '../../../shared/api/contract';

/**
 * DuckDB values as they cross a transport or are printed as JSON: 64-bit integers as
 * numbers where they fit a double and as strings otherwise; instants as ISO-8601 in
 * UTC with `Z` (the UI shows them in the user's zone); nested values as their text.
 */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    default:
      break;
  }
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return isoFromMicros(value.micros) ?? String(value);
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) return isoFromMicros(value.millis * 1000n) ?? String(value);
  if (value instanceof DuckDBTimestampSecondsValue) return isoFromMicros(value.seconds * 1_000_000n) ?? String(value);
  if (value instanceof DuckDBTimestampNanosecondsValue) return isoFromMicros(value.nanos / 1000n) ?? String(value);
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  return String(value);
}

const maxMicros = 8_640_000_000_000_000_000n; // the range of a JavaScript Date

/** `2024-03-01T09:15:02.153Z`, keeping microseconds when there are any. */
export function isoFromMicros(micros: bigint): string | null {
  if (micros > maxMicros || micros < -maxMicros) return null;
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const extraMicros = Number(micros - millis * 1000n);
  const iso = new Date(Number(millis)).toISOString();
  return extraMicros === 0 ? iso : `${iso.slice(0, -1)}${String(extraMicros).padStart(3, '0')}Z`;
}
