import { columnSql } from '../sql/expr';
import { columnLabel, isNumericType, isTextType, isTimestampType, samePath } from '../charts/columns';
import type { ColumnPath, RoleColumn, RoleName, Roles, Search } from '../charts/spec';
import { roleColumn, roleNames } from '../charts/names';
import { parseSearchText, SearchError, type Comparison } from './query';
import { duckdbDialect, type SqlDialect } from '../sql/dialect';

/**
 * A search as SQL over one dataset: the terms of the search box resolved against its
 * columns (`resolveSearch`), then one WHERE condition (`searchConditionSql`) in the SQL of
 * the engine the rows live in: DuckDB by default, its values bound, identifiers through
 * `quoteIdent` (`columnSql`), text compared with both sides lowered
 * (`contains(lower(col), lower($t))`); ClickHouse with its own spelling
 * (`positionCaseInsensitiveUTF8`, `match`), values written as escaped literals.
 */

/** A term that compares text: the columns it looks in (any of them may contain it). */
export interface TextTerm {
  kind: 'text';
  text: string;
  exclude: boolean;
  columns: RoleColumn[];
}

/** A `field:value` term on a number column. */
export interface NumberTerm {
  kind: 'number';
  column: RoleColumn;
  op: Comparison;
  value: number;
  exclude: boolean;
}

export type ResolvedTerm = TextTerm | NumberTerm;

export type ResolvedSearch = { kind: 'regex'; pattern: string; columns: RoleColumn[] } | { kind: 'terms'; terms: ResolvedTerm[] };

/** Columns free text is searched in: every text column (Logscope's own `_ls_` columns aside). */
export function textColumns(columns: readonly RoleColumn[]): RoleColumn[] {
  return columns.filter((c) => isTextType(c.type) && !c.path[0]!.startsWith('_ls_'));
}

function findColumn(columns: readonly RoleColumn[], roles: Roles, name: string): RoleColumn | null {
  const exact = columns.find((c) => columnLabel(c.path) === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const folded = columns.find((c) => columnLabel(c.path).toLowerCase() === lower);
  if (folded) return folded;
  // A role's name finds the role's column: `message:` where the column is called `msg`.
  if ((roleNames as readonly string[]).includes(lower)) {
    const path = roleColumn(roles, lower as RoleName);
    if (path) return columns.find((c) => samePath(c.path, path)) ?? null;
  }
  return null;
}

/**
 * The search against a dataset's columns. Throws `SearchError` for what the box should
 * say inline: an unclosed quote, a number column given something else, a time column
 * (the time range is the way to filter time), no text column to search, an unknown column.
 */
export function resolveSearch(search: Search, columns: readonly RoleColumn[], roles: Roles): ResolvedSearch {
  let searched: RoleColumn[];
  if (search.column) {
    const chosen = columns.find((c) => samePath(c.path, search.column!));
    if (!chosen) throw new SearchError('search_column_not_found', { column: columnLabel(search.column) });
    searched = [chosen];
  } else {
    searched = textColumns(columns);
  }
  if (search.regex) {
    if (searched.length === 0) throw new SearchError('search_no_text_columns');
    return { kind: 'regex', pattern: search.text, columns: searched };
  }
  const terms: ResolvedTerm[] = [];
  const text = (value: string, exclude: boolean) => {
    if (searched.length === 0) throw new SearchError('search_no_text_columns');
    terms.push({ kind: 'text', text: value, exclude, columns: searched });
  };
  for (const term of parseSearchText(search.text)) {
    if (term.kind === 'text') {
      text(term.text, term.exclude);
      continue;
    }
    const column = findColumn(columns, roles, term.field);
    if (!column) {
      // Not a column: the words are text (`12:30`, `http://host`, `ERROR:`).
      text(term.raw, term.exclude);
      continue;
    }
    const label = columnLabel(column.path);
    if (isTimestampType(column.type)) throw new SearchError('search_field_time', { field: label });
    if (isNumericType(column.type)) {
      const value = Number(term.value);
      if (term.value.trim() === '' || !Number.isFinite(value)) throw new SearchError('search_value_not_number', { field: label, value: term.value });
      terms.push({ kind: 'number', column, op: term.op, value, exclude: term.exclude });
      continue;
    }
    // A comparison sign on a text column is part of the text.
    const value = term.quoted || term.op === 'match' ? term.value : term.raw.slice(term.field.length + 1);
    terms.push({ kind: 'text', text: value, exclude: term.exclude, columns: [column] });
  }
  return { kind: 'terms', terms };
}

export type Bind = (value: string | number) => string;

/** How one engine writes a search: its functions, how a value reaches the SQL, how a column is named. */
export interface SearchSqlTarget {
  dialect: SqlDialect;
  bind: Bind;
  column: (path: ColumnPath) => string;
}

const comparisonSql: Record<Comparison, string> = { match: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function textExpr(column: RoleColumn, target: SearchSqlTarget): string {
  const sql = target.column(column.path);
  return isTextType(column.type) ? sql : target.dialect.cast(sql, 'string');
}

/** NULL (a missing value) counts as not matching. */
const orFalse = (condition: string, target: SearchSqlTarget) => `coalesce(${condition}, ${target.dialect.literal({ type: 'bool', value: false })})`;

/** Any of the columns contains the text. */
function containsSql(columns: readonly RoleColumn[], text: string, target: SearchSqlTarget): string {
  const value = target.bind(text);
  const each = columns.map((c) => orFalse(target.dialect.containsIgnoreCase(textExpr(c, target), value), target));
  return each.length === 1 ? each[0]! : `(${each.join(' OR ')})`;
}

/**
 * One WHERE condition for the search. Given a bare `bind`, DuckDB's SQL with the values
 * bound; given a target, that engine's.
 */
export function searchConditionSql(resolved: ResolvedSearch, bindOrTarget: Bind | SearchSqlTarget): string {
  const target: SearchSqlTarget = typeof bindOrTarget === 'function' ? { dialect: duckdbDialect, bind: bindOrTarget, column: columnSql } : bindOrTarget;
  if (resolved.kind === 'regex') {
    const pattern = target.bind(resolved.pattern);
    const each = resolved.columns.map((c) => orFalse(target.dialect.regexMatch(textExpr(c, target), pattern), target));
    return each.length === 1 ? each[0]! : `(${each.join(' OR ')})`;
  }
  const conditions = resolved.terms.map((term) => {
    const condition =
      term.kind === 'number'
        ? orFalse(`${target.column(term.column.path)} ${comparisonSql[term.op]} ${target.bind(term.value)}`, target)
        : containsSql(term.columns, term.text, target);
    return term.exclude ? `NOT ${condition}` : condition;
  });
  const all = target.dialect.literal({ type: 'bool', value: true });
  return conditions.length === 0 ? all : conditions.length === 1 ? conditions[0]! : `(${conditions.join(' AND ')})`;
}

/** The columns a search looks at, for saying so beside the box. */
export function searchedColumns(resolved: ResolvedSearch): ColumnPath[] {
  const seen = new Map<string, ColumnPath>();
  const columns = resolved.kind === 'regex' ? resolved.columns : resolved.terms.flatMap((t) => (t.kind === 'text' ? t.columns : [t.column]));
  for (const c of columns) seen.set(JSON.stringify(c.path), c.path);
  return [...seen.values()];
}
