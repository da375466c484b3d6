import { useRef, useState } from 'react';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ActionIcon, Group, Loader, Select, Text, UnstyledButton, Box, Alert } from '@mantine/core';
import {
  IconArrowDown,
  IconArrowUp,
  IconChevronLeft,
  IconChevronRight,
  IconChevronsLeft,
  IconChevronsRight,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Cell, ColumnInfo, DatasetSummary, SortSpec } from '@shared/api/contract';
import { useApi } from '../../app/api';
import { formatInstant } from '../../app/time';
import { useErrorText } from '../../ui/useErrorText';

const rowHeight = 28;
const pageSizes = ['100', '500', '1000'];

/** Display width of a column, from its type: enough for the usual values, never the whole line. */
export function columnWidth(column: ColumnInfo): number {
  if (column.type.startsWith('TIMESTAMP')) return 200;
  if (/INT|DOUBLE|FLOAT|DECIMAL|BOOLEAN/.test(column.type)) return 110;
  if (column.name.startsWith('_ls_')) return 90;
  return 280;
}

export function formatCell(cell: Cell, column: ColumnInfo, zone: string, nullText: string): string {
  if (cell === null) return nullText;
  if (typeof cell === 'string' && column.type.startsWith('TIMESTAMP')) return formatInstant(cell, zone);
  return String(cell);
}

/**
 * A dataset's rows, one page at a time from DuckDB (the renderer never holds a whole
 * dataset), with the page's rows virtualised and sorting by any column.
 */
export function RowTable({ dataset, zone }: { dataset: DatasetSummary; zone: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const [pageSize, setPageSize] = useState(500);
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const rows = useQuery({
    queryKey: ['rows', dataset.id, dataset.rows, page, pageSize, sort],
    queryFn: ({ signal }) =>
      api.call('datasets.page', { datasetId: dataset.id, offset: page * pageSize, limit: pageSize, sort }, { signal }),
    placeholderData: keepPreviousData,
  });

  const total = dataset.rows;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const columns = rows.data?.columns ?? dataset.columns;
  const widths = columns.map(columnWidth);
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  const data = rows.data?.rows ?? [];

  const virtualizer = useVirtualizer({
    count: data.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 20,
  });

  const goTo = (next: number) => {
    setPage(Math.min(Math.max(0, next), pageCount - 1));
    scrollRef.current?.scrollTo({ top: 0 });
  };
  const toggleSort = (column: string) => {
    setSort((current) =>
      current?.column !== column ? { column, direction: 'asc' } : current.direction === 'asc' ? { column, direction: 'desc' } : null,
    );
    goTo(0);
  };

  const from = total === 0 ? 0 : page * pageSize + 1;
  const to = Math.min(total, (page + 1) * pageSize);

  return (
    <Box style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
      <Group justify="space-between" mb="xs">
        <Group gap={4}>
          <ActionIcon variant="default" aria-label={t('table.first')} onClick={() => goTo(0)} disabled={page === 0}>
            <IconChevronsLeft size={16} />
          </ActionIcon>
          <ActionIcon variant="default" aria-label={t('table.previous')} onClick={() => goTo(page - 1)} disabled={page === 0}>
            <IconChevronLeft size={16} />
          </ActionIcon>
          <ActionIcon variant="default" aria-label={t('table.next')} onClick={() => goTo(page + 1)} disabled={page >= pageCount - 1}>
            <IconChevronRight size={16} />
          </ActionIcon>
          <ActionIcon variant="default" aria-label={t('table.last')} onClick={() => goTo(pageCount - 1)} disabled={page >= pageCount - 1}>
            <IconChevronsRight size={16} />
          </ActionIcon>
          <Text size="sm" ml="sm" data-testid="page-summary">
            {t('table.pageSummary', { from, to, total })}
          </Text>
          {rows.isFetching && <Loader size="xs" ml="xs" />}
        </Group>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('table.pageSize')}
          </Text>
          <Select
            size="xs"
            w={90}
            data={pageSizes}
            value={String(pageSize)}
            aria-label={t('table.pageSize')}
            onChange={(value) => {
              setPageSize(Number(value ?? 500));
              setPage(0);
            }}
            allowDeselect={false}
          />
        </Group>
      </Group>
      {rows.error && (
        <Alert color="red" mb="xs">
          {errorText(rows.error)}
        </Alert>
      )}
      <Box
        ref={scrollRef}
        role="grid"
        aria-rowcount={total + 1}
        aria-colcount={columns.length}
        style={{ flex: 1, minHeight: 0, overflow: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
      >
        <Box
          role="row"
          aria-rowindex={1}
          style={{
            display: 'flex',
            width: totalWidth,
            position: 'sticky',
            top: 0,
            zIndex: 1,
            background: 'var(--mantine-color-body)',
            borderBottom: '1px solid var(--mantine-color-default-border)',
          }}
        >
          {columns.map((column, i) => (
            <UnstyledButton
              key={column.name}
              role="columnheader"
              aria-sort={sort?.column === column.name ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
              title={`${t('table.sortBy', { column: column.name })} (${column.type})`}
              onClick={() => toggleSort(column.name)}
              style={{ width: widths[i], padding: '4px 8px', display: 'flex', alignItems: 'center', gap: 4 }}
            >
              <Text size="xs" fw={600} truncate>
                {column.name}
              </Text>
              {sort?.column === column.name && (sort.direction === 'asc' ? <IconArrowUp size={12} /> : <IconArrowDown size={12} />)}
            </UnstyledButton>
          ))}
        </Box>
        {data.length === 0 && !rows.isFetching ? (
          <Text c="dimmed" p="md">
            {t('table.empty')}
          </Text>
        ) : (
          <Box style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = data[item.index] ?? [];
              return (
                <Box
                  key={item.key}
                  role="row"
                  aria-rowindex={page * pageSize + item.index + 2}
                  style={{
                    position: 'absolute',
                    top: 0,
                    transform: `translateY(${item.start}px)`,
                    height: rowHeight,
                    display: 'flex',
                    width: totalWidth,
                    borderBottom: '1px solid var(--mantine-color-default-border)',
                  }}
                >
                  {columns.map((column, i) => {
                    const text = formatCell(row[i] ?? null, column, zone, t('table.null'));
                    return (
                      <Box key={column.name} role="gridcell" className="ls-cell" title={text} style={{ width: widths[i], padding: '5px 8px', opacity: row[i] === null ? 0.45 : 1 }}>
                        {text}
                      </Box>
                    );
                  })}
                </Box>
              );
            })}
          </Box>
        )}
      </Box>
    </Box>
  );
}
