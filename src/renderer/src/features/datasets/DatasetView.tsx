import { useMemo, useState } from 'react';
import { ActionIcon, Alert, Badge, Group, Loader, Menu, Stack, Table, Tabs, Text, Title, Box } from '@mantine/core';
import { IconDots, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { formatInstant } from '../../app/time';
import type { LayoutItem, SavedDashboard } from '@shared/charts/layout';
import { useErrorText } from '../../ui/useErrorText';
import { isDatasetTab, type DatasetTab, type DatasetViewUrl } from '@shared/charts/viewUrl';
import { useViewFromUrl, useViewUrl } from './useViewUrl';
import { RenameDatasetDialog, DeleteDatasetDialog } from './DatasetDialogs';
import { FilteredRows, PatternsTab, RejectsPanel, SourcesPanel } from '../../app/lazy';
import { Dashboard } from '../dashboard/Dashboard';
import { useLayoutAutosave, useSavedDashboard } from '../dashboard/useLayout';
import { useDashboardFilters, useRoles } from '../dashboard/useDashboard';

export function DatasetView({ dataset, zone }: { dataset: DatasetSummary; zone: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const saved = useSavedDashboard(dataset.id);
  // Bumped by a reset: the dashboard starts again from what was saved.
  const [generation, setGeneration] = useState(0);

  return (
    <Stack h="calc(100dvh - 52px - 2 * var(--mantine-spacing-md))" gap="sm">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={2} data-testid="dataset-title">
              {dataset.name}
            </Title>
            <Badge variant="light">{t('datasets.rows', { count: dataset.rows })}</Badge>
            <Badge variant="light" color="gray">
              {t('datasets.columnCount', { count: dataset.columns.length })}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" data-testid="dataset-time-range">
            {dataset.timeColumn && dataset.timeMin && dataset.timeMax
              ? `${t('datasets.timeColumn', { column: dataset.timeColumn })} · ${t('datasets.timeRange', {
                  from: formatInstant(dataset.timeMin, zone, false),
                  to: formatInstant(dataset.timeMax, zone, false),
                })} (${zone})`
              : t('datasets.noTimeColumn')}
          </Text>
        </Stack>
        <Menu position="bottom-end">
          <Menu.Target>
            <ActionIcon variant="default" size="lg" aria-label={t('datasets.actions')}>
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setDialog('rename')}>
              {t('datasets.rename')}
            </Menu.Item>
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDialog('delete')}>
              {t('datasets.delete')}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Group>

      {saved.error ? (
        <Alert color="red">{errorText(saved.error)}</Alert>
      ) : !saved.data ? (
        <Group p="md">
          <Loader size="sm" />
          <Text size="sm">{t('dashboard.loading')}</Text>
        </Group>
      ) : (
        <DatasetTabs key={generation} dataset={dataset} zone={zone} saved={saved.data} onReset={() => setGeneration((g) => g + 1)} />
      )}

      <RenameDatasetDialog dataset={dataset} opened={dialog === 'rename'} onClose={() => setDialog(null)} />
      <DeleteDatasetDialog dataset={dataset} opened={dialog === 'delete'} onClose={() => setDialog(null)} />
    </Stack>
  );
}

/** The dataset's tabs, once the filter state the URL names (if any) is read. */
function DatasetTabs(props: { dataset: DatasetSummary; zone: string; saved: SavedDashboard; onReset: () => void }) {
  const { t } = useTranslation();
  const opened = useViewFromUrl(props.dataset.id);
  if (!opened) {
    return (
      <Group p="md">
        <Loader size="sm" />
        <Text size="sm">{t('dashboard.loading')}</Text>
      </Group>
    );
  }
  return <DatasetTabsOpened {...props} opened={opened.view} />;
}

/**
 * The dataset's tabs under one filter state: the dashboard's charts and the Rows grid read
 * and change the same range, chips and search, so a chart's click shows its rows.
 */
function DatasetTabsOpened({ dataset, zone, saved, onReset, opened }: { dataset: DatasetSummary; zone: string; saved: SavedDashboard; onReset: () => void; opened: DatasetViewUrl | null }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<DatasetTab>(opened?.tab ?? 'dashboard');
  const filters = useDashboardFilters(dataset, zone, opened?.filter ?? saved.layout.filter);
  // Bumped when Back or Forward brings another view: the tabs start again from it (the search box's text too).
  const [restored, setRestored] = useState(0);
  useViewUrl(dataset.id, tab, filters.state, (view) => {
    setTab(view.tab);
    if (view.filter) filters.replace(view.filter);
    setRestored((n) => n + 1);
  });
  const [items, setItems] = useState<LayoutItem[]>(saved.layout.items);
  // The layout is saved with the filter state, whichever tab changed it.
  const autosave = useLayoutAutosave(dataset.id, useMemo(() => ({ version: 1, items, filter: filters.state }), [items, filters.state]));
  const roles = useRoles(dataset.id);
  const hasTime = roles.data ? roles.data.roles.time !== null : dataset.timeColumn !== null;
  return (
    <Tabs value={tab} onChange={(next) => setTab(isDatasetTab(next) ? next : 'dashboard')} keepMounted={false} style={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <Tabs.List>
        <Tabs.Tab value="dashboard">{t('dashboard.tab')}</Tabs.Tab>
        <Tabs.Tab value="rows">{t('table.tabRows')}</Tabs.Tab>
        <Tabs.Tab value="columns">{t('table.tabColumns')}</Tabs.Tab>
        <Tabs.Tab value="patterns">{t('patterns.tab')}</Tabs.Tab>
        <Tabs.Tab value="sources">{t('imports.sourcesTab')}</Tabs.Tab>
        <Tabs.Tab value="rejects">{t('imports.rejectsTab')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="dashboard" pt="sm" style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
        <Dashboard key={restored} dataset={dataset} zone={zone} items={items} setItems={setItems} autosave={autosave} filters={filters} onReset={onReset} onShowRows={() => setTab('rows')} />
      </Tabs.Panel>
      <Tabs.Panel value="rows" pt="sm" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        <FilteredRows key={restored} dataset={dataset} zone={zone} hasTime={hasTime} filters={filters} />
      </Tabs.Panel>
      <Tabs.Panel value="columns" pt="sm" style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
        <Box maw={640}>
          <Table striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('datasets.columnName')}</Table.Th>
                <Table.Th>{t('datasets.columnType')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {dataset.columns.map((column) => (
                <Table.Tr key={column.name}>
                  <Table.Td ff="monospace">{column.name}</Table.Td>
                  <Table.Td ff="monospace">{column.type}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      </Tabs.Panel>
      <Tabs.Panel value="patterns" pt="sm" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        <PatternsTab dataset={dataset} zone={zone} />
      </Tabs.Panel>
      <Tabs.Panel value="sources" pt="sm" style={{ flex: 1, minHeight: 0 }}>
        <SourcesPanel dataset={dataset} zone={zone} />
      </Tabs.Panel>
      <Tabs.Panel value="rejects" pt="sm" style={{ flex: 1, minHeight: 0 }}>
        <RejectsPanel dataset={dataset} />
      </Tabs.Panel>
    </Tabs>
  );
}
