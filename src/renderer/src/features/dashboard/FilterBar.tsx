import type { ReactNode } from 'react';
import { Badge, Button, CloseButton, Group, Text, Tooltip } from '@mantine/core';
import { IconZoomReset } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { filterLabel, rangeLabel, searchLabel, type Translate } from '@shared/charts/describe';
import type { DashboardFilters } from './useDashboard';

/**
 * The dashboard's filter state as a line of chips: the range (with a way back to all of
 * it), every filter chip with its remove button. The charts and the Rows grid show the
 * same line, since the same state filters both; away from the dashboard's search box the
 * search is a chip too (`withSearch`).
 */
export function FilterBar({
  dataset,
  zone,
  hasTime,
  filters,
  withSearch = false,
  children,
}: {
  dataset: DatasetSummary;
  zone: string;
  hasTime: boolean;
  filters: DashboardFilters;
  withSearch?: boolean;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'ko' ? 'ko' : 'en';
  const tr: Translate = (key, params) => t(key, params as never) as unknown as string;
  const { state } = filters;
  return (
    <Group gap={6} wrap="wrap" mih={26}>
      <Text size="xs" c="dimmed" data-testid="dashboard-range">
        {hasTime ? rangeLabel(tr, state.range ?? rangeOf(dataset), zone) : t('dashboard.scope.noTime')}
      </Text>
      {state.range && (
        <Tooltip label={t('dashboard.period.reset')}>
          <Button size="compact-xs" variant="subtle" leftSection={<IconZoomReset size={14} />} onClick={() => filters.setPeriod('all')}>
            {t('dashboard.period.all')}
          </Button>
        </Tooltip>
      )}
      {withSearch && state.search && <Chip label={searchLabel(tr, state.search)} onRemove={() => filters.setSearch(null)} />}
      {state.filters.map((filter) => (
        <Chip key={JSON.stringify(filter)} label={filterLabel(tr, filter, language)} onRemove={() => filters.removeFilter(filter)} />
      ))}
      {state.filters.length > 1 && (
        <Button size="compact-xs" variant="subtle" onClick={filters.clearFilters}>
          {t('dashboard.filters.clear')}
        </Button>
      )}
      {children}
    </Group>
  );
}

function Chip({ label, onRemove }: { label: string; onRemove: () => void }) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="light"
      tt="none"
      size="lg"
      radius="sm"
      data-testid="filter-chip"
      rightSection={<CloseButton size="xs" variant="transparent" aria-label={t('dashboard.filters.remove', { label })} onClick={onRemove} />}
    >
      {label}
    </Badge>
  );
}

/** The dataset's whole range, half-open like every other. */
function rangeOf(dataset: DatasetSummary): { from: string; to: string } | null {
  if (!dataset.timeMin || !dataset.timeMax) return null;
  return { from: dataset.timeMin, to: new Date(Date.parse(dataset.timeMax) + 1).toISOString() };
}
