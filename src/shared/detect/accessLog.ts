import { buildRegex, type GroupedRegex } from './regex';

/**
 * Web server access logs: nginx and Apache "common" and "combined", with a virtual host
 * first (Apache `vhost_combined`, nginx `$host …`), an ISO time (`$time_iso8601`), and the
 * usual fields appended (`$request_time`, `$upstream_response_time`, `"$http_x_forwarded_for"`,
 * Apache `%D`). DuckDB splits them as CSV with `delim=' '` and `quote='"'`: the layout says
 * what each of the space-separated fields is.
 */
export type AccessRole =
  | 'vhost'
  | 'client_ip'
  | 'ident'
  | 'user'
  | 'time_open'
  | 'time_close'
  | 'time_single'
  | 'request'
  | 'status'
  | 'bytes'
  | 'referer'
  | 'user_agent'
  | 'request_time'
  | 'request_time_us'
  | 'upstream_response_time'
  | 'x_forwarded_for'
  | 'extra';

export interface AccessField {
  /** The reader's column: `f1`, `f2`, … */
  column: string;
  role: AccessRole;
  quoted: boolean;
  /** For `extra` fields: the dataset column and its type. */
  name?: string;
  type?: 'VARCHAR' | 'BIGINT' | 'DOUBLE';
}

export interface AccessLayout {
  flavour: 'nginx' | 'apache';
  fields: AccessField[];
}

/** One line that looks like an access log (the loose test detection scores with). */
export const accessLinePattern = /^(?:[^ ]+ )?[^ ]+ [^ ]+ [^ ]+ \[[^\]]+\] "(?:[^"\\]|\\.)*" (?:\d{3}|-) (?:\d+|-)(?: |$)/;

interface Token {
  text: string;
  quoted: boolean;
}

/**
 * Splits a line the way DuckDB's CSV reader does with `delim=' '`, `quote='"'` and no
 * escape; null when the reader would refuse it (a quote that does not close, or text right
 * after a closing quote).
 */
export function splitAccessLine(line: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) return null;
      tokens.push({ text: line.slice(i + 1, end), quoted: true });
      i = end + 1;
      if (i < line.length && line[i] !== ' ') return null;
    } else {
      let end = line.indexOf(' ', i);
      if (end < 0) end = line.length;
      tokens.push({ text: line.slice(i, end), quoted: false });
      i = end;
    }
    if (i >= line.length) return tokens;
    i++;
  }
}

const ipList = /^(?:-|(?:[0-9a-fA-F.:]+)(?:, ?[0-9a-fA-F.:]+)*)$/;
const decimal = /^(?:\d+\.\d+|-)$/;
const integer = /^(?:\d+|-)$/;

/** The layout most sample lines share, or null when fewer than half the lines are access-log lines. */
export function detectAccessLayout(lines: readonly string[]): { layout: AccessLayout; share: number } | null {
  const candidates = lines.filter((line) => accessLinePattern.test(line));
  if (candidates.length === 0) return null;
  const bySignature = new Map<string, Token[][]>();
  for (const line of candidates) {
    const tokens = splitAccessLine(line);
    if (!tokens) continue;
    const signature = tokens.map((t) => (t.quoted ? 'q' : t.text.startsWith('[') ? (t.text.endsWith(']') ? 'T' : 't') : 'p')).join('');
    const list = bySignature.get(signature) ?? [];
    list.push(tokens);
    bySignature.set(signature, list);
  }
  const best = [...bySignature.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  if (!best) return null;
  const [signature, rows] = best;
  const layout = layoutOf(signature, rows, candidates.some((l) => l.includes('\\"')));
  return layout ? { layout, share: rows.length / Math.max(1, lines.length) } : null;
}

function layoutOf(signature: string, rows: Token[][], hasBackslashQuotes: boolean): AccessLayout | null {
  const timeAt = signature.search(/[tT]/);
  if (timeAt !== 3 && timeAt !== 4) return null;
  const fields: AccessField[] = [];
  const column = (i: number) => `f${i + 1}`;
  const lead: AccessRole[] = timeAt === 4 ? ['vhost', 'client_ip', 'ident', 'user'] : ['client_ip', 'ident', 'user'];
  lead.forEach((role, i) => fields.push({ column: column(i), role, quoted: false }));
  let i = timeAt;
  if (signature[i] === 'T') fields.push({ column: column(i++), role: 'time_single', quoted: false });
  else {
    if (signature[i + 1] !== 'p') return null;
    fields.push({ column: column(i++), role: 'time_open', quoted: false });
    fields.push({ column: column(i++), role: 'time_close', quoted: false });
  }
  if (signature.slice(i, i + 3) !== 'qpp') return null;
  fields.push({ column: column(i++), role: 'request', quoted: true });
  fields.push({ column: column(i++), role: 'status', quoted: false });
  const bytesAt = i;
  fields.push({ column: column(i++), role: 'bytes', quoted: false });
  if (signature.slice(i, i + 2) === 'qq') {
    fields.push({ column: column(i++), role: 'referer', quoted: true });
    fields.push({ column: column(i++), role: 'user_agent', quoted: true });
  }
  const values = (index: number) => rows.map((r) => r[index]?.text ?? '');
  // Apache writes `%b` as "-" for no bytes, escapes quotes as `\"`, and its vhost_combined
  // puts `host:port` first; nginx writes 0, `\x22` and a bare `$host`.
  const apacheHints =
    hasBackslashQuotes || (timeAt === 4 && values(0).some((v) => /:\d+$/.test(v))) || values(bytesAt).some((v) => v === '-');
  let flavour: AccessLayout['flavour'] = apacheHints ? 'apache' : 'nginx';
  let seconds = 0;
  let extras = 0;
  const firstExtra = i;
  for (; i < signature.length; i++) {
    const texts = values(i).filter((v) => v !== '');
    const all = (test: RegExp) => texts.length > 0 && texts.every((v) => test.test(v));
    if (signature[i] === 'q') {
      const isForwarded = all(ipList) && !fields.some((f) => f.role === 'x_forwarded_for');
      fields.push(isForwarded ? { column: column(i), role: 'x_forwarded_for', quoted: true } : { column: column(i), role: 'extra', quoted: true, name: `extra_${++extras}`, type: 'VARCHAR' });
    } else if (all(decimal) && seconds < 2) {
      // nginx writes times as seconds with milliseconds: $request_time, then $upstream_response_time.
      fields.push({ column: column(i), role: seconds++ === 0 ? 'request_time' : 'upstream_response_time', quoted: false });
    } else if (i === firstExtra && all(integer) && median(texts) >= 100) {
      // Apache's `%D` right after the user agent: microseconds as a whole number. No request
      // takes 100 s at the median, so it cannot be `%T` (whole seconds).
      fields.push({ column: column(i), role: 'request_time_us', quoted: false });
      seconds++;
      flavour = 'apache';
    } else {
      const type = all(integer) ? 'BIGINT' : all(decimal) ? 'DOUBLE' : 'VARCHAR';
      fields.push({ column: column(i), role: 'extra', quoted: false, name: `extra_${++extras}`, type });
    }
  }
  return { flavour, fields };
}

function median(texts: readonly string[]): number {
  const numbers = texts.filter((t) => t !== '-').map(Number).sort((a, b) => a - b);
  return numbers[Math.floor(numbers.length / 2)] ?? 0;
}

/**
 * The layout as one regular expression with a group per field, for the lines DuckDB's split
 * refuses (an Apache `\"` inside a quoted field, an unclosed quote): the groups hold what the
 * split would have given, so the same SELECT list reads both. It is lenient after the bytes
 * field: a line cut off inside a later field (a user agent without its closing quote, a
 * truncated write) keeps that field's text so far, and the fields after it are empty, so its
 * status still counts instead of the whole line being rejected. With `lenient` false, only
 * whole lines match: a refused line the lenient regex reads and this one does not was cut off.
 */
export function accessRecoveryRegex(layout: AccessLayout, lenient = true): GroupedRegex {
  return buildRegex((g) => {
    const bytesAt = lenient ? layout.fields.findIndex((field) => field.role === 'bytes') : layout.fields.length - 1;
    const partOf = (field: AccessField, index: number): string => {
      const last = index === layout.fields.length - 1;
      if (field.quoted) {
        const body = g(field.column, '(?:[^"\\\\]|\\\\.)*');
        return index > bytesAt ? `"${body}(?:"|$)` : `"${body}"`;
      }
      if (field.role === 'time_single') return g(field.column, '\\[[^\\]]*\\]');
      if (field.role === 'time_open') return g(field.column, '\\[[^ \\]]*');
      if (field.role === 'time_close') return g(field.column, '[^ \\]]*\\]');
      return g(field.column, last ? '.*' : '[^ ]*');
    };
    // A field after the bytes is there only when the one before it is (nested groups). Its
    // group, space included, says whether it was: an absent field reads '' as an empty one
    // does, and must become NULL (`absentFieldsAsNull`).
    const parts = layout.fields.map((field, index) => (index > bytesAt ? g(presentGroup(field.column), () => ` ${partOf(field, index)}`) : partOf(field, index)));
    const tail = parts.slice(bytesAt + 1).reduceRight((rest, part) => `(?:${part}${rest})?`, '');
    return `^${parts.slice(0, bytesAt + 1).join(' ')}${tail}$`;
  });
}

/** The recovery regex's group that holds a field after the bytes with its leading space, when the line has it. */
export const presentGroup = (column: string): string => `present_${column}`;
