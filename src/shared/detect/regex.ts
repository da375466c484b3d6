/**
 * Regular expressions that run twice: in JavaScript on the detection sample, and in DuckDB
 * (RE2) on the whole file. Both engines agree on the subset used here — `^ $ . [...] (?:)
 * * + ? {n,m}`, lazy quantifiers, `\d \[ \]` — and pick submatches leftmost-first. Groups are
 * positional (RE2 rejects JavaScript's `(?<name>…)`), with their names kept beside them.
 */
export interface GroupedRegex {
  /** The expression; group i (1-based) is `groups[i - 1]`. */
  source: string;
  groups: string[];
}

/**
 * Builds a regex from parts; `group(name, body)` adds a numbered group and records its name.
 * A group around other groups takes its body as a function, so its name is recorded before
 * theirs, in the order the groups open.
 */
export function buildRegex(build: (group: (name: string, body: string | (() => string)) => string) => string): GroupedRegex {
  const groups: string[] = [];
  const source = build((name, body) => {
    groups.push(name);
    return `(${typeof body === 'function' ? body() : body})`;
  });
  return { source, groups };
}

/** Runs a grouped regex in JavaScript: the named groups of the first match, or null. */
export function execGrouped(regex: GroupedRegex, compiled: RegExp, text: string): Record<string, string> | null {
  const match = compiled.exec(text);
  if (!match) return null;
  const out: Record<string, string> = {};
  regex.groups.forEach((name, i) => {
    out[name] = match[i + 1] ?? '';
  });
  return out;
}

/** Escapes text for use as a literal inside a regex (both engines). */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
