import { useEffect, useMemo, useRef } from 'react';
import { Box, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Cell, ColumnInfo, SortSpec } from '@shared/api/contract';
import { formatInstant, isInstantCell } from '../app/time';
import { readableNumber, type ChartLanguage } from '@shared/charts/describe';

const rowHeight = 28;
const characterWidth = 7.2;

/** `numbers`: numbers grouped and rounded for reading in that language (the console); otherwise as they are. */
export function formatCell(cell: Cell, column: ColumnInfo, zone: string, nullText: string, numbers?: ChartLanguage): string {
  if (cell === null) return nullText;
  if (typeof cell === 'number' && numbers) return readableNumber(cell, numbers);
  if (isInstantCell(cell, column.type)) return formatInstant(cell, zone);
  return String(cell);
}

/** Column widths from what the page holds: enough for the usual values, never a whole log line. */
export function columnWidths(columns: readonly ColumnInfo[], texts: readonly (readonly string[])[]): number[] {
  return columns.map((column, i) => {
    let longest = column.name.length + 2;
    for (const row of texts.slice(0, 200)) longest = Math.max(longest, Math.min(60, row[i]?.length ?? 0));
    return Math.round(Math.min(440, Math.max(64, longest * characterWidth + 18)));
  });
}

/**
 * One page of rows from DuckDB, virtualised (only the visible rows are in the DOM). Log
 * text is always rendered as text. Sorting is offered when `onSort` is given.
 */
export function DataGrid({
  columns,
  rows,
  firstRowIndex,
  totalRows,
  zone,
  sort,
  onSort,
  emptyText,
  testId,
  readableNumbers = false,
}: {
  columns: readonly ColumnInfo[];
  rows: readonly (readonly Cell[])[];
  /** The index of the page's first row in the whole result, for screen readers. */
  firstRowIndex: number;
  totalRows: number;
  zone: string;
  sort?: SortSpec | null;
  onSort?: (column: string) => void;
  emptyText?: string;
  testId?: string;
  /** Numbers grouped and without binary noise (a query's results); a log's own values stay as written. */
  readableNumbers?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const numbers: ChartLanguage | undefined = readableNumbers ? (i18n.language.startsWith('ko') ? 'ko' : 'en') : undefined;
  const scrollRef = useRef<HTMLDivElement>(null);
  const nullText = t('table.null');
  const texts = useMemo(() => rows.map((row) => columns.map((c, i) => formatCell(row[i] ?? null, c, zone, nullText, numbers))), [rows, columns, zone, nullText, numbers]);
  const widths = useMemo(() => columnWidths(columns, texts), [columns, texts]);
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 20 });

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [firstRowIndex]);

  return (
    <Box
      ref={scrollRef}
      role="grid"
      aria-rowcount={totalRows + 1}
      aria-colcount={columns.length}
      data-testid={testId}
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
            key={`${column.name}-${i}`}
            role="columnheader"
            aria-sort={sort?.column === column.name ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            title={onSort ? `${t('table.sortBy', { column: column.name })} (${column.type})` : `${column.name} (${column.type})`}
            onClick={onSort ? () => onSort(column.name) : undefined}
            style={{ width: widths[i], padding: '4px 8px', display: 'flex', alignItems: 'center', gap: 4, cursor: onSort ? 'pointer' : 'default' }}
          >
            <Text size="xs" fw={600} truncate>
              {column.name}
            </Text>
            {/* Times are shown in the user's zone: the header says which. */}
            {column.type.startsWith('TIMESTAMP') && (
              <Text size="xs" c="dimmed" span style={{ whiteSpace: 'nowrap' }} data-testid="column-zone">
                {zone}
              </Text>
            )}
            {sort?.column === column.name && (sort.direction === 'asc' ? <IconArrowUp size={12} /> : <IconArrowDown size={12} />)}
          </UnstyledButton>
        ))}
      </Box>
      {rows.length === 0 ? (
        <Text c="dimmed" p="md">
          {emptyText ?? t('table.empty')}
        </Text>
      ) : (
        <Box style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] ?? [];
            const text = texts[item.index] ?? [];
            return (
              <Box
                key={item.key}
                role="row"
                aria-rowindex={firstRowIndex + item.index + 2}
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
                {columns.map((column, i) => (
                  <Box
                    key={`${column.name}-${i}`}
                    role="gridcell"
                    className="ls-cell"
                    title={text[i]}
                    style={{ width: widths[i], padding: '5px 8px', color: row[i] === null ? 'var(--mantine-color-dimmed)' : undefined }}
                  >
                    {text[i]}
                  </Box>
                ))}
              </Box>
            );
          })}
        </Box>
      )}
    </Box>
  );
}
