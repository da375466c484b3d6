import { useState } from 'react';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { Alert, Box } from '@mantine/core';
import type { ColumnInfo, DatasetSummary, SortSpec } from '@shared/api/contract';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { DataGrid } from '../../ui/DataGrid';
import { PageControls } from '../../ui/PageControls';

/**
 * A dataset's rows, one page at a time from DuckDB (the renderer never holds a whole
 * dataset), with the page's rows virtualised and sorting by any column.
 */
export function RowTable({ dataset, zone }: { dataset: DatasetSummary; zone: string }) {
  const api = useApi();
  const errorText = useErrorText();
  const [pageSize, setPageSize] = useState(500);
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<SortSpec | null>(null);

  const rows = useQuery({
    queryKey: ['rows', dataset.id, dataset.rows, page, pageSize, sort],
    queryFn: ({ signal }) => api.call('datasets.page', { datasetId: dataset.id, offset: page * pageSize, limit: pageSize, sort }, { signal }),
    placeholderData: keepPreviousData,
  });

  const toggleSort = (column: string) => {
    setSort((current) =>
      current?.column !== column ? { column, direction: 'asc' } : current.direction === 'asc' ? { column, direction: 'desc' } : null,
    );
    setPage(0);
  };

  return (
    <Box style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
      <PageControls
        page={page}
        pageSize={pageSize}
        total={dataset.rows}
        loading={rows.isFetching}
        onPage={setPage}
        onPageSize={(size) => {
          setPageSize(size);
          setPage(0);
        }}
      />
      {rows.error && (
        <Alert color="red" mb="xs">
          {errorText(rows.error)}
        </Alert>
      )}
      <DataGrid
        columns={rows.data?.columns ?? dataset.columns}
        rows={rows.data?.rows ?? []}
        firstRowIndex={page * pageSize}
        totalRows={dataset.rows}
        zone={zone}
        sort={sort}
        onSort={toggleSort}
      />
    </Box>
  );
}

export { formatCell } from '../../ui/DataGrid';

/** Display width of a column from its type alone, for grids without a page of values at hand. */
export function columnWidth(column: ColumnInfo): number {
  if (column.type.startsWith('TIMESTAMP')) return 200;
  if (/INT|DOUBLE|FLOAT|DECIMAL|BOOLEAN/.test(column.type)) return 110;
  if (column.name.startsWith('_ls_')) return 90;
  return 280;
}
