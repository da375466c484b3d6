import { canonicalLevel, levelWordsRegex } from './levels';
import { buildRegex, escapeRegex, type GroupedRegex } from './regex';
import { timeNameScore } from './time';
import { timeStyles, type TimeStyleId } from './timeStyles';

/**
 * logfmt: lines of `key=value` pairs, as Go's logfmt and logrus, Heroku's router and many
 * services write them (`time=… level=info msg="took 3 ms" status=200`), values bare or
 * double-quoted with backslash escapes, maybe after a short head (a timestamp, a level, a
 * `host app[pid]:` source). The keys most sampled lines carry become typed columns, the rest
 * of a line's pairs one text column, so nothing is lost. Every pattern here runs in
 * JavaScript (detection) and in RE2 (the import), like the other line formats.
 */

const keyPattern = '[^ \\t="]+';
const valuePattern = '"(?:[^"\\\\]|\\\\.)*"|[^ \\t"]*';
/** One pair, its key and value ungrouped. */
export const pairPattern = `${keyPattern}=(?:${valuePattern})`;
const pairsPattern = `${pairPattern}(?:[ \\t]+${pairPattern})*`;
/** A head holds no `=` (so where the pairs begin is unambiguous) and is short. */
const headBody = '[^=]*?';

/** A line split into its head (text before the first pair) and its pairs, or null when it is not logfmt. */
export function splitLogfmtLine(line: string): { head: string; pairs: [string, string][] } | null {
  const match = new RegExp(`^(?:(${headBody})[ \\t]+)?(${pairsPattern})[ \\t]*$`).exec(line);
  if (!match) return null;
  const pairs = [...match[2]!.matchAll(new RegExp(`(${keyPattern})=(${valuePattern})`, 'g'))].map((m) => [m[1]!, unquoteLogfmt(m[2]!)] as [string, string]);
  return { head: match[1] ?? '', pairs };
}

/** A value as written: a quoted one without its quotes and with `\"`, `\\`, `\n`, `\t`, `\r` read. */
export function unquoteLogfmt(value: string): string {
  if (!value.startsWith('"')) return value;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
  return value.slice(1, -1).replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

/** A line counts as logfmt when pairs are most of it: two or more, after a head of fewer words. */
function isLogfmtLine(split: { head: string; pairs: unknown[] } | null): boolean {
  if (!split || split.pairs.length < 2) return false;
  const headWords = split.head.trim() === '' ? 0 : split.head.trim().split(/[ \t]+/).length;
  return headWords <= 5 && headWords < split.pairs.length;
}

export type LogfmtKeyKind = 'time' | 'level' | 'message' | 'integer' | 'decimal' | 'text';

export interface LogfmtKey {
  key: string;
  /** The dataset column. */
  column: string;
  kind: LogfmtKeyKind;
  /** For the time key: how its values are written. */
  style?: TimeStyleId;
}

export interface LogfmtLayout {
  /** Groups `_m`, then the head's (`head_time`, `head_level`, `header`), then `pairs`. */
  regex: GroupedRegex;
  /** The head's time style, when most heads start with a timestamp and no key holds the time. */
  headTime: TimeStyleId | null;
  headLevel: boolean;
  hasHeader: boolean;
  keys: LogfmtKey[];
  /** The column of the pairs whose key is not a column of its own. */
  otherPairs: string;
}

const timeKeys = ['time', 'ts', 't', 'timestamp', '@timestamp', 'datetime', 'date'];
const levelKeys = ['level', 'lvl', 'severity', 'loglevel', 'log_level'];
const messageKeys = ['msg', 'message'];
const integerText = /^-?\d{1,18}$/;
const decimalText = /^-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?$/;

/** A time style that reads every value whole: most complete first. */
function styleOfValues(values: readonly string[]): TimeStyleId | null {
  if (values.length === 0) return null;
  const styles = [...timeStyles].sort((a, b) => b.rank - a.rank);
  return styles.find((s) => s.read.kind !== 'date' && values.every((v) => new RegExp(`^(?:${s.regex})$`).test(v)))?.id ?? null;
}

/**
 * The logfmt layout of a sample, when at least `minShare` of its lines are logfmt (and one
 * is); null otherwise. Detection offers it as a reading at any share, and chooses it at half.
 * The columns are the keys of most (over half) the logfmt lines, in the order they first appear.
 */
export function detectLogfmt(lines: readonly string[], minShare = 0.5): { layout: LogfmtLayout; share: number } | null {
  const splits = lines.map(splitLogfmtLine).filter(isLogfmtLine) as { head: string; pairs: [string, string][] }[];
  if (splits.length === 0 || splits.length < lines.length * minShare) return null;
  const seen = new Map<string, string[]>();
  for (const split of splits) {
    const keysOfLine = new Set<string>();
    for (const [key, value] of split.pairs) {
      if (keysOfLine.has(key)) continue;
      keysOfLine.add(key);
      const values = seen.get(key) ?? [];
      values.push(value);
      seen.set(key, values);
    }
  }
  const common = [...seen.entries()].filter(([, values]) => values.length > splits.length * 0.5);
  const written = (values: readonly string[]) => values.filter((v) => v !== '');
  const pick = (names: readonly string[], test: (values: string[]) => boolean) =>
    names.map((n) => common.find(([key]) => key.toLowerCase() === n)).find((entry) => entry && test(written(entry[1])))?.[0] ?? null;
  const timeKey = pick(timeKeys, (v) => styleOfValues(v) !== null) ?? common.find(([key, v]) => timeNameScore(key) > 0 && styleOfValues(written(v)) !== null)?.[0] ?? null;
  const isLevels = (v: string[]) => v.length > 0 && v.filter((x) => canonicalLevel(x) !== null).length >= v.length * 0.9;
  // Heroku's router writes its level as `at=info`: any key whose values are level words is one.
  const levelKey = pick(levelKeys, isLevels) ?? common.find(([key, v]) => key !== timeKey && isLevels(written(v)))?.[0] ?? null;
  const messageKey = pick(messageKeys, () => true);

  const heads = splits.map((s) => s.head.trim()).filter((h) => h !== '');
  const hasHeader = heads.length > 0;
  const headStyle = timeKey || heads.length < splits.length * 0.8 ? null : headTimeStyle(heads);
  const levelRegex = levelWordsRegex();
  const headLevel = !levelKey && headStyle !== null && heads.filter((h) => new RegExp(`^\\[?(?:${timeRegexOf(headStyle)})\\]?[ \\t]+\\[?(?:${levelRegex})\\]?:?(?:[ \\t]|$)`).test(h)).length >= heads.length * 0.8;

  const taken = new Set<string>();
  const unique = (name: string) => {
    let next = name;
    for (let n = 2; taken.has(next.toLowerCase()) || next.toLowerCase().startsWith('_ls_'); n++) next = `${name.replace(/^_+/, '')}_${n}`;
    taken.add(next.toLowerCase());
    return next;
  };
  // Role columns take their names first, so a key called `message` beside `msg` becomes `message_2`.
  if (timeKey || headStyle) unique('time');
  if (levelKey || headLevel) unique('level');
  if (messageKey) unique('message');
  if (hasHeader) unique('header');
  const keys: LogfmtKey[] = common.map(([key, values]) => {
    const v = written(values);
    if (key === timeKey) return { key, column: 'time', kind: 'time', style: styleOfValues(v)! };
    if (key === levelKey) return { key, column: 'level', kind: 'level' };
    if (key === messageKey) return { key, column: 'message', kind: 'message' };
    const kind: LogfmtKeyKind = v.length > 0 && v.every((x) => integerText.test(x)) ? 'integer' : v.length > 0 && v.every((x) => decimalText.test(x)) ? 'decimal' : 'text';
    return { key, column: unique(key), kind };
  });
  const otherPairs = unique('other_pairs');

  const regex = buildRegex((g) => {
    const head = headStyle
      ? `\\[?${g('head_time', timeRegexOf(headStyle))}\\]?${headLevel ? `(?:[ \\t]+\\[?${g('head_level', levelRegex)}\\]?:?)?` : ''}(?:[ \\t]+${g('header', headBody)})?`
      : g('header', headBody);
    return `^(?:${head}[ \\t]+)?${g('pairs', pairsPattern)}[ \\t]*$`;
  });
  return {
    layout: { regex: { source: `(${regex.source})`, groups: ['_m', ...regex.groups] }, headTime: headStyle, headLevel, hasHeader, keys, otherPairs },
    share: splits.length / lines.length,
  };
}

const timeRegexOf = (id: TimeStyleId) => timeStyles.find((s) => s.id === id)!.regex;

/** The line-start time style most heads begin with (80 % of them), if any. */
function headTimeStyle(heads: readonly string[]): TimeStyleId | null {
  for (const style of timeStyles.filter((s) => s.lineStart)) {
    const starts = new RegExp(`^\\[?(?:${style.regex})\\]?(?:[ \\t]|$)`);
    if (heads.filter((h) => starts.test(h)).length >= heads.length * 0.8) return style.id;
  }
  return null;
}

/**
 * SQL regex whose group 1 is the value of `key` in a pairs text: it steps over whole pairs
 * from the start, so a `key=` inside an earlier quoted value is never taken for the key.
 */
export function logfmtValueRegex(key: string): string {
  return `^(?:${pairPattern}[ \\t]+)*?${escapeRegex(key)}=(${valuePattern})(?:[ \\t]|$)`;
}
