/**
 * How lines of text logs write their timestamps. Each style is a regex for the timestamp as
 * written (no groups), and how DuckDB reads that text as a time. Styles without a year
 * (BSD syslog, Android logcat) or without a date (logback's `HH:mm:ss.SSS`) are completed
 * from a reference instant: the file's modification time, the mail's date, the upload's
 * `lastModified` (see `sql/time.ts`).
 */
export const timeStyleIds = ['iso', 'bsd', 'ctime', 'yymmdd', 'yy_slash', 'ymd_slash', 'dmy_mon', 'md_dash', 'clock', 'epoch'] as const;
export type TimeStyleId = (typeof timeStyleIds)[number];

export type TimeRead =
  /** ISO-8601: `T` or space, `,` or `.` before the fraction, `Z` or an offset or none. */
  | { kind: 'iso' }
  /** DuckDB strptime formats (tried in order); `completion` names what the text lacks. */
  | { kind: 'strptime'; formats: string[]; completion: 'year' | 'date' | null }
  | { kind: 'epoch' };

export interface TimeStyle {
  id: TimeStyleId;
  regex: string;
  example: string;
  read: TimeRead;
  /** Spaces collapsed (`Jun  4`, `Dec  4`) and `,` before a fraction read as `.`. */
  normalize: boolean;
}

// A fraction after `.`, or after `,` as log4j writes milliseconds (three to six digits, so
// a CSV row's next field is not read as one).
const fraction = '(?:\\.\\d{1,9}|,\\d{3,6})?';

export const timeStyles: readonly TimeStyle[] = [
  {
    id: 'iso',
    regex: `\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}${fraction}(?:Z|[+-]\\d{2}:?\\d{2})?`,
    example: '2015-07-29 17:41:44,747',
    read: { kind: 'iso' },
    normalize: true,
  },
  {
    id: 'bsd',
    regex: '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-3]\\d \\d{2}:\\d{2}:\\d{2}',
    example: 'Jun 14 15:16:01',
    read: { kind: 'strptime', formats: ['%b %d %H:%M:%S'], completion: 'year' },
    normalize: true,
  },
  {
    id: 'ctime',
    regex: `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-3]\\d \\d{2}:\\d{2}:\\d{2}${fraction} \\d{4}`,
    example: 'Sun Dec 04 04:47:44 2005',
    read: { kind: 'strptime', formats: ['%a %b %d %H:%M:%S %Y', '%a %b %d %H:%M:%S.%f %Y'], completion: null },
    normalize: true,
  },
  {
    id: 'yymmdd',
    regex: '\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]) (?:[01]\\d|2[0-3])[0-5]\\d[0-5]\\d',
    example: '081109 203615',
    read: { kind: 'strptime', formats: ['%y%m%d %H%M%S'], completion: null },
    normalize: false,
  },
  {
    id: 'yy_slash',
    regex: `\\d{2}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\\d|3[01]) \\d{2}:\\d{2}:\\d{2}${fraction}`,
    example: '17/06/09 20:10:40',
    read: { kind: 'strptime', formats: ['%y/%m/%d %H:%M:%S', '%y/%m/%d %H:%M:%S.%f'], completion: null },
    normalize: true,
  },
  {
    id: 'ymd_slash',
    regex: `\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}${fraction}`,
    example: '2024/03/04 09:15:02',
    read: { kind: 'strptime', formats: ['%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M:%S.%f'], completion: null },
    normalize: true,
  },
  {
    id: 'dmy_mon',
    regex: `\\d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\\d{4} \\d{2}:\\d{2}:\\d{2}${fraction}`,
    example: '04-Mar-2024 09:15:02.123',
    read: { kind: 'strptime', formats: ['%d-%b-%Y %H:%M:%S', '%d-%b-%Y %H:%M:%S.%f'], completion: null },
    normalize: true,
  },
  {
    id: 'md_dash',
    regex: '(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01]) \\d{2}:\\d{2}:\\d{2}\\.\\d{3}',
    example: '03-17 16:13:38.811',
    read: { kind: 'strptime', formats: ['%m-%d %H:%M:%S.%f'], completion: 'year' },
    normalize: false,
  },
  {
    id: 'clock',
    regex: `(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d${fraction}`,
    example: '09:15:02.123',
    read: { kind: 'strptime', formats: ['%H:%M:%S', '%H:%M:%S.%f'], completion: 'date' },
    normalize: true,
  },
  {
    id: 'epoch',
    // Seconds since 1970 with a fraction, as Squid writes them: 2001-09-09 to 2286.
    regex: '1\\d{9}\\.\\d{1,6}',
    example: '1286536308.779',
    read: { kind: 'epoch' },
    normalize: false,
  },
];

export function timeStyle(id: TimeStyleId): TimeStyle {
  return timeStyles.find((s) => s.id === id)!;
}

/** The strptime formats a style reads with, after completion adds what the text lacks. */
export function completedFormats(style: TimeStyle): string[] {
  if (style.read.kind !== 'strptime') return [];
  const { formats, completion } = style.read;
  if (completion === 'year') return formats.map((f) => `${f} %Y`);
  if (completion === 'date') return formats.map((f) => `%Y-%m-%d ${f}`);
  return formats;
}
