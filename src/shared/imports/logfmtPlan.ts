import { levelSql } from '../detect/levels';
import { logfmtValueRegex, pairPattern, type LogfmtLayout } from '../detect/logfmt';
import type { TimeCompletion } from '../detect/time';
import { timeStyle } from '../detect/timeStyles';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { styleTimeColumn, type TextPlan } from './formatPlan';
import type { LinesReader, PlannedColumn } from './plan';

const text = (name: string, source: string, expression: string, type = 'VARCHAR'): PlannedColumn => ({
  name,
  path: [source],
  sourceType: 'VARCHAR',
  type,
  asJson: false,
  time: null,
  expression: type === 'VARCHAR' ? expression : `TRY_CAST(${expression} AS ${type})`,
});

const pairs = quoteIdent('pairs');

/**
 * SQL: the value of `key` in the line's pairs, unquoted; NULL when the line lacks the key or
 * leaves it empty (`key=`). A quoted value loses its quotes and its escapes are read: `\\`
 * first becomes `placeholder` — the lines reader's delimiter, a character the file does not
 * hold — so `\\n` stays a backslash and an `n`.
 */
export function logfmtValueSql(key: string, placeholder: string): string {
  const raw = `nullif(regexp_extract(${pairs}, ${quoteLiteral(logfmtValueRegex(key))}, 1), '')`;
  const p = quoteLiteral(placeholder);
  const unescaped = `replace(replace(replace(replace(replace(replace(v[2:-2], '\\\\', ${p}), '\\"', '"'), '\\n', chr(10)), '\\t', chr(9)), '\\r', chr(13)), ${p}, '\\')`;
  // Bound once by the lambda: the extraction is the costly part.
  return `list_transform([${raw}], lambda v: CASE WHEN starts_with(v, '"') AND length(v) >= 2 THEN ${unescaped} ELSE v END)[1]`;
}

/**
 * SQL: the pairs whose key has no column of its own — and the repeats of a key that has —
 * as written, in order; NULL when none are left.
 */
function otherPairsSql(columnKeys: readonly string[]): string {
  const keys = `[${columnKeys.map(quoteLiteral).join(', ')}]::VARCHAR[]`;
  const keyOf = (p: string) => `split_part(${p}, '=', 1)`;
  const kept = `list_filter(l, lambda p, i: NOT list_contains(${keys}, ${keyOf('p')}) OR list_position(list_transform(l, lambda q: ${keyOf('q')}), ${keyOf('p')}) < i)`;
  return `nullif(array_to_string(list_transform([regexp_extract_all(${pairs}, ${quoteLiteral(pairPattern)})], lambda l: ${kept})[1], ' '), '')`;
}

/**
 * A logfmt layout's columns (`detectLogfmt`), over the groups of its line regex: the head's
 * time, level and text, each common key typed, the other pairs. A line the regex does not
 * read is rejected (`continueInto` null): a logfmt line is one line.
 */
export function logfmtPlan(layout: LogfmtLayout, entries: readonly Record<string, string>[], options: { delimiter: string; completion: TimeCompletion | null }): TextPlan<LinesReader> {
  const columns: PlannedColumn[] = [];
  const value = (key: string) => logfmtValueSql(key, options.delimiter);
  if (layout.headTime) {
    const samples = entries.map((e) => e.head_time ?? '').filter(Boolean).slice(0, 500);
    columns.push({ ...styleTimeColumn(timeStyle(layout.headTime), 'head_time', samples, options.completion), name: 'time' });
  }
  if (layout.headLevel) columns.push(text('level', 'head_level', levelSql(quoteIdent('head_level'))));
  for (const key of layout.keys) {
    switch (key.kind) {
      case 'time': {
        const samples = entries.map((e) => logfmtValueOf(e.pairs ?? '', key.key)).filter((v): v is string => Boolean(v)).slice(0, 500);
        columns.push({ ...styleTimeColumn(timeStyle(key.style!), 'pairs', samples, options.completion, value(key.key)), name: key.column });
        break;
      }
      case 'level':
        columns.push(text(key.column, 'pairs', levelSql(value(key.key))));
        break;
      case 'integer':
        columns.push(text(key.column, 'pairs', value(key.key), 'BIGINT'));
        break;
      case 'decimal':
        columns.push(text(key.column, 'pairs', value(key.key), 'DOUBLE'));
        break;
      case 'message':
      case 'text':
        columns.push(text(key.column, 'pairs', value(key.key)));
        break;
    }
  }
  if (layout.hasHeader) columns.push(text('header', 'header', `nullif(trim(${quoteIdent('header')}), '')`));
  columns.push(text(layout.otherPairs, 'pairs', otherPairsSql(layout.keys.map((k) => k.key))));
  return { reader: { kind: 'lines', delimiter: options.delimiter, entry: layout.regex, continueInto: null }, columns, units: [] };
}

function logfmtValueOf(pairsText: string, key: string): string | null {
  const match = new RegExp(logfmtValueRegex(key)).exec(pairsText);
  return match ? match[1]!.replace(/^"(.*)"$/, '$1') : null;
}
