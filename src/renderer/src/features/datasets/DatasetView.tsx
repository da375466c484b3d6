import { useState } from 'react';
import { ActionIcon, Badge, Group, Menu, Stack, Table, Tabs, Text, Title, Box } from '@mantine/core';
import { IconDots, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { formatInstant } from '../../app/time';
import { RenameDatasetDialog, DeleteDatasetDialog } from './DatasetDialogs';
import { PatternsTab, RejectsPanel, RowTable, SourcesPanel } from '../../app/lazy';
import { Dashboard } from '../dashboard/Dashboard';

export function DatasetView({ dataset, zone }: { dataset: DatasetSummary; zone: string }) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);

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

      <Tabs defaultValue="dashboard" keepMounted={false} style={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
        <Tabs.List>
          <Tabs.Tab value="dashboard">{t('dashboard.tab')}</Tabs.Tab>
          <Tabs.Tab value="rows">{t('table.tabRows')}</Tabs.Tab>
          <Tabs.Tab value="columns">{t('table.tabColumns')}</Tabs.Tab>
          <Tabs.Tab value="patterns">{t('patterns.tab')}</Tabs.Tab>
          <Tabs.Tab value="sources">{t('imports.sourcesTab')}</Tabs.Tab>
          <Tabs.Tab value="rejects">{t('imports.rejectsTab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dashboard" pt="sm" style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
          <Dashboard dataset={dataset} zone={zone} />
        </Tabs.Panel>
        <Tabs.Panel value="rows" pt="sm" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
          <RowTable dataset={dataset} zone={zone} />
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

      <RenameDatasetDialog dataset={dataset} opened={dialog === 'rename'} onClose={() => setDialog(null)} />
      <DeleteDatasetDialog dataset={dataset} opened={dialog === 'delete'} onClose={() => setDialog(null)} />
    </Stack>
  );
}
