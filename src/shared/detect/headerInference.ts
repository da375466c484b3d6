import { canonicalLevel, levelLettersRegex, levelWordsRegex, priorityAbbreviationsRegex, priorityAfterAbbreviation } from './levels';
import { escapeRegex, execGrouped, type GroupedRegex } from './regex';
import { timeStyles, type TimeStyle, type TimeStyleId } from './timeStyles';

/**
 * Header inference: the structure of a text log nobody described, read off a sample of its
 * lines. A line of a log is a *header* — a timestamp, a level, the fields around them (host,
 * process[pid], thread, component, node id) and separators (`[` `]` `|` ` - ` `:`) — and a
 * *message*, the rest. The header is found the same way in every line:
 *
 * 1. Each line's head is cut into tokens: timestamps of every style of `timeStyles` at any
 *    word boundary (inside brackets, after a process name, between fields), level words
 *    (any case; a single letter only where it stands alone as a field, or written against
 *    the date as glog does), separators, bracketed groups and words.
 * 2. The head ends after its last timestamp or level, extended over what usually follows
 *    one: bracketed groups, separators, a logger or class name, and a `tag:` (or
 *    `tag[pid]:`), which ends it. What follows is the message.
 * 3. The lines' heads are compared by their shape (the sequence of token kinds, words
 *    merged): every frequent shape, and its prefixes ending at a timestamp, level or
 *    separator, becomes a candidate regular expression; each candidate is scored on every
 *    sampled line, and the most detailed one that reads nearly as many lines as the best is
 *    chosen. A shape is chosen because most lines fit it, never because of one line.
 * 4. Its fields are named by what they hold across the sample: numbers are `pid` (then
 *    `tid`), the first bracketed text `thread`, a `tag:` `component` (or `process` before
 *    `[pid]`), a single word between the time and the tag `host`, a dotted name
 *    `component`; the rest `field_N`. Of several timestamps the most complete is the time
 *    (`rank`: a written date and time before an epoch number before a date without a
 *    year); the others are kept as text.
 *
 * Nothing here is fitted to a particular program: the rules are about shapes of text.
 */

export interface InferredField {
  /** The regex group. */
  group: string;
  /** The dataset column (`time`, `level`, `host`, `pid`, `thread`, `component`, `field_3`, …). */
  name: string;
  kind: 'time' | 'other_time' | 'level' | 'integer' | 'text';
  /** For timestamps: how they are written. */
  style: TimeStyleId | null;
  example: string;
}

export interface InferredHeader {
  /** The line's regex: one group per field, then `message`. */
  regex: GroupedRegex;
  fields: InferredField[];
  /** The shape, for tests and the debug log: `T:iso _L _G:[ _W S::`. */
  shape: string;
  /** Sample lines the regex reads. */
  entries: number;
  lines: number;
}

type TokenKind = 'ts' | 'level' | 'word' | 'sep' | 'group';

interface Token {
  kind: TokenKind;
  text: string;
  /** Whitespace before the token. */
  gap: boolean;
  /** Two or more spaces (or a tab) before the token: a column padded to its width. */
  wide?: boolean;
  /** A component padded to its width before the message. */
  padded?: boolean;
  style?: TimeStyle;
  /** A one-letter level. */
  letter?: boolean;
  /** A two-letter level with its syslog PRI (`In(14)`). */
  abbreviated?: boolean;
  /** A level word written against the number after it (`WARN574240[Thread-35]`). */
  glued?: boolean;
  /** The bracket a group opens with. */
  open?: string;
}

/** Characters that separate the fields of a head. */
const separatorChars = new Set(['[', ']', '(', ')', '{', '}', '<', '>', '|', ',', ';', ':', '"']);
/** Words that are separators when they stand alone. */
const separatorWords = new Set(['-', '--', '---', '*', '#', '>', '=>', '->', '>>', '::']);
const openers: Record<string, string> = { '[': ']', '(': ')', '{': '}', '<': '>', '"': '"' };
const closers = new Set([']', ')', '}', '>']);
/** A timestamp begins after these (or at the line's start) and ends before them (or at its end). */
const beforeTime = /[\s[\](){}<>|,;:"'=#@*]/;
/** Shell histories mark a command's epoch seconds with `#` (bash's HISTTIMEFORMAT) or `#+` (tcsh). */
const historyMark = /#\+?/y;
const afterTime = /[\s[\](){}<>|,;:"'*]/;
const levelLetters = new RegExp(`^${levelLettersRegex}$`);
/** Dotted names as loggers and classes are written: `com.example.Service`, `o.a.z.s.Quorum$Peer`, `dfs.DataNode$PacketResponder`. */
const dottedName = /^[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*)+$/;
const integer = /^-?\d{1,18}$/;
const priorityAbbreviation = new RegExp(`^(?:${priorityAbbreviationsRegex})$`);
const priorityAfter = new RegExp(`^${priorityAfterAbbreviation}`);
/** An upper-case level word and digits against it: `WARN574240`, `ERROR2`. */
const gluedLevel = /^([A-Z]{3,})(\d+)$/;
/** `:digits` after a word, up to a space, a bracket or the line's end: a port (`host:5228`) or a source line (`main.py:58`). */
const portOrLine = /:\d{1,6}(?=$|[\s[\](){}<>|,;])/y;

/** The share of a shape's lines that must have a field for it to be part of the head (and not of one message). */
const headFieldShare = 0.5;
/** How far into a line its head may reach. */
const headChars = 240;
const headTokens = 48;
/** Anchors (timestamps, levels) count among the first tokens only: later ones are the message's. */
const anchorTokens = 24;
/** At most this many tokens between two anchors of one head. */
const anchorGap = 7;

const stickyStyles = timeStyles.map((style) => ({ style, regex: new RegExp(style.regex, 'y') }));

function timestampAt(line: string, at: number, atBoundary = true): { style: TimeStyle; end: number } | null {
  if (atBoundary && at > 0 && !beforeTime.test(line[at - 1]!)) return null;
  const first = line.charCodeAt(at);
  const isDigit = first >= 48 && first <= 57;
  const isUpper = first >= 65 && first <= 90;
  if (!isDigit && !isUpper) return null;
  let best: { style: TimeStyle; end: number } | null = null;
  for (const { style, regex } of stickyStyles) {
    regex.lastIndex = at;
    const match = regex.exec(line);
    if (!match) continue;
    const end = at + match[0].length;
    if (end < line.length && !afterTime.test(line[end]!)) continue;
    if (!best || end > best.end || (end === best.end && style.rank > best.style.rank)) best = { style, end };
  }
  return best;
}

function isLevelWord(word: string): boolean {
  if (word.length < 3) return false;
  const level = canonicalLevel(word);
  // The three spellings the level regex matches: upper, lower, capitalised.
  return level !== null && (word === word.toUpperCase() || word === word.toLowerCase() || word === word[0]!.toUpperCase() + word.slice(1).toLowerCase());
}

/** The tokens of a line's head, bracketed groups without a timestamp or level folded into one token. */
export function headTokensOf(line: string): Token[] {
  const tokens: Token[] = [];
  const end = Math.min(line.length, headChars);
  let at = 0;
  while (at < end && tokens.length < headTokens) {
    let gap = false;
    const gapStart = at;
    while (at < end && (line[at] === ' ' || line[at] === '\t')) {
      at++;
      gap = true;
    }
    if (at >= end) break;
    const wide = at - gapStart >= 2 || line.slice(gapStart, at).includes('\t');
    const stamp = timestampAt(line, at);
    if (stamp) {
      tokens.push({ kind: 'ts', text: line.slice(at, stamp.end), gap, style: stamp.style });
      at = stamp.end;
      continue;
    }
    const char = line[at]!;
    historyMark.lastIndex = at;
    const mark = char === '#' ? historyMark.exec(line) : null;
    const marked = mark ? timestampAt(line, at + mark[0].length, false) : null;
    if (mark && marked?.style.read.kind === 'epoch') {
      tokens.push({ kind: 'sep', text: mark[0], gap }, { kind: 'ts', text: line.slice(at + mark[0].length, marked.end), gap: false, style: marked.style });
      at = marked.end;
      continue;
    }
    // glog: `E0517 15:04:22.619632`, a level letter against the date.
    if (levelLetters.test(char) && (at === 0 || beforeTime.test(line[at - 1]!))) {
      const fused = timestampAt(line, at + 1, false);
      if (fused && /^\d/.test(line[at + 1]!)) {
        tokens.push({ kind: 'level', text: char, gap, letter: true });
        tokens.push({ kind: 'ts', text: line.slice(at + 1, fused.end), gap: false, style: fused.style });
        at = fused.end;
        continue;
      }
    }
    if (separatorChars.has(char)) {
      tokens.push({ kind: 'sep', text: char, gap });
      at++;
      continue;
    }
    let stop = at;
    while (stop < line.length && line[stop] !== ' ' && line[stop] !== '\t' && !separatorChars.has(line[stop]!)) stop++;
    // `host:port` and `file:line` are one field: split at the colon, the number would pass
    // for a field of its own and the word for a `tag:` that ends the head.
    portOrLine.lastIndex = stop;
    if (line[stop] === ':' && stop > at && portOrLine.test(line)) stop = portOrLine.lastIndex;
    const word = line.slice(at, stop);
    const glued = gluedLevel.exec(word);
    at = stop;
    const priority = priorityAbbreviation.test(word) ? priorityAfter.exec(line.slice(stop, stop + 5)) : null;
    if (priority) {
      tokens.push({ kind: 'level', text: word + priority[0], gap, abbreviated: true });
      at = stop + priority[0].length;
    } else if (separatorWords.has(word)) tokens.push({ kind: 'sep', text: word, gap });
    else if (isLevelWord(word)) tokens.push({ kind: 'level', text: word, gap });
    else if (glued && isLevelWord(glued[1]!)) tokens.push({ kind: 'level', text: glued[1]!, gap, glued: true }, { kind: 'word', text: glued[2]!, gap: false });
    else if (word.length === 1 && levelLetters.test(word) && (stop >= line.length || line[stop] === ' ' || line[stop] === '\t' || separatorChars.has(line[stop]!))) {
      tokens.push({ kind: 'level', text: word, gap, letter: true });
    } else if (word.includes('.') && isLevelWord(word.slice(word.lastIndexOf('.') + 1)) && word.lastIndexOf('.') > 0) {
      // `facility.severity` (`user.warn`) and `channel.LEVEL` (`local.ERROR`).
      const dot = word.lastIndexOf('.');
      tokens.push({ kind: 'word', text: word.slice(0, dot), gap }, { kind: 'sep', text: '.', gap: false }, { kind: 'level', text: word.slice(dot + 1), gap: false });
    } else tokens.push({ kind: 'word', text: word, gap, wide });
  }
  return foldGroups(tokens);
}

/** Bracketed (or quoted) runs without a timestamp or level become one `group` token. */
function foldGroups(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const close = token.kind === 'sep' ? openers[token.text] : undefined;
    if (close) {
      const end = matchingClose(tokens, i);
      if (end > i && !tokens.slice(i + 1, end).some((t) => t.kind === 'ts' || t.kind === 'level')) {
        out.push({ kind: 'group', text: tokens.slice(i, end + 1).map((t) => t.text).join(' '), gap: token.gap, open: token.text });
        i = end;
        continue;
      }
    }
    out.push(token);
  }
  return out;
}

function matchingClose(tokens: readonly Token[], from: number): number {
  const stack: string[] = [];
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'sep') continue;
    const top = stack.at(-1);
    if (top === '"') {
      if (t.text === '"') stack.pop();
    } else if (openers[t.text] && !(t.text === '<' && stack.length > 0)) stack.push(openers[t.text]!);
    else if (closers.has(t.text)) {
      if (top !== t.text) return -1;
      stack.pop();
    }
    if (stack.length === 0) return i;
  }
  return -1;
}

/**
 * A component column: one capitalised word right after the level, padded to its width
 * before the message, as Windows servicing logs (CBS, CSI, DISM) write it —
 * `2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack …`. A message's
 * first word is not followed by a run of spaces, so it stays the message's.
 */
const paddedComponent = /^[A-Z][A-Za-z0-9_]*$/;
function isPaddedComponent(tokens: readonly Token[], at: number): boolean {
  const t = tokens[at];
  const next = tokens[at + 1];
  return tokens[at - 1]?.kind === 'level' && t?.kind === 'word' && t.gap && paddedComponent.test(t.text) && next?.kind === 'word' && next.wide === true;
}

/** The head of a line: its tokens up to where the message begins; null without a timestamp. */
export function headOf(tokens: readonly Token[]): Token[] | null {
  let last = -1;
  let hasTime = false;
  for (let i = 0; i < Math.min(tokens.length, anchorTokens); i++) {
    // The message begins after a padded component, whatever times or levels it holds.
    if (hasTime && isPaddedComponent(tokens, i) && i === last + 1) return [...tokens.slice(0, i), { ...tokens[i]!, padded: true }];
    if (tokens[i]!.kind !== 'ts' && tokens[i]!.kind !== 'level') continue;
    // A timestamp or level far from the one before it is the message's (`… connection at Sun Jul 10 03:55:15 2005`).
    if (last >= 0 && i - last > anchorGap) break;
    last = i;
    if (tokens[i]!.kind === 'ts') hasTime = true;
  }
  if (!hasTime) return null;
  let i = last + 1;
  // Brackets opened before the last anchor close in the head: `[DEBUG 2015-05-20 12:22:19 main]`.
  let depth = 0;
  for (let j = 0; j <= last; j++) {
    const t = tokens[j]!;
    if (t.kind === 'sep' && openers[t.text] && t.text !== '"') depth++;
    else if (t.kind === 'sep' && closers.has(t.text)) depth = Math.max(0, depth - 1);
  }
  for (; depth > 0 && i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'sep' && openers[t.text] && t.text !== '"') depth++;
    else if (t.kind === 'sep' && closers.has(t.text)) depth--;
  }
  if (depth > 0) return null;
  for (;;) {
    const t = tokens[i];
    if (!t) break;
    if (t.kind === 'group' && t.open !== '"') {
      i++;
      continue;
    }
    if (t.kind === 'sep' && (separatorWords.has(t.text) || t.text === '|' || t.text === ':')) {
      i++;
      continue;
    }
    if (t.kind === 'word') {
      const next = tokens[i + 1];
      // `tag:`, `tag[pid]:`, `tag(x)[pid]:`, also after a host: `host tag[pid]:`. It ends the head.
      const tag = tagLength(tokens, i) || (next?.kind === 'word' && next.gap ? tagLength(tokens, i + 1) : 0);
      if (tag) {
        i += tag + (tagLength(tokens, i) ? 0 : 1);
        break;
      }
      if (next?.kind === 'sep' && (next.text === '-' || next.text === '|' || next.text === '--') && next.gap) {
        i += 2;
        continue;
      }
      if (i === last + 1 && dottedName.test(t.text)) {
        i++;
        continue;
      }
    }
    break;
  }
  return tokens.slice(0, i);
}

/** Tokens of a `tag:` starting at `at` (a word, up to two groups against it, a colon against them), or 0. */
function tagLength(tokens: readonly Token[], at: number): number {
  if (tokens[at]?.kind !== 'word') return 0;
  let i = at + 1;
  while (i < at + 3 && tokens[i]?.kind === 'group' && !tokens[i]!.gap && tokens[i]!.open !== '"') i++;
  const colon = tokens[i];
  return colon?.kind === 'sep' && colon.text === ':' && !colon.gap ? i - at + 1 : 0;
}

interface Part {
  kind: TokenKind;
  gap: boolean;
  text?: string;
  style?: TimeStyle;
  letter?: boolean;
  abbreviated?: boolean;
  glued?: boolean;
  padded?: boolean;
  open?: string;
}

/** Consecutive words (a thread name with spaces, a host and a program) are one part. */
function partsOf(head: readonly Token[]): Part[] {
  const parts: Part[] = [];
  head.forEach((t, index) => {
    const previous = parts.at(-1);
    // Words run together into one field, except a `tag:` after a host.
    if (t.kind === 'word' && previous?.kind === 'word' && !tagLength(head, index)) return;
    parts.push({ kind: t.kind, gap: t.gap, text: t.kind === 'sep' ? t.text : undefined, style: t.style, letter: t.letter, abbreviated: t.abbreviated, glued: t.glued, padded: t.padded, open: t.open });
  });
  return parts;
}

const shapeOf = (parts: readonly Part[]): string =>
  parts
    .map((p) => {
      const gap = p.gap ? '_' : '';
      switch (p.kind) {
        case 'ts':
          return `${gap}T:${p.style!.id}`;
        case 'level':
          return `${gap}${p.letter ? 'l' : p.abbreviated ? 'P' : p.glued ? 'L#' : 'L'}`;
        case 'word':
          return `${gap}W${p.padded ? '!' : ''}`;
        case 'sep':
          return `${gap}S:${p.text}`;
        case 'group':
          return `${gap}G:${p.open}`;
      }
    })
    .join(' ');

const levelWords = levelWordsRegex();
const groupBodies: Record<string, string> = {
  '[': '\\[((?:[^\\[\\]]|\\[[^\\[\\]]*\\])*)\\]',
  '(': '\\(((?:[^()]|\\([^()]*\\))*)\\)',
  '{': '\\{([^{}]*)\\}',
  '<': '<([^<>]*)>',
  '"': '"((?:[^"\\\\]|\\\\.)*)"',
};

interface Candidate {
  parts: Part[];
  shape: string;
  regex: GroupedRegex;
  /** For each group: the part it reads. */
  groupParts: Part[];
}

/**
 * A head's parts in units, each ending with a part that is not a word: a word field is
 * only ever matched together with what follows it, so an optional unit never leaves a word
 * field that took one character.
 */
function unitsOf(parts: readonly Part[]): Part[][] {
  const units: Part[][] = [];
  let unit: Part[] = [];
  for (const part of parts) {
    unit.push(part);
    if (part.kind !== 'word') {
      units.push(unit);
      unit = [];
    }
  }
  if (unit.length) units.push(unit);
  return units;
}

/**
 * The regex of a head: the parts up to its time are required, each later unit optional
 * within the one before it, so a line that has only the first few fields of the shape
 * still yields them (and the rest of its head goes to the message).
 */
function candidateOf(parts: readonly Part[], requiredUnits: number): Candidate {
  const groups: string[] = [];
  const groupParts: Part[] = [];
  const group = (part: Part, body: string) => {
    groups.push(`h${groups.length + 1}`);
    groupParts.push(part);
    return `(${body})`;
  };
  const units = unitsOf(parts);
  const requiredParts = units.slice(0, requiredUnits).flat().length;
  const partSource = (part: Part, index: number, next: Part | undefined) => {
    // Levels are padded to one width inside their field (log4j `%5p`, `%-5p`, Python
    // `%(levelname)-8s`): `[ INFO 2015-…]` and `[DEBUG 2015-…]` are one shape.
    const levelPadding = part.kind === 'level' || parts[index - 1]?.kind === 'level';
    let out = index > 0 ? (part.gap ? '[ \\t]+' : levelPadding ? '[ \\t]*' : '') : part.gap || levelPadding ? '[ \\t]*' : '';
    switch (part.kind) {
      case 'ts':
        out += group(part, part.style!.regex);
        break;
      case 'level':
        if (part.letter) out += group(part, levelLettersRegex);
        else if (part.abbreviated) out += group(part, priorityAbbreviationsRegex) + priorityAfterAbbreviation;
        // Against its number there is no word boundary: the number's field follows.
        else if (part.glued) out += group(part, levelWords);
        // A level word's field also takes a two-letter level with its PRI (`Db(167)`): one
        // system writes both in the same column (VMware: `info` beside `In(166)`).
        else out += group(part, `(?:${levelWords})\\b|(?:${priorityAbbreviationsRegex})${priorityAfterAbbreviation}`);
        break;
      case 'word': {
        if (part.padded) {
          out += `${group(part, paddedComponent.source.slice(1, -1))}(?:[ \\t]{2,}|\\t|$)`;
          break;
        }
        // Up to what follows: not across the separator or bracket that ends the field. After
        // the time a field is a few words at most (more are a message's).
        const stop = next?.kind === 'sep' ? next.text![0] : next?.kind === 'group' ? next.open : undefined;
        const not = `[^${stop ? escapeRegex(stop) : ''} \\t]`;
        const body = next === undefined ? '[^ \\t]+' : index >= requiredParts ? `${not}+(?:[ \\t]+${not}+){0,2}?` : stop ? `[^${escapeRegex(stop)}]+?` : '.+?';
        out += group(part, body);
        break;
      }
      case 'sep':
        out += escapeRegex(part.text!);
        break;
      case 'group':
        groups.push(`h${groups.length + 1}`);
        groupParts.push(part);
        out += groupBodies[part.open!]!;
        break;
    }
    return out;
  };
  let index = 0;
  const unitSource = (unit: Part[]) =>
    unit
      .map((part, i) => {
        const source = partSource(part, index, unit[i + 1]);
        index++;
        return source;
      })
      .join('');
  let source = '^' + units.slice(0, requiredUnits).map(unitSource).join('');
  const optional = units.slice(requiredUnits).map(unitSource);
  source += optional.map((u) => `(?:${u}`).join('') + ')?'.repeat(optional.length);
  groups.push('message');
  source += '[ \\t]*(.*)';
  return { parts: [...parts], shape: shapeOf(parts), regex: { source, groups }, groupParts };
}

/** The units up to (and with) the most complete timestamp of a head. */
function requiredUnitsOf(parts: readonly Part[]): number {
  const units = unitsOf(parts);
  let best = -1;
  let rank = -1;
  units.forEach((unit, i) => {
    for (const part of unit) {
      if (part.kind === 'ts' && part.style!.rank > rank) {
        rank = part.style!.rank;
        best = i;
      }
    }
  });
  return best + 1;
}

/**
 * The header of a sample's lines, or null when no line carries a timestamp in its head.
 * Every frequent head shape is tried on every sampled line; a shape scores the fields it
 * reads summed over the lines (a line reading its required part and two optional units
 * counts their parts), and the best one is chosen.
 */
export function inferHeader(lines: readonly string[]): InferredHeader | null {
  const sample = spread(lines, 1000);
  const shapes = new Map<string, { parts: Part[]; count: number }>();
  for (const line of sample) {
    const head = headOf(headTokensOf(line));
    if (!head) continue;
    const parts = partsOf(head);
    const shape = shapeOf(parts);
    const entry = shapes.get(shape);
    if (entry) entry.count++;
    else shapes.set(shape, { parts, count: 1 });
  }
  if (shapes.size === 0) return null;
  const frequent = [...shapes.values()].sort((a, b) => b.count - a.count).slice(0, 12);
  let best: { parts: Part[]; required: number; score: number; entries: number } | null = null;
  for (const { parts } of frequent) {
    const required = requiredUnitsOf(parts);
    const units = unitsOf(parts);
    let score = 0;
    let entries = 0;
    let used = required;
    for (let k = required; k <= units.length; k++) {
      const prefix = units.slice(0, k).flat();
      const compiled = new RegExp(candidateOf(prefix, k).regex.source);
      const matches = sample.filter((l) => compiled.test(l)).length;
      if (k === required) entries = matches;
      // A later field belongs to the head when most lines have it; past that the shape is one message's.
      else if (matches < entries * headFieldShare) break;
      score += matches * (k === required ? prefix.length : units[k - 1]!.length);
      used = k;
    }
    const kept = units.slice(0, used).flat();
    if (!best || score > best.score || (score === best.score && entries > best.entries)) best = { parts: kept, required, score, entries };
  }
  if (!best || best.entries === 0) return null;
  return described(candidateOf(best.parts, best.required), sample, best.entries);
}

/** Up to `limit` lines spread over the sample (its head, middle and end alike). */
function spread(lines: readonly string[], limit: number): readonly string[] {
  if (lines.length <= limit) return lines;
  const step = lines.length / limit;
  return Array.from({ length: limit }, (_, i) => lines[Math.floor(i * step)]!);
}

/** Names the chosen shape's groups by what they hold across the sample. */
function described(candidate: Candidate, sample: readonly string[], entries: number): InferredHeader {
  const compiled = new RegExp(candidate.regex.source);
  const values = new Map<string, string[]>();
  for (const line of sample) {
    const groups = execGrouped(candidate.regex, compiled, line);
    if (!groups) continue;
    for (const [name, value] of Object.entries(groups)) {
      const list = values.get(name) ?? [];
      if (list.length < 500) list.push(value);
      values.set(name, list);
    }
  }
  const groupNames = candidate.regex.groups.slice(0, -1);
  const timeIndexes = groupNames.map((_, i) => i).filter((i) => candidate.groupParts[i]!.kind === 'ts');
  const timeIndex = timeIndexes.reduce((best, i) => (candidate.groupParts[i]!.style!.rank > candidate.groupParts[best]!.style!.rank ? i : best), timeIndexes[0]!);
  const taken = new Set<string>(['time', 'level', 'message']);
  const unique = (name: string) => {
    let next = name;
    for (let n = 2; taken.has(next); n++) next = `${name}_${n}`;
    taken.add(next);
    return next;
  };
  const after = (part: Part | undefined) => (part ? candidate.parts[candidate.parts.indexOf(part) + 1] : undefined);
  const isTag = (part: Part) => {
    const next = after(part);
    return part.kind === 'word' && next?.kind === 'sep' && next.text === ':' && !next.gap;
  };
  const isProcess = (part: Part) => {
    const next = after(part);
    const colon = after(next);
    return part.kind === 'word' && next?.kind === 'group' && next.open === '[' && !next.gap && colon?.kind === 'sep' && colon.text === ':' && !colon.gap;
  };
  const tagged = candidate.groupParts.some((p) => isTag(p) || isProcess(p));
  const fields: InferredField[] = [];
  let levelSeen = false;
  let numbers = 0;
  let bracketed = 0;
  groupNames.forEach((group, i) => {
    const part = candidate.groupParts[i]!;
    const seen = (values.get(group) ?? []).filter((v) => v !== '');
    const example = seen[0] ?? '';
    if (part.kind === 'ts') {
      const isTime = i === timeIndex;
      fields.push({ group, name: isTime ? 'time' : unique('time_text'), kind: isTime ? 'time' : 'other_time', style: part.style!.id, example });
      return;
    }
    if (part.kind === 'level') {
      // The first level of a head (`I, [… #1]  INFO --`) is the line's.
      if (!levelSeen) fields.push({ group, name: 'level', kind: 'level', style: null, example });
      levelSeen = true;
      return;
    }
    const isNumber = seen.length > 0 && seen.every((v) => integer.test(v.trim()));
    let name: string;
    if (part.padded) name = 'component';
    else if (isProcess(part)) name = 'process';
    else if (isNumber) name = ['pid', 'tid'][numbers++] ?? 'number';
    else if (isTag(part) || (seen.length > 0 && seen.every((v) => dottedName.test(v)))) name = 'component';
    else if (part.kind === 'group' && (part.open === '[' || part.open === '(')) name = bracketed++ === 0 ? 'thread' : 'context';
    else if (part.kind === 'word' && i > timeIndex && tagged && seen.every((v) => !/\s/.test(v))) name = 'host';
    else name = 'field';
    fields.push({ group, name: unique(name), kind: isNumber ? 'integer' : 'text', style: null, example });
  });
  return { regex: candidate.regex, fields, shape: candidate.shape, entries, lines: sample.length };
}
