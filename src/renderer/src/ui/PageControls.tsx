import { ActionIcon, Group, Loader, Select, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight, IconChevronsLeft, IconChevronsRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

const pageSizes = ['100', '500', '1000'];

/** First/previous/next/last, "rows a–b of n", and the page size. */
export function PageControls({
  page,
  pageSize,
  total,
  loading,
  onPage,
  onPageSize,
}: {
  page: number;
  pageSize: number;
  total: number;
  loading: boolean;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}) {
  const { t } = useTranslation();
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : page * pageSize + 1;
  const to = Math.min(total, (page + 1) * pageSize);
  const go = (next: number) => onPage(Math.min(Math.max(0, next), pageCount - 1));
  return (
    <Group justify="space-between" mb="xs">
      <Group gap={4}>
        <ActionIcon variant="default" aria-label={t('table.first')} onClick={() => go(0)} disabled={page === 0}>
          <IconChevronsLeft size={16} />
        </ActionIcon>
        <ActionIcon variant="default" aria-label={t('table.previous')} onClick={() => go(page - 1)} disabled={page === 0}>
          <IconChevronLeft size={16} />
        </ActionIcon>
        <ActionIcon variant="default" aria-label={t('table.next')} onClick={() => go(page + 1)} disabled={page >= pageCount - 1}>
          <IconChevronRight size={16} />
        </ActionIcon>
        <ActionIcon variant="default" aria-label={t('table.last')} onClick={() => go(pageCount - 1)} disabled={page >= pageCount - 1}>
          <IconChevronsRight size={16} />
        </ActionIcon>
        <Text size="sm" ml="sm" data-testid="page-summary">
          {t('table.pageSummary', { from, to, total })}
        </Text>
        {loading && <Loader size="xs" ml="xs" />}
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
          onChange={(value) => onPageSize(Number(value ?? 500))}
          allowDeselect={false}
        />
      </Group>
    </Group>
  );
}
