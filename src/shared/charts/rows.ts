import { quoteIdent, quoteLiteral, type SqlQuery } from '../sql/quote';
import { columnLabel, samePath } from './columns';
import { filteredRowsSql, MissingColumnError, planScope, searchWhereSql, type ChartSource, type FilterPlan, type Params } from './sql';
import type { ColumnPath, RowsQuery, Search } from './spec';

/**
 * The Rows grid over the dashboard's filter state: the same filtered rows the charts
 * count (`filteredRowsSql`), plus the grid's own quick search, sorted by a column with
 * ties in import order, a page at a time; their count; and the rows an export writes.
 */

export interface RowsSpec {
  /** The grid's quick search, on top of the dashboard's. */
  quick: Search | null;
  sort: { column: ColumnPath; direction: 'asc' | 'desc' } | null;
}

/** The filter plan of a grid query: the same range, chips and search a chart of that state has. */
export function planRows(query: Pick<RowsQuery, 'zone' | 'range' | 'filters' | 'search'>, source: ChartSource): FilterPlan {
  const scope = planScope({ zone: query.zone, range: query.range, widthPx: 1000 }, source, false);
  return { source, restrictRange: scope.restrictRange, fromMs: scope.fromMs, toMs: scope.toMs, segments: scope.segments, filters: query.filters, search: query.search };
}

function rowsSql(plan: FilterPlan, spec: RowsSpec, params: Params, select: string): string {
  const extra = spec.quick ? [searchWhereSql({ ...plan, search: spec.quick }, params, 'q')] : [];
  return filteredRowsSql(plan, [select], params, extra);
}

function orderSql(plan: FilterPlan, spec: RowsSpec): string {
  const rowid = `${quoteIdent(plan.source.table)}.rowid`;
  if (!spec.sort) return `ORDER BY ${rowid}`;
  const sort = spec.sort;
  if (!plan.source.columns.some((c) => samePath(c.path, sort.column)) && !(sort.column.length === 1 && sort.column[0]!.startsWith('_ls_'))) {
    throw new MissingColumnError(columnLabel(sort.column));
  }
  // Only top-level columns are shown as grid columns; a STRUCT field sorts by its value.
  const [first, ...rest] = sort.column;
  let column = `${quoteIdent(plan.source.table)}.${quoteIdent(first!)}`;
  for (const field of rest) column = `struct_extract(${column}, ${quoteLiteral(field)})`;
  return `ORDER BY ${column} ${sort.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, ${rowid}`;
}

/** One page of the filtered rows, every column of the dataset. */
export function buildRowsPageQuery(plan: FilterPlan, spec: RowsSpec, page: { offset: number; limit: number }): SqlQuery {
  const params: Params = {};
  const rows = rowsSql(plan, spec, params, `${quoteIdent(plan.source.table)}.*`);
  params.limit = page.limit;
  params.offset = page.offset;
  return { sql: `${rows} ${orderSql(plan, spec)} LIMIT $limit OFFSET $offset`, params };
}

/** How many rows the grid holds. */
export function buildRowsCountQuery(plan: FilterPlan, spec: RowsSpec): SqlQuery {
  const params: Params = {};
  return { sql: `SELECT count(*) FROM (${rowsSql(plan, spec, params, '1 AS one')})`, params };
}

/** The rows an export writes: the grid's rows in its order, at most `limit`. */
export function buildRowsExportQuery(plan: FilterPlan, spec: RowsSpec, limit: number): SqlQuery {
  return buildRowsPageQuery(plan, spec, { offset: 0, limit });
}
