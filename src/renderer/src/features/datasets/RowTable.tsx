import type { ColumnInfo } from '@shared/api/contract';

export { formatCell } from '../../ui/DataGrid';

/** Display width of a column from its type alone, for grids without a page of values at hand. */
export function columnWidth(column: ColumnInfo): number {
  if (column.type.startsWith('TIMESTAMP')) return 200;
  if (/INT|DOUBLE|FLOAT|DECIMAL|BOOLEAN/.test(column.type)) return 110;
  if (column.name.startsWith('_ls_')) return 90;
  return 280;
}
