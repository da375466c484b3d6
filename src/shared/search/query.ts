/**
 * The search box's language, read into terms that all apply (AND):
 * - `word` or `"a quoted phrase"`: text any searched column contains (letter case ignored);
 * - `field:value`, `field:"a phrase"`, `field:>=500`: one column (by name or role);
 * - `-term`: rows that do NOT match the term.
 * What a `field` names is decided against the dataset's columns later (`resolveSearch`):
 * a prefix that names no column is text, so `12:30` or `http://x` are found as written.
 */

export type Comparison = 'match' | 'gt' | 'gte' | 'lt' | 'lte';

export type SearchTerm =
  | { kind: 'text'; text: string; exclude: boolean }
  | { kind: 'field'; field: string; value: string; op: Comparison; exclude: boolean; quoted: boolean; raw: string };

/** A search the box cannot read, with the code the UI words (`errors.<code>`). */
export class SearchError extends Error {
  constructor(
    readonly code: SearchErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'SearchError';
  }
}

export type SearchErrorCode =
  | 'search_quote_unclosed'
  | 'search_value_not_number'
  | 'search_field_time'
  | 'search_no_text_columns'
  | 'search_column_not_found'
  | 'search_pattern_invalid';

const fieldName = /^([\p{L}\p{N}_.]+):(.+)$/su;
const fieldOnly = /^[\p{L}\p{N}_.]+$/u;
const comparisons: [string, Comparison][] = [
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['>', 'gt'],
  ['<', 'lt'],
];

/** Reads `"…"` starting at `start` (the opening quote); `\"` and `\\` are escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
    } else if (ch === '"') {
      return { value, end: i + 1 };
    } else {
      value += ch;
      i++;
    }
  }
  throw new SearchError('search_quote_unclosed', { at: start + 1 });
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/u.test(ch);

export function parseSearchText(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let i = 0;
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    let exclude = false;
    if (text[i] === '-' && i + 1 < text.length && !isSpace(text[i + 1])) {
      exclude = true;
      i++;
    }
    if (text[i] === '"') {
      const quoted = readQuoted(text, i);
      i = quoted.end;
      if (quoted.value) terms.push({ kind: 'text', text: quoted.value, exclude });
      continue;
    }
    // A bare word runs to the next space; `field:"…"` takes its quoted value with it.
    let end = i;
    while (end < text.length && !isSpace(text[end])) {
      if (text[end] === '"' && text[end - 1] === ':' && fieldOnly.test(text.slice(i, end - 1))) break;
      end++;
    }
    if (text[end] === '"') {
      const quoted = readQuoted(text, end);
      terms.push({ kind: 'field', field: text.slice(i, end - 1), value: quoted.value, op: 'match', exclude, quoted: true, raw: text.slice(i, quoted.end) });
      i = quoted.end;
      continue;
    }
    const word = text.slice(i, end);
    const field = fieldName.exec(word);
    i = end;
    if (field) {
      let value = field[2]!;
      let op: Comparison = 'match';
      for (const [prefix, comparison] of comparisons) {
        if (value.startsWith(prefix) && value.length > prefix.length) {
          op = comparison;
          value = value.slice(prefix.length);
          break;
        }
      }
      terms.push({ kind: 'field', field: field[1]!, value, op, exclude, quoted: false, raw: word });
      continue;
    }
    terms.push({ kind: 'text', text: word, exclude });
  }
  return terms;
}
