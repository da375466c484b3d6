/**
 * Builds the lnav part of the format corpus (test/fixtures/corpus) from lnav's format
 * definitions (tstack/lnav, `src/formats/*.json`, BSD-2-Clause):
 *
 *   npx tsx scripts/corpus/lnav.ts LNAV_FORMATS_DIR [OUT_DIR]
 *
 * Each definition lists regular expressions (one per line shape a program writes) and
 * `sample` lines. Every sample is matched against its definition's expressions; the lines
 * of one expression make one corpus file (`FORMAT.VARIANT.log`), and the truth of each
 * line is what lnav's definition says: the text of the `timestamp` group, read here as an
 * instant to the second, and the level the definition's `level` table gives the level
 * field (formats whose "level" is a status code, an errno or the message body have none).
 * The truth goes to `truth.json`; nothing of Logscope is used to make it.
 */
import fs from 'node:fs';
import path from 'node:path';

const [formatsDir, outDir = path.resolve(import.meta.dirname, '../../test/fixtures/corpus')] = process.argv.slice(2);
if (!formatsDir) {
  console.error('usage: tsx scripts/corpus/lnav.ts LNAV_FORMATS_DIR [OUT_DIR]');
  process.exit(2);
}

interface LnavFormat {
  regex?: Record<string, { pattern: string }>;
  sample?: { line: string; level?: string }[];
  'level-field'?: string;
  'timestamp-field'?: string;
  level?: Record<string, string>;
}

/** The time a line was written, as lnav's definition reads it. */
export type TruthTime =
  /** Written with a zone or offset, or as epoch seconds: the instant, UTC. */
  | { kind: 'instant'; value: string }
  /** Written without a zone: the wall-clock time as written. */
  | { kind: 'local'; value: string }
  /** Written without a year: `MM-DD HH:MM:SS`. */
  | { kind: 'no_year'; value: string }
  /** Written without a date: `HH:MM:SS`. */
  | { kind: 'time_only'; value: string };

export interface TruthLine {
  /** 1-based physical line of the entry's first line in the file. */
  line: number;
  /** The timestamp as written (lnav's `timestamp` group). */
  written: string | null;
  time: TruthTime | null;
  /** lnav's level name (trace, debug, info, notice, warning, error, critical, fatal), where the definition has one. */
  level: string | null;
}

/** lnav's expressions are PCRE; these are the constructs its definitions use that JavaScript spells otherwise. */
function toJs(source: string): RegExp {
  let flags = 's';
  let s = source.replace(/^\(\?s\)/, '');
  if (s.startsWith('(?i)')) {
    flags += 'i';
    s = s.slice(4);
  }
  s = s
    .replace(/\(\?i\)/g, '')
    .replace(/\\Z/g, '$')
    .replace(/\\A/g, '^')
    .replace(/\(\?P=\w+\)/g, '')
    .replace(/\(\?>/g, '(?:')
    // PCRE reads `[^]]` as "not `]`"; JavaScript reads `[^]` as any character.
    .replace(/\[\^\]/g, '[^\\]')
    .replace(/\[:alpha:\]/g, 'A-Za-z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:space:\]/g, '\\s')
    .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
    .replace(/\[:upper:\]/g, 'A-Z')
    .replace(/\[:lower:\]/g, 'a-z')
    .replace(/\[:xdigit:\]/g, '0-9a-fA-F')
    .replace(/([+*?}])\+/g, '$1')
    .replace(/\(\?<([A-Za-z0-9_]+)>/g, (_m, n: string) => `(?<${n}>`);
  return new RegExp(s, flags);
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const month = (name: string) => String(months.indexOf(name.slice(0, 3).toLowerCase()) + 1).padStart(2, '0');
const two = (n: string | number) => String(n).padStart(2, '0');
/** Zone names the samples write, with their offsets in minutes. */
const zoneNames: Record<string, number> = { UTC: 0, GMT: 0, Z: 0, PDT: -420, PST: -480, MSK: 180, CET: 60, CEST: 120, EST: -300, EDT: -240 };

function offsetMinutes(zone: string | undefined): number | null {
  if (!zone) return null;
  if (zone in zoneNames) return zoneNames[zone]!;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) throw new Error(`unknown zone ${zone}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function dated(y: string, mo: string, d: string, h: string, mi: string, s: string, zone?: string, ampm?: string): TruthTime {
  let hour = Number(h);
  if (ampm === 'PM' && hour < 12) hour += 12;
  if (ampm === 'AM' && hour === 12) hour = 0;
  const offset = offsetMinutes(zone);
  if (offset === null) return { kind: 'local', value: `${y}-${two(mo)}-${two(d)} ${two(hour)}:${mi}:${s}` };
  const utc = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s)) - offset * 60_000);
  return { kind: 'instant', value: utc.toISOString().slice(0, 19).replace('T', ' ') };
}

const Z = '(Z|[+-]\\d{2}:?\\d{2}|[A-Z]{3,4})';
const Mon = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const Dow = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';

/** The written timestamp as a truth value; null for one without a time of day to the second. */
export function truthTime(written: string): TruthTime | null {
  const t = written.trim();
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})[T ] *(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,:]\\d+)?(?: ?(AM|PM))? ?${Z}?$`).exec(t))) return dated(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[8], m[7]);
  if ((m = new RegExp(`^(\\d{4})/(\\d{2})/(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)? ?${Z}?$`).exec(t))) return dated(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]);
  if ((m = new RegExp(`^(\\d{2})/${Mon}/(\\d{4})[: ](\\d{2}):(\\d{2}):(\\d{2}) ?${Z}?$`).exec(t))) return dated(m[3]!, month(m[2]!), m[1]!, m[4]!, m[5]!, m[6]!, m[7]);
  if ((m = new RegExp(`^${Dow} ${Mon} +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:[.:]\\d+)?(?: ${Z})? (\\d{4})$`).exec(t))) return dated(m[7]!, month(m[1]!), m[2]!, m[3]!, m[4]!, m[5]!, m[6]);
  if ((m = new RegExp(`^${Mon} +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})$`).exec(t))) return { kind: 'no_year', value: `${month(m[1]!)}-${two(m[2]!)} ${m[3]}:${m[4]}:${m[5]}` };
  if ((m = new RegExp(`^${Mon}-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?$`).exec(t))) return { kind: 'no_year', value: `${month(m[1]!)}-${m[2]} ${m[3]}:${m[4]}:${m[5]}` };
  if ((m = new RegExp(`^(\\d{1,2}) ${Mon} (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?$`).exec(t))) return dated(m[3]!, month(m[2]!), m[1]!, m[4]!, m[5]!, m[6]!);
  if ((m = new RegExp(`^(\\d{1,2}) ${Mon} (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?$`).exec(t))) return { kind: 'no_year', value: `${month(m[2]!)}-${two(m[1]!)} ${m[3]}:${m[4]}:${m[5]}` };
  if ((m = /^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(t))) return dated(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
  // glog: MMDD, no year.
  if ((m = /^(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d+$/.exec(t))) return { kind: 'no_year', value: `${m[1]}-${m[2]} ${m[3]}:${m[4]}:${m[5]}` };
  if ((m = /^(\d{2})(\d{2})(\d{2}) (\d{2}):?(\d{2}):?(\d{2})$/.exec(t))) return dated(`20${m[1]}`, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
  if ((m = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(t))) return dated(`20${m[1]}`, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
  if ((m = new RegExp(`^(\\d{2})/(\\d{2})/(\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})(?::\\d+)? (AM|PM) ${Z}$`).exec(t))) return dated(m[3]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8], m[7]);
  if ((m = /^(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(t))) return { kind: 'no_year', value: `${m[1]}-${m[2]} ${m[3]}:${m[4]}:${m[5]}` };
  if ((m = /^(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d+$/.exec(t))) return { kind: 'no_year', value: `${m[1]}-${m[2]} ${m[3]}:${m[4]}:${m[5]}` };
  if ((m = /^\+?(\d{10})(?:\.\d+)?$/.exec(t))) return { kind: 'instant', value: new Date(Number(m[1]) * 1000).toISOString().slice(0, 19).replace('T', ' ') };
  if ((m = /^(\d{19})$/.exec(t))) return { kind: 'instant', value: new Date(Number(BigInt(m[1]!) / 1_000_000n)).toISOString().slice(0, 19).replace('T', ' ') };
  if ((m = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(t))) return { kind: 'time_only', value: `${m[1]}:${m[2]}:${m[3]}` };
  // A date alone, or minutes and seconds alone: no time of day to the second.
  if (/^\d{4}-\d{2}-\d{2}$/.test(t) || /^\d{2}:\d{2}\.\d+$/.test(t)) return null;
  throw new Error(`no truth rule for the timestamp ${JSON.stringify(written)}`);
}

/** Level fields that hold something else: a status code, an errno, the message itself. */
const notLevels = new Set(['body', 'sc_status', 'elb_status_code', 'errno', 'CacheCacheStatus']);
const lnavLevels = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical', 'fatal'];

function truthLevel(def: LnavFormat, text: string | undefined, stated: string | undefined): string | null {
  const field = def['level-field'] ?? 'level';
  if (notLevels.has(field) || text === undefined || text === '') return null;
  if (stated) return stated;
  for (const [level, pattern] of Object.entries(def.level ?? {})) {
    if (toJs(pattern).test(text)) return level.replace(/\d+$/, '');
  }
  const word = text.toLowerCase();
  if (lnavLevels.includes(word)) return word;
  if (word === 'warn') return 'warning';
  if (word === 'err') return 'error';
  return null;
}

interface CorpusFile {
  file: string;
  format: string;
  variant: string;
  lines: TruthLine[];
}

const files = new Map<string, CorpusFile & { text: string[] }>();
for (const name of fs.readdirSync(formatsDir).filter((f) => f.endsWith('.json')).sort()) {
  const definitions = JSON.parse(fs.readFileSync(path.join(formatsDir, name), 'utf8')) as Record<string, LnavFormat>;
  for (const [format, def] of Object.entries(definitions)) {
    if (format.startsWith('$') || !def.sample?.length) continue;
    const regexes = Object.entries(def.regex ?? {}).map(([variant, r]) => [variant, toJs(r.pattern)] as const);
    for (const sample of def.sample) {
      let variant = 'json';
      let written: string | null = null;
      let levelText: string | undefined;
      if (sample.line.startsWith('{')) {
        const object = JSON.parse(sample.line) as Record<string, unknown>;
        written = String(object[def['timestamp-field'] ?? 'timestamp'] ?? '');
        levelText = String(object[def['level-field'] ?? 'level'] ?? '');
      } else {
        const hit = regexes.map(([v, re]) => [v, re.exec(sample.line)] as const).find(([, m]) => m);
        if (!hit) throw new Error(`${format}: no expression of the definition reads ${JSON.stringify(sample.line.slice(0, 80))}`);
        variant = hit[0];
        written = hit[1]!.groups?.timestamp ?? null;
        levelText = hit[1]!.groups?.[def['level-field'] ?? 'level'];
      }
      const key = `${format}.${variant.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
      const entry = files.get(key) ?? { file: `lnav/${key}.log`, format, variant, lines: [], text: [] };
      const line = entry.text.reduce((n, t) => n + t.split('\n').length, 0) + 1;
      entry.text.push(sample.line);
      entry.lines.push({ line, written, time: written ? truthTime(written) : null, level: truthLevel(def, levelText, sample.level) });
      files.set(key, entry);
    }
  }
}

fs.rmSync(path.join(outDir, 'lnav'), { recursive: true, force: true });
fs.mkdirSync(path.join(outDir, 'lnav'), { recursive: true });
const truth: CorpusFile[] = [];
for (const entry of [...files.values()].sort((a, b) => a.file.localeCompare(b.file))) {
  fs.writeFileSync(path.join(outDir, entry.file), entry.text.join('\n') + '\n');
  truth.push({ file: entry.file, format: entry.format, variant: entry.variant, lines: entry.lines });
}
fs.writeFileSync(path.join(outDir, 'lnav-truth.json'), JSON.stringify({ files: truth }, null, 1) + '\n');
console.log(`${truth.length} files of ${new Set(truth.map((t) => t.format)).size} formats, ${truth.reduce((n, t) => n + t.lines.length, 0)} lines`);
