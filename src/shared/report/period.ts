import { localToUtc, offsetAt, offsetSegments, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../charts/zone';
import type { ReportPeriod, ReportView } from '../api/contract/report';

/**
 * The stretch of time a report covers and the one it is compared with. "Last 24 hours"
 * and "last 7 days" end just after the dataset's newest row, as the dashboard's do: logs
 * are history, and a dataset fed once a night reports on the day it holds. When that row
 * is older than the moment of the report, the report says so (`anchoredAt`), and the
 * period ends on the next whole hour of the zone, so it reads "00:00 – 23:59", not
 * "23:59 – 23:59".
 */

export interface MsRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

export interface ResolvedPeriod {
  /** null: the dataset has no time column or no rows; the report covers every row. */
  range: MsRange | null;
  /** The period of the same length just before; null without a range. */
  previous: MsRange | null;
  /** The newest row's instant when a "last N" period ends there rather than now. */
  anchoredAt: number | null;
}

export const periodLengthMs = { '24h': 24 * MS_PER_HOUR, '7d': 7 * MS_PER_DAY } as const;

/** A newest row within this of "now" is "now": logs are written a little after the fact. */
export const ANCHOR_TOLERANCE_MS = 5 * MS_PER_MINUTE;

export class PeriodError extends Error {
  override name = 'PeriodError';
}

export function resolveReportPeriod(
  period: ReportPeriod,
  dataset: { timeMin: string | null; timeMax: string | null },
  now: Date,
  view?: ReportView | null,
  zone = 'UTC',
): ResolvedPeriod {
  if (!dataset.timeMin || !dataset.timeMax) {
    if (period.kind === 'custom') return withPrevious(custom(period.from, period.to), null);
    return { range: null, previous: null, anchoredAt: null };
  }
  const newest = Date.parse(dataset.timeMax);
  const end = newest + 1;
  switch (period.kind) {
    case '24h':
    case '7d': {
      const last = lastPeriod(period.kind, dataset.timeMax, now, zone);
      return withPrevious(last.range, last.anchoredAt);
    }
    case 'all':
      return withPrevious({ fromMs: Date.parse(dataset.timeMin), toMs: end }, null);
    case 'custom':
      return withPrevious(custom(period.from, period.to), null);
    case 'dashboard':
      return withPrevious(view?.range ? custom(view.range.from, view.range.to) : { fromMs: Date.parse(dataset.timeMin), toMs: end }, null);
  }
}

/**
 * "Last 24 hours" / "last 7 days" of a dataset whose newest row is `timeMax`, half-open
 * `[fromMs, toMs)`: the one window the dashboard's period buttons and the report both use,
 * so they count the same rows. It ends just after the newest row when that row is recent
 * (within `ANCHOR_TOLERANCE_MS` of `now`), else on the next whole hour of `zone` after it.
 */
export function lastPeriod(kind: keyof typeof periodLengthMs, timeMax: string, now: Date, zone: string): { range: MsRange; anchoredAt: number | null } {
  const newest = Date.parse(timeMax);
  const end = newest + 1;
  const anchoredAt = now.getTime() - end > ANCHOR_TOLERANCE_MS ? newest : null;
  const to = anchoredAt === null ? end : nextWholeHour(end, zone);
  return { range: { fromMs: to - periodLengthMs[kind], toMs: to }, anchoredAt };
}

/** The first whole hour of the zone at or after `ms` (zones a half or quarter hour off UTC included). */
export function nextWholeHour(ms: number, zone: string): number {
  const offset = offsetAt(zone, ms);
  return Math.ceil((ms + offset) / MS_PER_HOUR) * MS_PER_HOUR - offset;
}

function custom(from: string, to: string): MsRange {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new PeriodError('the start or the end is not a time');
  if (toMs <= fromMs) throw new PeriodError('the end must come after the start');
  return { fromMs, toMs };
}

function withPrevious(range: MsRange, anchoredAt: number | null): ResolvedPeriod {
  const length = range.toMs - range.fromMs;
  return { range, previous: { fromMs: range.fromMs - length, toMs: range.fromMs }, anchoredAt };
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const localPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * `FROM..TO` of the command line, in `zone` unless an instant carries its own offset:
 * `2024-03-04..2024-03-05` is those two whole days (a day as the end includes it);
 * `2024-03-04T09:00..2024-03-04T18:00` ends at 18:00; `2024-03-04T00:00:00Z..…` is UTC.
 */
export function parsePeriodText(text: string, zone: string): ReportPeriod {
  const trimmed = text.trim();
  if (trimmed === '24h' || trimmed === '7d' || trimmed === 'all') return { kind: trimmed };
  const parts = trimmed.split('..');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new PeriodError('write 24h, 7d, all or FROM..TO');
  const fromMs = instant(parts[0], zone, 'start');
  const toMs = instant(parts[1], zone, 'end');
  if (toMs <= fromMs) throw new PeriodError('the end must come after the start');
  return { kind: 'custom', from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

function instant(text: string, zone: string, side: 'start' | 'end'): number {
  const day = dayPattern.exec(text);
  const local = localPattern.exec(text);
  if (day || local) {
    const [y, mo, d] = [Number((day ?? local)![1]), Number((day ?? local)![2]), Number((day ?? local)![3])];
    const h = local ? Number(local[4]) : 0;
    const mi = local ? Number(local[5]) : 0;
    const s = local?.[6] ? Number(local[6]) : 0;
    let wall = Date.UTC(y, mo - 1, d, h, mi, s);
    if (!Number.isFinite(wall) || new Date(wall).getUTCDate() !== d) throw new PeriodError(`${text} is not a date`);
    // A day as the end of a range includes that day.
    if (day && side === 'end') wall += MS_PER_DAY;
    return localToUtc(wall, offsetSegments(zone, wall - 2 * MS_PER_DAY, wall + 2 * MS_PER_DAY));
  }
  const parsed = Date.parse(text);
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text) || !Number.isFinite(parsed)) throw new PeriodError(`${text} is not a date or an instant with an offset`);
  return parsed;
}
