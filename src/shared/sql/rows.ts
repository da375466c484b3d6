import { qualified, quoteIdent, type SqlQuery } from './quote';

export interface RowPageSpec {
  table: string;
  offset: number;
  limit: number;
  sort: { column: string; direction: 'asc' | 'desc' } | null;
}

/**
 * One page of a dataset's rows. Unsorted pages follow the order rows were imported in
 * (DuckDB keeps insertion order for a plain scan); sorted pages break ties by that
 * order too, so paging never shows a row twice.
 */
export function buildRowPageQuery(spec: RowPageSpec): SqlQuery {
  const order = spec.sort
    ? `ORDER BY ${quoteIdent(spec.sort.column)} ${spec.sort.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, rowid`
    : '';
  return {
    sql: `SELECT * FROM ${qualified('main', spec.table)} ${order} LIMIT $limit OFFSET $offset`,
    params: { limit: spec.limit, offset: spec.offset },
  };
}
