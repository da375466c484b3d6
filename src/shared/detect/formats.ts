import { detectAccessLayout, type AccessLayout } from './accessLog';
import { guessDelimiter } from './delimiter';
import { canonicalLevel } from './levels';
import { inferHeader } from './headerInference';
import { allGrammars, continuationLike, inferredGrammar, levelGroupOf, type LineGrammar } from './lineFormats';
import { detectLogfmt, type LogfmtLayout } from './logfmt';
import { execGrouped, type GroupedRegex } from './regex';
import { parseUserPattern } from './userPattern';

/**
 * Which format a file is, judged over the whole sample (up to 1 MB), never its first lines
 * alone: a log that opens with a banner, a stack trace or a hundred lines of something else
 * is still recognised by what most of it is. The rules are general — each format's own
 * grammar and the share of lines it accounts for — not fitted to particular files:
 *
 * 1. JSON lines when half the non-blank lines are JSON objects.
 * 2. An access log when half the lines split into an access-log layout; then logfmt when
 *    half the lines are mostly `key=value` pairs (a short head allowed).
 * 3. Delimited text when one delimiter splits nearly every record into the same three or
 *    more fields, and no log grammar reads nearly every line (a TSV whose rows start with a
 *    timestamp is still a TSV).
 * 4. A text-log grammar when its entries are half the lines; the most specific grammar wins
 *    among those within 10% of the best (syslog over a bare timestamp, logcat over both).
 * 5. A text-log grammar when its entries plus lines that look like continuations (stack
 *    traces) are 80% of the sample: a Java log with long traces has few entry lines (and
 *    its `\tat …` lines would otherwise pass for tab-separated values).
 * 6. Delimited text when a delimiter is consistent at all and splits more lines alike than
 *    the best grammar reads (commas occurring in messages make no table); then a text-log
 *    grammar at 60% coverage.
 * 7. A saved pattern of the user's when it reads half the lines and, with lines that look
 *    like continuations, 90% of them (checked before 4).
 * 8. Otherwise `lines`: one row per line, never refused.
 */
export type FormatGuess =
  | { format: 'jsonl' }
  | { format: 'csv' | 'tsv' }
  | { format: 'nginx' | 'apache'; layout: AccessLayout }
  | { format: 'logfmt'; layout: LogfmtLayout }
  | { format: LineGrammar['format']; grammar: LineGrammar }
  | { format: 'pattern'; name: string; pattern: string; regex: GroupedRegex }
  | { format: 'lines' };

export interface GrammarScore {
  grammar: LineGrammar;
  /** Lines that start an entry. */
  entries: number;
  /** Lines that do not, but look like the continuation of one. */
  continuations: number;
  /** Entries whose level group holds a level. */
  levels: number;
}

export interface FormatScores {
  lines: number;
  json: number;
  access: number;
  accessLayout: AccessLayout | null;
  logfmt: number;
  logfmtLayout: LogfmtLayout | null;
  grammars: GrammarScore[];
  delimiter: { delimiter: string; fields: number; consistency: number } | null;
}

/** Non-blank lines of a sample, without line ends or the byte-order mark. */
export function sampleLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '');
}

const isJsonObject = (line: string): boolean => {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

/** A syslog entry has a tag (`sshd[123]:`) after a host that is not a level word. */
function countsAsEntry(grammar: LineGrammar, groups: Record<string, string>): boolean {
  if (grammar.format !== 'syslog') return true;
  return groups.process !== '' && canonicalLevel(groups.host ?? '') === null;
}

export function scoreGrammar(grammar: LineGrammar, lines: readonly string[]): GrammarScore {
  const compiled = new RegExp(grammar.regex.source);
  const levelGroup = levelGroupOf(grammar);
  let entries = 0;
  let continuations = 0;
  let levels = 0;
  for (const line of lines) {
    const groups = execGrouped(grammar.regex, compiled, line);
    if (groups && countsAsEntry(grammar, groups)) {
      entries++;
      if (levelGroup && canonicalLevel(groups[levelGroup] ?? '') !== null) levels++;
    } else if (continuationLike.test(line)) continuations++;
  }
  return { grammar, entries, continuations, levels };
}

/** Every grammar detection tries on a sample: the known ones, then the head inferred from its lines. */
export function sampleGrammars(lines: readonly string[]): LineGrammar[] {
  const header = inferHeader(lines);
  return [...allGrammars(), ...(header ? [inferredGrammar(header)] : [])];
}

export function scoreFormats(text: string): FormatScores {
  const lines = sampleLines(text);
  const access = detectAccessLayout(lines);
  const logfmt = detectLogfmt(lines, 0);
  return {
    lines: lines.length,
    json: lines.filter(isJsonObject).length,
    access: access ? Math.round(access.share * lines.length) : 0,
    accessLayout: access?.layout ?? null,
    logfmt: logfmt ? Math.round(logfmt.share * lines.length) : 0,
    logfmtLayout: logfmt?.layout ?? null,
    grammars: sampleGrammars(lines).map((g) => scoreGrammar(g, lines)),
    delimiter: guessDelimiter(text),
  };
}

/**
 * The grammar that reads the most entries: among those within 10 % of the most, the first
 * (the more specific) of those that find nearly as many levels as the best of them — so a
 * known grammar wins when it reads the lines as well, and the inferred head when it finds
 * the level a known grammar leaves in the message.
 */
export function bestGrammar(scores: readonly GrammarScore[]): GrammarScore | null {
  const most = Math.max(0, ...scores.map((s) => s.entries));
  if (most === 0) return null;
  const near = scores.filter((s) => s.entries >= most * 0.9);
  const levels = Math.max(...near.map((s) => s.levels));
  return near.find((s) => s.levels >= levels * 0.95) ?? null;
}

/** A format the sample could be read as, and the share of its lines that fit it. */
export interface FormatCandidate {
  guess: FormatGuess;
  fits: number;
}

/**
 * Every reading of the sample worth offering, best fit first: JSON lines, the access-log
 * layout, a delimiter that makes a table, and the best grammar of each text-log format (its entries and the
 * lines that continue them). `lines` is not among them: every line fits it.
 */
export function candidateFormats(scores: FormatScores, lines: readonly string[]): FormatCandidate[] {
  const total = scores.lines;
  if (total === 0) return [];
  const delimited = scores.delimiter;
  // Two fields split by a comma are a table only under a header that names them.
  const table = delimited && (delimited.fields >= 3 || namesHeader(lines[0]!, delimited.delimiter, delimited.fields));
  const candidates: FormatCandidate[] = [];
  if (scores.json > 0) candidates.push({ guess: { format: 'jsonl' }, fits: scores.json / total });
  if (scores.accessLayout && scores.access > 0) candidates.push({ guess: { format: scores.accessLayout.flavour, layout: scores.accessLayout }, fits: scores.access / total });
  if (scores.logfmtLayout && scores.logfmt > 0) candidates.push({ guess: { format: 'logfmt', layout: scores.logfmtLayout }, fits: scores.logfmt / total });
  if (table) candidates.push({ guess: { format: delimited.delimiter === '\t' ? 'tsv' : 'csv' }, fits: delimited.consistency });
  const families = new Set(scores.grammars.map((s) => s.grammar.format));
  for (const family of families) {
    const best = bestGrammar(scores.grammars.filter((s) => s.grammar.format === family));
    if (best) candidates.push({ guess: { format: family, grammar: best.grammar }, fits: Math.min(1, (best.entries + best.continuations) / total) });
  }
  return candidates.sort((a, b) => b.fits - a.fits);
}

export function chooseFormat(
  text: string,
  saved: readonly { name: string; pattern: string }[] = [],
): { guess: FormatGuess; scores: FormatScores; candidates: FormatCandidate[] } {
  const scores = scoreFormats(text);
  const guess = decide(text, scores, saved);
  return { guess, scores, candidates: candidateFormats(scores, sampleLines(text)) };
}

const headerName = /^[A-Za-z_][\w .-]{0,63}$/;

/** Whether a line is a table's header: `fields` distinct names split by `delimiter`. */
function namesHeader(line: string, delimiter: string, fields: number): boolean {
  const names = line.split(delimiter).map((n) => n.trim().replace(/^"(.*)"$/, '$1'));
  return names.length === fields && new Set(names).size === fields && names.every((n) => headerName.test(n));
}

function decide(text: string, scores: FormatScores, saved: readonly { name: string; pattern: string }[]): FormatGuess {
  const total = scores.lines;
  if (total === 0) return { format: 'lines' };
  if (scores.json >= total * 0.5) return { format: 'jsonl' };
  const lines = sampleLines(text);
  if (scores.accessLayout && scores.access >= total * 0.5) return { format: scores.accessLayout.flavour, layout: scores.accessLayout };
  // The user's own pattern for these lines outranks reading them as pairs.
  if (scores.logfmtLayout && scores.logfmt >= total * 0.5 && !savedPatternGuess(lines, saved)) return { format: 'logfmt', layout: scores.logfmtLayout };
  const best = bestGrammar(scores.grammars);
  const share = best ? best.entries / total : 0;
  const delimited = scores.delimiter;
  const delimitedFormat = (): FormatGuess => ({ format: delimited?.delimiter === '\t' ? 'tsv' : 'csv' });
  // A table: one delimiter splits nearly every record alike, into three or more fields, or
  // into two with a header line the log grammar does not read.
  const headed = best ? !new RegExp(best.grammar.regex.source).test(lines[0]!) : true;
  if (delimited && delimited.consistency >= 0.9 && (delimited.fields >= 3 || headed) && share < 0.95 && delimited.consistency >= (best ? (best.entries + best.continuations) / total : 0)) return delimitedFormat();
  // A header row of distinct names, as many as the usual record has fields, makes it a table
  // even when some records are malformed (they become rejects, not one long message each).
  if (delimited && headed && namesHeader(lines[0]!, delimited.delimiter, delimited.fields)) return delimitedFormat();
  const savedGuess = savedPatternGuess(lines, saved);
  if (savedGuess) return savedGuess;
  const coverage = best ? (best.entries + best.continuations) / total : 0;
  const asLog = () => ({ format: best!.grammar.format, grammar: best!.grammar }) as FormatGuess;
  if (best && share >= 0.5) return asLog();
  // Stack traces: `\tat …` lines split "consistently" on tabs, but they continue entries.
  if (best && share >= 0.05 && coverage >= 0.8) return asLog();
  // Commas occur in messages: a delimiter that splits the lines less alike than a grammar
  // reads them is not the file's structure.
  if (delimited && (!best || delimited.consistency > coverage)) return delimitedFormat();
  if (best && share >= 0.05 && coverage >= 0.6) return asLog();
  return { format: 'lines' };
}

/** The first saved pattern that reads half the lines and, with their continuations, 90 % of them. */
function savedPatternGuess(lines: readonly string[], saved: readonly { name: string; pattern: string }[]): FormatGuess | null {
  for (const pattern of saved) {
    const parsed = parseUserPattern(pattern.pattern);
    if (!parsed.ok || parsed.regex.groups.length < 3) continue;
    const compiled = new RegExp(parsed.regex.source);
    const entries = lines.filter((l) => compiled.test(l)).length;
    const continuations = lines.filter((l) => !compiled.test(l) && continuationLike.test(l)).length;
    if (entries >= lines.length * 0.5 && entries + continuations >= lines.length * 0.9) return { format: 'pattern', name: pattern.name, pattern: pattern.pattern, regex: parsed.regex };
  }
  return null;
}
