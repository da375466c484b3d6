import { quoteLiteral } from '../sql/quote';

/**
 * How lines of text logs write their timestamps. Each style is a regex for the timestamp as
 * written (no groups; the same text runs in JavaScript and in DuckDB's RE2), and how DuckDB
 * reads that text as a time. Styles without a year (BSD syslog, Android logcat, glog) or
 * without a date (logback's `HH:mm:ss.SSS`) are completed from a reference instant: the
 * file's modification time, the mail's date, the upload's `lastModified` (see `sql/time.ts`).
 *
 * `lineStart` styles begin the lines of the `log` grammar; the others are found by header
 * inference (`headerInference.ts`) wherever they stand in a line's head: inside brackets,
 * after a process name, between fields. When a head holds several, the most complete
 * (`rank`) is the line's time.
 */
export const timeStyleIds = [
  'iso',
  'bsd',
  'ctime',
  'yymmdd',
  'yymmdd_colon',
  'yy_slash',
  'ymd_slash',
  'ymd_dot',
  'ymd_dash_dots',
  'ymd_compact',
  'dmy_mon',
  'dmy_mon_slash',
  'd_mon_y',
  'd_mon',
  'mon_dash_d',
  'mdy_slash',
  'md_dash',
  'md_dot',
  'glog',
  'clock',
  'epoch',
  'epoch_s',
  'epoch_ms',
  'ymd_dot_date',
] as const;
export type TimeStyleId = (typeof timeStyleIds)[number];

export type TimeRead =
  /** ISO-8601: `T` or space, `,` or `.` before the fraction, `Z` or an offset or none. */
  | { kind: 'iso' }
  /**
   * DuckDB strptime formats (tried in order); `zonedFormats` when the values carry an offset
   * (after zone names became offsets); `completion` names what the text lacks.
   */
  | { kind: 'strptime'; formats: string[]; zonedFormats?: string[]; completion: 'year' | 'date' | null }
  | { kind: 'epoch'; unit: 's' | 'ms' }
  /** A date without a time of day: read as midnight, and only chosen when nothing better stands in the line. */
  | { kind: 'date'; formats: string[] };

export interface TimeStyle {
  id: TimeStyleId;
  regex: string;
  example: string;
  read: TimeRead;
  /**
   * Rewrites before reading: `,` (and `:`, as log4cpp and sssd write it) before a fraction
   * becomes `.`, a zone name (`PDT`) becomes its offset, a space before an offset goes.
   */
  normalize: boolean;
  /** Begins the lines of the `log` grammar. */
  lineStart: boolean;
  /**
   * How complete a time it is, to choose among several in one line: with date, time and
   * year 3, epoch numbers 2.5, without a year 2, time of day alone 1, a date alone 0.5.
   */
  rank: number;
}

const months = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const days = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';

/**
 * Zone names logs write after a time, with their offsets. Names that mean two zones (`CST`:
 * China or US Central, `IST`: India, Ireland or Israel) are left out: a wrong offset would be
 * worse than none, and such a time is read in the zone the user confirms.
 */
export const zoneNames: Record<string, string> = {
  UTC: '+00:00',
  GMT: '+00:00',
  WET: '+00:00',
  WEST: '+01:00',
  BST: '+01:00',
  CET: '+01:00',
  CEST: '+02:00',
  EET: '+02:00',
  EEST: '+03:00',
  MSK: '+03:00',
  EST: '-05:00',
  EDT: '-04:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
  AKST: '-09:00',
  AKDT: '-08:00',
  HST: '-10:00',
  JST: '+09:00',
  KST: '+09:00',
  HKT: '+08:00',
  SGT: '+08:00',
  AEST: '+10:00',
  AEDT: '+11:00',
  NZST: '+12:00',
  NZDT: '+13:00',
};
const zoneName = `(?:${Object.keys(zoneNames).join('|')})`;
/** An offset or zone name after a time, with or without a space. */
const zone = `(?: ?(?:Z|[+-]\\d{2}:?\\d{2}|${zoneName}))`;

// A fraction after `.`, or after `,` as log4j writes milliseconds (three to six digits, so
// a CSV row's next field is not read as one), or after `:` as log4cpp writes them.
const fraction = '(?:\\.\\d{1,9}|,\\d{3,6}|:\\d{3,6})?';
const clock = `\\d{2}:\\d{2}:\\d{2}${fraction}`;
const meridiem = '(?: [AP]M)';

/** Each format with and without a fraction of seconds (`{f}`). */
const withFraction = (...formats: string[]) => formats.flatMap((f) => (f.includes('{f}') ? [f.replace('{f}', '.%f'), f.replace('{f}', '')] : [f]));
/** Formats for values without a zone, and with one (`{z}` marks where the offset stands). */
const zoned = (...formats: string[]) => ({
  formats: withFraction(...formats.map((f) => f.replace('{z}', ''))),
  zonedFormats: withFraction(...formats.map((f) => f.replace('{z}', '%z'))),
});

export const timeStyles: readonly TimeStyle[] = [
  {
    id: 'iso',
    // A 12-hour clock (`2023-07-19T02:47:11 AM UTC`) is read as the 24-hour time it means (`timeRewrites`).
    regex: `\\d{4}-\\d{2}-\\d{2}(?:T| {1,2})\\d{1,2}:\\d{2}:\\d{2}${fraction}${meridiem}?${zone}?`,
    example: '2015-07-29 17:41:44,747',
    read: { kind: 'iso' },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'bsd',
    regex: `${months} [ 0-3]\\d \\d{2}:\\d{2}:\\d{2}`,
    example: 'Jun 14 15:16:01',
    read: { kind: 'strptime', formats: ['%b %d %H:%M:%S'], completion: 'year' },
    normalize: true,
    lineStart: true,
    rank: 2,
  },
  {
    id: 'ctime',
    regex: `${days} ${months} (?:[ 0-3]\\d|\\d) ${clock}(?: ${zoneName})? \\d{4}`,
    example: 'Sun Dec 04 04:47:44 2005',
    read: { kind: 'strptime', ...zoned('%a %b %d %H:%M:%S{f}{z} %Y'), completion: null },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'yymmdd',
    regex: '\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]) (?:[01]\\d|2[0-3])[0-5]\\d[0-5]\\d',
    example: '081109 203615',
    read: { kind: 'strptime', formats: ['%y%m%d %H%M%S'], completion: null },
    normalize: false,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'yymmdd_colon',
    regex: '\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]) {1,2}\\d{1,2}:\\d{2}:\\d{2}',
    example: '170213 16:00:33',
    read: { kind: 'strptime', formats: ['%y%m%d %H:%M:%S'], completion: null },
    normalize: false,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'yy_slash',
    regex: `\\d{2}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\\d|3[01]) ${clock}`,
    example: '17/06/09 20:10:40',
    read: { kind: 'strptime', formats: withFraction('%y/%m/%d %H:%M:%S{f}'), completion: null },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'ymd_slash',
    regex: `\\d{4}/\\d{2}/\\d{2} ${clock}${zone}?`,
    example: '2024/03/04 09:15:02',
    read: { kind: 'strptime', ...zoned('%Y/%m/%d %H:%M:%S{f}{z}'), completion: null },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'ymd_dot',
    regex: `\\d{4}\\.\\d{2}\\.\\d{2}[ -]${clock}`,
    example: '2024.03.04 09:15:02',
    read: { kind: 'strptime', formats: withFraction('%Y.%m.%d %H:%M:%S{f}', '%Y.%m.%d-%H:%M:%S{f}'), completion: null },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'ymd_dash_dots',
    regex: '\\d{4}-\\d{2}-\\d{2}-\\d{2}\\.\\d{2}\\.\\d{2}(?:\\.\\d{1,9})?',
    example: '2005-06-03-15.42.50.675872',
    read: { kind: 'strptime', formats: withFraction('%Y-%m-%d-%H.%M.%S{f}'), completion: null },
    normalize: false,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'ymd_compact',
    regex: `(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])[- T]${clock}`,
    example: '20171223-22:15:29:606',
    read: { kind: 'strptime', formats: withFraction('%Y%m%d-%H:%M:%S{f}', '%Y%m%d %H:%M:%S{f}', '%Y%m%dT%H:%M:%S{f}'), completion: null },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'dmy_mon',
    regex: `\\d{2}-${months}-\\d{4} ${clock}`,
    example: '04-Mar-2024 09:15:02.123',
    read: { kind: 'strptime', formats: withFraction('%d-%b-%Y %H:%M:%S{f}'), completion: null },
    normalize: true,
    lineStart: true,
    rank: 3,
  },
  {
    id: 'dmy_mon_slash',
    regex: `\\d{2}/${months}/\\d{4}[: ]\\d{2}:\\d{2}:\\d{2}(?: [+-]\\d{4})?`,
    example: '04/Nov/2010:17:37:40 -0400',
    read: { kind: 'strptime', ...zoned('%d/%b/%Y:%H:%M:%S{z}', '%d/%b/%Y %H:%M:%S{z}'), completion: null },
    normalize: true,
    lineStart: false,
    rank: 3,
  },
  {
    id: 'd_mon_y',
    regex: `(?:[0-3]\\d|\\d) ${months} \\d{4} ${clock}`,
    example: '29 Aug 2023 13:47:38.984',
    read: { kind: 'strptime', formats: withFraction('%d %b %Y %H:%M:%S{f}'), completion: null },
    normalize: true,
    lineStart: false,
    rank: 3,
  },
  {
    id: 'd_mon',
    regex: `(?:[0-3]\\d|\\d) ${months} ${clock}`,
    example: '13 Apr 12:52:30.731',
    read: { kind: 'strptime', formats: withFraction('%d %b %H:%M:%S{f}'), completion: 'year' },
    normalize: true,
    lineStart: false,
    rank: 2,
  },
  {
    id: 'mon_dash_d',
    regex: `${months}-[0-3]\\d ${clock}`,
    example: 'Mar-18 21:41:15.684',
    read: { kind: 'strptime', formats: withFraction('%b-%d %H:%M:%S{f}'), completion: 'year' },
    normalize: true,
    lineStart: false,
    rank: 2,
  },
  {
    id: 'mdy_slash',
    regex: `(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\\d|3[01])/\\d{4}[ :]${clock}(?: [AP]M)?${zone}?`,
    example: '06/09/2014 02:49:59:447 PM UTC',
    read: {
      kind: 'strptime',
      ...zoned('%m/%d/%Y %H:%M:%S{f}{z}', '%m/%d/%Y %I:%M:%S{f} %p{z}', '%m/%d/%Y:%H:%M:%S{f}{z}'),
      completion: null,
    },
    normalize: true,
    lineStart: false,
    rank: 3,
  },
  {
    id: 'md_dash',
    regex: '(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01]) \\d{2}:\\d{2}:\\d{2}\\.\\d{3}',
    example: '03-17 16:13:38.811',
    read: { kind: 'strptime', formats: ['%m-%d %H:%M:%S.%f'], completion: 'year' },
    normalize: false,
    lineStart: false,
    rank: 2,
  },
  {
    id: 'md_dot',
    regex: '(?:0[1-9]|1[0-2])\\.(?:0[1-9]|[12]\\d|3[01]) \\d{2}:\\d{2}:\\d{2}',
    example: '10.30 16:49:06',
    read: { kind: 'strptime', formats: ['%m.%d %H:%M:%S'], completion: 'year' },
    normalize: false,
    lineStart: false,
    rank: 2,
  },
  {
    // glog / klog: `I0517 15:04:22.619632`, the level letter written against the date.
    id: 'glog',
    regex: '(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]) \\d{2}:\\d{2}:\\d{2}\\.\\d{6}',
    example: '0517 15:04:22.619632',
    read: { kind: 'strptime', formats: ['%m%d %H:%M:%S.%f'], completion: 'year' },
    normalize: false,
    lineStart: false,
    rank: 2,
  },
  {
    id: 'clock',
    regex: `(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d${fraction}`,
    example: '09:15:02.123',
    read: { kind: 'strptime', formats: withFraction('%H:%M:%S{f}'), completion: 'date' },
    normalize: true,
    lineStart: true,
    rank: 1,
  },
  {
    id: 'epoch',
    // Seconds since 1970 with a fraction, as Squid and strace -ttt write them: 2001-09-09 to 2033.
    regex: '1\\d{9}\\.\\d{1,6}',
    example: '1286536308.779',
    read: { kind: 'epoch', unit: 's' },
    normalize: false,
    lineStart: true,
    rank: 2.5,
  },
  {
    id: 'epoch_s',
    // Whole seconds since 1970, from 2003-04 to 2033: a number of this size in a log's head is
    // a time more often than not. Smaller ten-digit numbers (VMware's world ids, 1000…) are ids.
    regex: '1(?:0[5-9]|[1-9]\\d)\\d{7}',
    example: '1117838570',
    read: { kind: 'epoch', unit: 's' },
    normalize: false,
    lineStart: false,
    rank: 2.5,
  },
  {
    id: 'epoch_ms',
    regex: '1(?:0[5-9]|[1-9]\\d)\\d{10}',
    example: '1700000000000',
    read: { kind: 'epoch', unit: 'ms' },
    normalize: false,
    lineStart: false,
    rank: 2.5,
  },
  {
    id: 'ymd_dot_date',
    regex: '\\d{4}\\.\\d{2}\\.\\d{2}',
    example: '2005.06.03',
    read: { kind: 'date', formats: ['%Y.%m.%d'] },
    normalize: false,
    lineStart: false,
    rank: 0.5,
  },
];

export function timeStyle(id: TimeStyleId): TimeStyle {
  return timeStyles.find((s) => s.id === id)!;
}

/** The strptime formats a style reads with, after completion adds what the text lacks. */
export function completedFormats(style: TimeStyle, hasZone = false): string[] {
  if (style.read.kind === 'date') return style.read.formats;
  if (style.read.kind !== 'strptime') return [];
  const { completion } = style.read;
  const formats = hasZone && style.read.zonedFormats ? style.read.zonedFormats : style.read.formats;
  if (completion === 'year') return formats.map((f) => `${f} %Y`);
  if (completion === 'date') return formats.map((f) => `%Y-%m-%d ${f}`);
  return formats;
}

const colonFraction = /(\d{2}:\d{2}:\d{2}):(\d{3,6})\b/;
const zoneNameAt = new RegExp(` ?\\b(${Object.keys(zoneNames).join('|')})\\b`);
const spacedOffset = / ([+-]\d{2}:?\d{2})( |$)/;
/** Hour, the rest of the clock (`:mm:ss.fff`, fraction rewritten), `AM` or `PM`. */
const twelveHour = /(\d{1,2})(:\d{2}:\d{2}(?:\.\d+)?) ([AP]M)\b/;
const twelveHourSql = '(\\d{1,2})(:\\d{2}:\\d{2}(?:\\.\\d+)?) ([AP]M)\\b';

/**
 * The rewrites a style's values need before DuckDB reads them, judged from the sample so an
 * import pays only for those its lines need: `,` or `:` before a fraction becomes `.`, the
 * zone names written become offsets, and a space before an offset goes (DuckDB reads
 * `…:07-07:00`, not `…:07 -07:00`).
 */
export interface TimeRewrites {
  comma: boolean;
  colon: boolean;
  /** A 12-hour clock with `AM`/`PM` becomes the 24-hour clock. */
  meridiem: boolean;
  names: string[];
  offsetSpace: boolean;
}

export function timeRewrites(style: TimeStyle, samples: readonly string[]): TimeRewrites {
  const none = { comma: false, colon: false, meridiem: false, names: [], offsetSpace: false };
  if (!style.normalize) return none;
  const names = new Set<string>();
  for (const value of samples) {
    const match = zoneNameAt.exec(value);
    if (match) names.add(match[1]!);
  }
  return {
    comma: samples.some((v) => v.includes(',')),
    colon: samples.some((v) => colonFraction.test(v)),
    meridiem: samples.some((v) => twelveHour.test(v)),
    names: [...names].sort(),
    offsetSpace: names.size > 0 || samples.some((v) => spacedOffset.test(v)),
  };
}

/** A timestamp as DuckDB will read it: the JavaScript side of `normalizedTimeSql`, to judge sample values alike. */
export function normalizeTimeText(value: string, rewrites: TimeRewrites): string {
  let text = value;
  if (rewrites.comma) text = text.replace(',', '.');
  if (rewrites.colon) text = text.replace(colonFraction, '$1.$2');
  if (rewrites.meridiem) {
    text = text.replace(twelveHour, (_, hour: string, rest: string, half: string) => `${String((Number(hour) % 12) + (half === 'PM' ? 12 : 0)).padStart(2, '0')}${rest}`);
  }
  for (const name of rewrites.names) text = text.replace(new RegExp(` ?\\b${name}\\b`), zoneNames[name]!);
  if (rewrites.offsetSpace) text = text.replace(spacedOffset, '$1$2');
  return text;
}

/** Whether a timestamp, rewritten, carries its offset. */
export const hasOffset = (normalized: string): boolean => /(?:Z|[+-]\d{2}:?\d{2})(?: |$)/.test(normalized);

/** SQL: `normalizeTimeText` over a column. */
export function normalizedTimeSql(value: string, rewrites: TimeRewrites): string {
  let sql = value;
  if (rewrites.comma) sql = `replace(${sql}, ',', '.')`;
  if (rewrites.colon) sql = `regexp_replace(${sql}, '(\\d{2}:\\d{2}:\\d{2}):(\\d{3,6})\\b', '\\1.\\2')`;
  if (rewrites.meridiem) sql = twelveHourToDaySql(sql);
  for (const name of rewrites.names) sql = `regexp_replace(${sql}, ' ?\\b${name}\\b', ${quoteLiteral(zoneNames[name]!)})`;
  if (rewrites.offsetSpace) sql = `regexp_replace(${sql}, ' ([+-]\\d{2}:?\\d{2})( |$)', '\\1\\2')`;
  return sql;
}

/**
 * SQL: `02:47:11 PM` → `14:47:11` (12 AM is midnight, 12 PM noon). The hour is computed, so
 * the text is taken apart around the clock and put together again; values without `AM`/`PM`
 * are left as they are.
 */
function twelveHourToDaySql(value: string): string {
  const part = (n: number) => `regexp_extract(${value}, '^(.*?)${twelveHourSql}(.*)$', ${n})`;
  const hour = `lpad(CAST(TRY_CAST(${part(2)} AS INTEGER) % 12 + CASE ${part(4)} WHEN 'PM' THEN 12 ELSE 0 END AS VARCHAR), 2, '0')`;
  return `(CASE WHEN regexp_matches(${value}, '${twelveHourSql}') THEN ${part(1)} || ${hour} || ${part(3)} || ${part(5)} ELSE ${value} END)`;
}
