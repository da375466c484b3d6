import { qualified, quoteIdent, type SqlQuery } from './quote';

/**
 * Rows outside a retention policy: older than N days before the newest row, or beyond
 * the newest N rows (by time; by file order when the dataset has no time column).
 */
export function buildRetentionDelete(spec: { table: string; timeColumn: string | null; keepDays: number | null; keepRows: number | null }): SqlQuery {
  const table = qualified('main', spec.table);
  const conditions: string[] = [];
  const params: SqlQuery['params'] = {};
  if (spec.keepDays !== null && spec.timeColumn) {
    const time = quoteIdent(spec.timeColumn);
    conditions.push(`${time} < (SELECT max(${time}) FROM ${table}) - to_days($keepDays::INTEGER)`);
    params.keepDays = spec.keepDays;
  }
  if (spec.keepRows !== null) {
    const order = spec.timeColumn ? `${quoteIdent(spec.timeColumn)} DESC NULLS LAST, rowid DESC` : 'rowid DESC';
    conditions.push(`rowid IN (SELECT rowid FROM ${table} ORDER BY ${order} OFFSET $keepRows)`);
    params.keepRows = spec.keepRows;
  }
  if (conditions.length === 0) return { sql: `SELECT 0`, params: {} };
  return { sql: `DELETE FROM ${table} WHERE ${conditions.join(' OR ')}`, params };
}
