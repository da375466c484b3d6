import type { GroupedRegex } from './regex';

/**
 * A user's own line format: a regular expression whose named groups become columns, written
 * as JavaScript (`(?<name>…)`) or Python/RE2 (`(?P<name>…)`) spell them. It runs in
 * JavaScript on the sample and in DuckDB's RE2 on the file, so it is rewritten into the
 * subset both share: named groups become numbered ones (names kept aside), other groups
 * stop capturing, and what RE2 cannot do (look-around, back-references) is refused with a
 * reason the user can act on.
 */
export type PatternProblem =
  | { reason: 'no_named_group' }
  | { reason: 'unsupported'; construct: string }
  | { reason: 'syntax'; detail: string }
  | { reason: 'matches_empty' }
  | { reason: 'duplicate_name'; name: string };

export type ParsedPattern = { ok: true; regex: GroupedRegex } | { ok: false; problem: PatternProblem };

const groupName = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function parseUserPattern(pattern: string): ParsedPattern {
  const names: string[] = [];
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return { ok: false, problem: { reason: 'unsupported', construct: `\\${next}` } };
      out += char + next;
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      // A `]` right after `[` or `[^` is a literal, not the end of the class.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (char !== '(') {
      out += char;
      continue;
    }
    const rest = pattern.slice(i);
    const named = /^\(\?P?<([^>=!]+)>/.exec(rest);
    if (named) {
      const name = named[1]!;
      if (!groupName.test(name)) return { ok: false, problem: { reason: 'syntax', detail: `group name "${name}"` } };
      if (names.some((n) => n.toLowerCase() === name.toLowerCase())) return { ok: false, problem: { reason: 'duplicate_name', name } };
      names.push(name);
      out += '(';
      i += named[0].length - 1;
      continue;
    }
    const lookaround = /^\(\?(<=|<!|=|!)/.exec(rest);
    if (lookaround) return { ok: false, problem: { reason: 'unsupported', construct: `(?${lookaround[1]}` } };
    if (rest.startsWith('(?')) {
      out += char;
      continue;
    }
    // An unnamed group groups without capturing, so the numbers stay the names' numbers.
    out += '(?:';
  }
  if (names.length === 0) return { ok: false, problem: { reason: 'no_named_group' } };
  const source = `(${out})`;
  try {
    const compiled = new RegExp(source);
    if (compiled.test('')) return { ok: false, problem: { reason: 'matches_empty' } };
  } catch (error) {
    return { ok: false, problem: { reason: 'syntax', detail: error instanceof Error ? error.message : String(error) } };
  }
  return { ok: true, regex: { source, groups: ['_m', ...names] } };
}

/** The pattern in JavaScript's spelling, as the preview shows the regex a format used. */
export function displayPattern(regex: GroupedRegex): string {
  let index = 0;
  let out = '';
  let inClass = false;
  const source = regex.source;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      out += char + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += source[++i];
      continue;
    }
    if (char === '(' && source[i + 1] !== '?') {
      const name = regex.groups[index++] ?? '';
      // The wrapper group that marks a match is an implementation detail.
      out += name === '_m' ? '(?:' : `(?<${name}>`;
      continue;
    }
    out += char;
  }
  return out;
}
