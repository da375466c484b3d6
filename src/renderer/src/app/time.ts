import { zoneLabelAt } from '@shared/charts/zone';

/** The zone times are shown in: the user's choice, else the computer's. */
export function effectiveTimeZone(setting: string | null): string {
  return setting ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Whether a grid cell is an instant to show in the user's zone: a value of DuckDB's TIMESTAMP
 * types, or a ClickHouse `DateTime` the engine sent as ISO UTC (one in another zone arrives as
 * the server's wall-clock text, which only the server can place, so it is shown as written).
 */
export const isInstantCell = (cell: unknown, type: string): cell is string =>
  typeof cell === 'string' && (type.startsWith('TIMESTAMP') || (/^(?:Nullable\()?DateTime\b/.test(type) && cell.endsWith('Z')));

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant (ISO with `Z`) as local date and time in `zone`, e.g. `2024-03-04 09:15:02.153`. */
export function formatInstant(iso: string, zone: string, withMillis = true): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `${zone}|${withMillis}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(withMillis ? { fractionalSecondDigits: 3 } : {}),
    });
    formatters.set(key, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, p.value]));
  const base = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return withMillis ? `${base}.${parts.fractionalSecond}` : base;
}

/** `Asia/Seoul (UTC+09:00)`: the zone named, with its current offset (the one label of `src/shared/charts/zone.ts`). */
export function describeZone(zone: string, at = new Date()): string {
  return zoneLabelAt(zone, at.getTime());
}
