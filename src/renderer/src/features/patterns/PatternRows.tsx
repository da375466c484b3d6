import { useState } from 'react';
import { ActionIcon, Alert, Box, CloseButton, Group, Loader, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { PatternRange } from '@shared/api/contract/patterns';
import { useErrorText } from '../../ui/useErrorText';
import { columnWidth, formatCell } from '../datasets/RowTable';
import { usePatternRows } from './usePatterns';

const pageSize = 100;
const rowHeight = 28;

/** The rows of one template (in the selected range), a page at a time, in source and line order. */
export function PatternRows({
  datasetId,
  patternId,
  range,
  zone,
  timeColumn,
  messageColumn,
  onClose,
}: {
  datasetId: number;
  patternId: number;
  range: PatternRange | null;
  zone: string;
  /** Shown first, the rest in the dataset's order. */
  timeColumn: string | null;
  messageColumn: string | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [page, setPage] = useState(0);
  const rows = usePatternRows(datasetId, patternId, range, page, pageSize);
  const fetched = rows.data?.columns ?? [];
  const leadingColumns = [timeColumn, messageColumn].filter((c): c is string => c !== null);
  const order = [
    ...leadingColumns.map((name) => fetched.findIndex((c) => c.name === name)).filter((i) => i >= 0),
    ...fetched.map((_, i) => i).filter((i) => !leadingColumns.includes(fetched[i]!.name)),
  ];
  const columns = order.map((i) => fetched[i]!);
  // The message is what the rows are being read for: give it room.
  const widths = columns.map((column) => (column.name === messageColumn ? Math.max(560, columnWidth(column)) : columnWidth(column)));
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  const total = rows.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : page * pageSize + 1;
  const to = Math.min(total, (page + 1) * pageSize);

  return (
    <Box data-testid="pattern-rows" style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
      <Group justify="space-between" mb={4}>
        <Group gap="xs">
          <Text fw={600} size="sm">
            {t('patterns.rowsTitle', { id: patternId })}
          </Text>
          <ActionIcon variant="default" size="sm" aria-label={t('patterns.previous')} disabled={page === 0} onClick={() => setPage(page - 1)}>
            <IconChevronLeft size={14} />
          </ActionIcon>
          <ActionIcon variant="default" size="sm" aria-label={t('patterns.next')} disabled={page >= pageCount - 1} onClick={() => setPage(page + 1)}>
            <IconChevronRight size={14} />
          </ActionIcon>
          <Text size="sm" c="dimmed" data-testid="pattern-rows-summary">
            {t('patterns.rowsSummary', { from, to, total })}
          </Text>
          {rows.isFetching && <Loader size="xs" />}
        </Group>
        <CloseButton aria-label={t('patterns.closeRows')} onClick={onClose} />
      </Group>
      {rows.error && (
        <Alert color="red" mb="xs">
          {errorText(rows.error)}
        </Alert>
      )}
      <Box
        role="grid"
        aria-rowcount={total + 1}
        style={{ flex: 1, minHeight: 0, overflow: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
      >
        <Box
          role="row"
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
            <Text key={column.name} role="columnheader" size="xs" fw={600} truncate title={column.type} style={{ width: widths[i], padding: '4px 8px' }}>
              {column.name}
            </Text>
          ))}
        </Box>
        {(rows.data?.rows ?? []).map((fetchedRow, index) => {
          const row = order.map((i) => fetchedRow[i] ?? null);
          return (
            <Box key={index} role="row" style={{ display: 'flex', width: totalWidth, height: rowHeight, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
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
    </Box>
  );
}
