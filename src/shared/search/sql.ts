import { columnSql, integerLiteral } from '../sql/expr';
import { quoteIdent } from '../sql/quote';
import { columnLabel, isNumericType, isTextType, isTimestampType, samePath } from '../charts/columns';
import { roleColumn, roleNames, type ColumnPath, type RoleColumn, type RoleName, type Roles, type Search } from '../charts/spec';
import { parseSearchText, SearchError, type Comparison } from './query';

/**
 * A search as SQL over one dataset: the terms of the search box resolved against its
 * columns (`resolveSearch`), then one WHERE condition (`searchConditionSql`). Values are
 * bound; identifiers go through `quoteIdent` (`columnSql`). Text is compared with both
 * sides lowered by DuckDB (`contains(lower(col), lower($t))`), the same lowering the token
 * index is built with, so a search finds the same rows with and without the index.
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

/** The postings table's columns: a token's id and the row id (`rowid`) of a row holding it. */
export const candidateTokenColumn = '_ls_token';
export const candidateRowColumn = '_ls_rid';

/**
 * What the token index says about a search: the ids of the tokens one of which every row
 * matching it holds (empty: no row can match). The rows are found in the postings table
 * (`_ls_token`, `_ls_rid`) and joined to the dataset by row id; the search is still checked on
 * them, so the index narrows and never decides.
 */
export interface SearchCandidates {
  postings: string;
  tokenIds: readonly number[];
}

/** The candidate rows as a table to join: `_ls_rid`, each once. */
export function candidateRowsSql(candidates: SearchCandidates): string {
  const rid = quoteIdent(candidateRowColumn);
  if (candidates.tokenIds.length === 0) return `SELECT NULL::BIGINT AS ${rid} WHERE false`;
  return `SELECT DISTINCT ${rid} FROM ${candidates.postings} WHERE ${quoteIdent(candidateTokenColumn)} IN (${candidates.tokenIds.map(integerLiteral).join(', ')})`;
}

export type Bind = (value: string | number) => string;

const comparisonSql: Record<Comparison, string> = { match: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function textExpr(column: RoleColumn): string {
  const sql = columnSql(column.path);
  return isTextType(column.type) ? sql : `CAST(${sql} AS VARCHAR)`;
}

/** Any of the columns contains the text; NULL counts as not containing it. */
function containsSql(columns: readonly RoleColumn[], text: string, bind: Bind): string {
  const value = bind(text);
  const each = columns.map((c) => `coalesce(contains(lower(${textExpr(c)}), lower(${value})), false)`);
  return each.length === 1 ? each[0]! : `(${each.join(' OR ')})`;
}

/** One WHERE condition for the search. */
export function searchConditionSql(resolved: ResolvedSearch, bind: Bind): string {
  if (resolved.kind === 'regex') {
    const pattern = bind(resolved.pattern);
    const each = resolved.columns.map((c) => `coalesce(regexp_matches(${textExpr(c)}, ${pattern}), false)`);
    return each.length === 1 ? each[0]! : `(${each.join(' OR ')})`;
  }
  const conditions = resolved.terms.map((term) => {
    const condition =
      term.kind === 'number' ? `coalesce(${columnSql(term.column.path)} ${comparisonSql[term.op]} ${bind(term.value)}, false)` : containsSql(term.columns, term.text, bind);
    return term.exclude ? `NOT ${condition}` : condition;
  });
  return conditions.length === 0 ? 'true' : conditions.length === 1 ? conditions[0]! : `(${conditions.join(' AND ')})`;
}

/** The columns a search looks at, for saying so beside the box. */
export function searchedColumns(resolved: ResolvedSearch): ColumnPath[] {
  const seen = new Map<string, ColumnPath>();
  const columns = resolved.kind === 'regex' ? resolved.columns : resolved.terms.flatMap((t) => (t.kind === 'text' ? t.columns : [t.column]));
  for (const c of columns) seen.set(JSON.stringify(c.path), c.path);
  return [...seen.values()];
}
