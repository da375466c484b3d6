import { quoteLiteral } from '../sql/quote';

/**
 * Log levels as systems spell them, and the one name each becomes in a dataset. Levels are
 * stored under one canonical spelling, so `WARNING` (Python), `WARN` (log4j), `warn`
 * (nginx) and `W` (logcat) filter and chart together when files of several systems land in
 * one dataset.
 */
export const canonicalLevels = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY', 'FATAL'] as const;
export type CanonicalLevel = (typeof canonicalLevels)[number];

/** Every written form (upper case) and its canonical level. */
const levelWords: Record<string, CanonicalLevel> = {
  TRACE: 'TRACE',
  FINEST: 'TRACE',
  FINER: 'TRACE',
  VERBOSE: 'TRACE',
  DEBUG: 'DEBUG',
  DBG: 'DEBUG',
  FINE: 'DEBUG',
  INFO: 'INFO',
  INF: 'INFO',
  INFORMATION: 'INFO',
  INFORMATIONAL: 'INFO',
  CONFIG: 'INFO',
  NOTICE: 'NOTICE',
  WARN: 'WARN',
  WARNING: 'WARN',
  WRN: 'WARN',
  ERROR: 'ERROR',
  ERR: 'ERROR',
  SEVERE: 'ERROR',
  CRIT: 'CRITICAL',
  CRITICAL: 'CRITICAL',
  ALERT: 'ALERT',
  EMERG: 'EMERGENCY',
  EMERGENCY: 'EMERGENCY',
  PANIC: 'EMERGENCY',
  FATAL: 'FATAL',
  FTL: 'FATAL',
  // PostgreSQL's server messages (`LOG:  checkpoint starting`), in upper case only: `log` and
  // `Log` are words of heads and messages (a `log:` tag, `Log for ConfigStore`).
  LOG: 'INFO',
};

/** Level words read only as written in upper case. */
const upperOnly = new Set(['LOG']);

/** One-letter levels (Android logcat, glog): only read where a format puts a letter. */
const levelLetters: Record<string, CanonicalLevel> = {
  V: 'TRACE',
  D: 'DEBUG',
  I: 'INFO',
  W: 'WARN',
  E: 'ERROR',
  F: 'FATAL',
  A: 'FATAL',
};

/**
 * Two-letter severities followed by the syslog PRI in parentheses, as VMware ESXi's
 * vmsyslogd writes them (`In(14)`, `Wa(180)`, `Db(167)`): only read in that form, since
 * `In` or `No` alone are words of any message.
 */
const priorityAbbreviations: Record<string, CanonicalLevel> = {
  Em: 'EMERGENCY',
  Al: 'ALERT',
  Cr: 'CRITICAL',
  Er: 'ERROR',
  Wa: 'WARN',
  No: 'NOTICE',
  In: 'INFO',
  Db: 'DEBUG',
};

/** The abbreviations, as a regular expression alternative (no groups) for JavaScript and RE2. */
export const priorityAbbreviationsRegex = Object.keys(priorityAbbreviations).join('|');
/** The PRI after an abbreviation. */
export const priorityAfterAbbreviation = '\\(\\d{1,3}\\)';

/** Syslog severities by number (RFC 5424 §6.2.1). */
export const syslogSeverities: readonly CanonicalLevel[] = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG'];

/** Syslog facilities by number (RFC 5424 §6.2.1). */
export const syslogFacilities = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

export function canonicalLevel(written: string): CanonicalLevel | null {
  const trimmed = written.trim();
  const upper = trimmed.toUpperCase();
  if (upperOnly.has(upper) && trimmed !== upper) return null;
  // Abbreviations only as written (`In`, or `In(14)` with its PRI), never `in` or `NO`.
  const abbreviation = trimmed.replace(/\(\d{1,3}\)$/, '');
  return levelWords[upper] ?? levelLetters[upper] ?? (Object.hasOwn(priorityAbbreviations, abbreviation) ? priorityAbbreviations[abbreviation]! : null);
}

/**
 * A regular expression alternative (no groups) matching the level words as written in upper,
 * lower and capitalised case — JavaScript has no inline `(?i)`, and the same text must run
 * in JavaScript (detection) and RE2 (DuckDB). Longer words first, so `WARNING` is not read as
 * `WARN` followed by `ING`.
 */
export function levelWordsRegex(): string {
  const words = Object.keys(levelWords).sort((a, b) => b.length - a.length);
  const forms = words.flatMap((w) => (upperOnly.has(w) ? [w] : [w, w.toLowerCase(), w[0] + w.slice(1).toLowerCase()]));
  return [...new Set(forms)].join('|');
}

export const levelLettersRegex = '[VDIWEFA]';

/**
 * SQL: the canonical level of a written level (NULL for an empty or unknown one). An
 * abbreviation with its PRI (`Db(167)`) is read as the abbreviation, as `canonicalLevel` does;
 * the PRI is only looked for when the value is no level as it stands.
 */
export function levelSql(value: string): string {
  const abbreviations = Object.entries(priorityAbbreviations).map(([written, level]) => [written.toUpperCase(), level] as const);
  const whens = (pairs: readonly (readonly [string, string])[]) => pairs.map(([written, canonical]) => `WHEN ${quoteLiteral(written)} THEN ${quoteLiteral(canonical)}`).join(' ');
  const pairs = whens([...Object.entries(levelWords), ...Object.entries(levelLetters), ...abbreviations]);
  const withPriority = `CASE regexp_extract(${value}, '^\\s*(${priorityAbbreviationsRegex})${priorityAfterAbbreviation}\\s*$', 1) ${whens(Object.entries(priorityAbbreviations))} ELSE NULL END`;
  return `(CASE upper(trim(${value})) ${pairs} ELSE ${withPriority} END)`;
}

/** SQL: the level of a syslog PRI value (`<34>` → 34 % 8 = 2 → CRITICAL). */
export function syslogSeveritySql(pri: string): string {
  const whens = syslogSeverities.map((level, i) => `WHEN ${i} THEN ${quoteLiteral(level)}`).join(' ');
  return `(CASE TRY_CAST(${pri} AS INTEGER) % 8 ${whens} ELSE NULL END)`;
}

export function syslogFacilitySql(pri: string): string {
  const whens = syslogFacilities.map((facility, i) => `WHEN ${i} THEN ${quoteLiteral(facility)}`).join(' ');
  return `(CASE TRY_CAST(${pri} AS INTEGER) // 8 ${whens} ELSE NULL END)`;
}
