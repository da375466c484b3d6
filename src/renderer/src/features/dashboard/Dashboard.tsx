import { useMemo, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  CloseButton,
  Grid,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
  useComputedColorScheme,
} from '@mantine/core';
import { IconCheck, IconLayoutGrid, IconPlus, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import type { ChartId } from '@shared/charts/spec';
import type { CustomChart } from '@shared/charts/customSpec';
import type { DashboardLayout, LayoutItem } from '@shared/charts/layout';
import { chartHeightPx, itemKey, resolveLayout } from '@shared/charts/layoutItems';
import { useErrorText } from '../../ui/useErrorText';
import { useDatasets } from '../datasets/useDatasets';
import { ChartCard } from './ChartCard';
import { CustomChartCard } from './CustomChartCard';
import { ArrangePanel, ChartBuilder } from '../../app/lazy';
import { RolesPanel } from './RolesPanel';
import { useCheckedSearch, useDashboardRefresh, useDebounced, useRoles, type DashboardFilters, type Period } from './useDashboard';
import { FilterBar } from './FilterBar';
import { newChartId, type SaveState } from './useLayout';
import { ReportButton } from '../report/ReportButton';

/**
 * The service dashboard of one dataset, as saved (issue 8): the standard charts its column
 * roles allow and the user's own charts, in the saved order and sizes, under one filter
 * state (time range, filter chips, search) that every chart, and the Rows grid, follows.
 * A click on a bar, slice or point adds its chip and opens the rows behind it.
 */
export function Dashboard({
  dataset,
  zone,
  items,
  setItems,
  autosave,
  filters,
  onReset,
  onShowRows,
}: {
  dataset: DatasetSummary;
  zone: string;
  /** The saved order and sizes, kept (and saved with the filter state) by the dataset view. */
  items: LayoutItem[];
  setItems: (items: LayoutItem[]) => void;
  autosave: { state: SaveState; error: unknown };
  filters: DashboardFilters;
  onReset: () => void;
  onShowRows: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const scheme = useComputedColorScheme('light');
  const roles = useRoles(dataset.id);
  const datasets = useDatasets();
  const { state } = filters;
  const [searchText, setSearchText] = useState(state.search?.text ?? '');
  const [regex, setRegex] = useState(state.search?.regex ?? false);
  const [builder, setBuilder] = useState<{ chart: CustomChart | null } | null>(null);
  const [arranging, setArranging] = useState(false);
  const layout = useMemo<DashboardLayout>(() => ({ version: 1, items, filter: state }), [items, state]);
  const debouncedSearch = useDebounced(searchText.trim(), 400);
  useDashboardRefresh();

  // A search is checked (terms, columns, the regex compiled by DuckDB) before the charts get it: a bad one is worded under the box.
  const searchProblem = useCheckedSearch(dataset.id, debouncedSearch, regex, filters.setSearch);
  const searchError = searchProblem ? errorText(searchProblem) : null;

  if (roles.error) return <Alert color="red">{errorText(roles.error)}</Alert>;
  if (!roles.data) {
    return (
      <Group p="md">
        <Loader size="sm" />
        <Text size="sm">{t('dashboard.loading')}</Text>
      </Group>
    );
  }
  // The saved order; charts the roles do not allow are kept saved but not drawn.
  const placed = resolveLayout(layout, roles.data.charts);
  const shown = placed.filter((item) => item.kind === 'custom' || !item.hidden);
  const unfit = items.filter((item) => item.kind === 'standard' && !placed.some((p) => itemKey(p) === itemKey(item)));
  const arrange = (next: LayoutItem[]) => setItems([...next, ...unfit]);
  const saveChart = (chart: CustomChart) => {
    const at = items.findIndex((item) => item.kind === 'custom' && item.chart.id === chart.id);
    setItems(at < 0 ? [...items, { kind: 'custom', chart, wide: false, height: 'normal' }] : items.map((item, i) => (i === at && item.kind === 'custom' ? { ...item, chart } : item)));
    setBuilder(null);
  };
  const hasTime = roles.data.roles.time !== null;

  const card = (chart: ChartId, height: number) => (
    <ChartCard
      key={chart}
      datasetId={dataset.id}
      chart={chart}
      roles={roles.data.roles}
      zone={zone}
      state={state}
      scheme={scheme}
      height={height}
      onFilter={(filter) => {
        filters.addFilter(filter);
        onShowRows();
      }}
      onShowRows={onShowRows}
      onRange={filters.setRange}
      onStackBy={filters.setStackBy}
      onLogScale={filters.setLogScale}
    />
  );

  return (
    <Stack gap="sm" pb="md" data-testid="dashboard">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Box style={{ flex: 1, minWidth: 0 }}>
          <RolesPanel roles={roles.data} />
        </Box>
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          <Text size="xs" c={autosave.state === 'failed' ? 'red' : 'dimmed'} style={{ whiteSpace: 'nowrap' }} data-testid="layout-status" data-state={autosave.state}>
            {autosave.state === 'failed' ? (
              t('layout.saveFailed', { message: errorText(autosave.error) })
            ) : autosave.state === 'saving' ? (
              t('layout.saving')
            ) : (
              <>
                <IconCheck size={12} style={{ verticalAlign: 'middle' }} /> {t('layout.saved')}
              </>
            )}
          </Text>
          <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setBuilder({ chart: null })} data-testid="add-chart">
            {t('builder.open')}
          </Button>
          <Button size="xs" variant="default" leftSection={<IconLayoutGrid size={14} />} onClick={() => setArranging(true)} data-testid="arrange">
            {t('layout.arrange')}
          </Button>
        </Group>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        {hasTime && (
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {t('dashboard.period.label')}
            </Text>
            <SegmentedControl
              size="xs"
              value={state.period}
              onChange={(value) => filters.setPeriod(value as Period)}
              data={[
                { value: 'all', label: t('dashboard.period.all') },
                { value: '7d', label: t('dashboard.period.last7d') },
                { value: '24h', label: t('dashboard.period.last24h') },
                ...(state.period === 'selected' ? [{ value: 'selected', label: t('dashboard.period.selected') }] : []),
              ]}
              data-testid="dashboard-period"
            />
          </Stack>
        )}
        <TextInput
          size="xs"
          w={320}
          label={t('dashboard.search.label')}
          placeholder={t('dashboard.search.placeholder')}
          error={searchError}
          value={searchText}
          onChange={(event) => setSearchText(event.currentTarget.value)}
          leftSection={<IconSearch size={14} />}
          rightSection={searchText ? <CloseButton size="xs" aria-label={t('dashboard.search.clear')} onClick={() => setSearchText('')} /> : null}
          data-testid="dashboard-search"
        />
        <Switch size="xs" label={t('dashboard.search.regex')} checked={regex} onChange={(e) => setRegex(e.currentTarget.checked)} mb={6} />
        <ReportButton dataset={dataset} zone={zone} view={{ range: state.range, filters: state.filters, search: state.search }} />
      </Group>

      <FilterBar dataset={dataset} zone={zone} hasTime={hasTime} filters={filters}>
        {shown.length > 0 && (
          <Text size="xs" c="dimmed">
            {t('dashboard.period.hint')}
          </Text>
        )}
      </FilterBar>

      {shown.length === 0 ? (
        <Alert color="gray">{t('dashboard.noCharts')}</Alert>
      ) : (
        <Grid gap="sm">
          {shown.map((item) => (
            <Grid.Col key={itemKey(item)} span={item.wide ? 12 : { base: 12, md: 6 }}>
              {item.kind === 'standard' ? (
                card(item.chart, chartHeightPx[item.height])
              ) : (
                <CustomChartCard
                  datasetId={dataset.id}
                  chart={item.chart}
                  zone={zone}
                  state={state}
                  scheme={scheme}
                  height={chartHeightPx[item.height]}
                  onEdit={item.chart.spec.kind === 'builder' ? () => setBuilder({ chart: item.chart }) : null}
                  onDuplicate={() => {
                    const at = items.findIndex((i) => itemKey(i) === itemKey(item));
                    const copy: LayoutItem = { ...item, chart: { ...item.chart, id: newChartId() } };
                    setItems([...items.slice(0, at + 1), copy, ...items.slice(at + 1)]);
                  }}
                  onRemove={() => setItems(items.filter((i) => itemKey(i) !== itemKey(item)))}
                />
              )}
            </Grid.Col>
          ))}
        </Grid>
      )}
      {builder && (
        <ChartBuilder
          datasetId={dataset.id}
          roles={roles.data}
          zone={zone}
          state={state}
          scheme={scheme}
          chart={builder.chart}
          onClose={() => setBuilder(null)}
          onSubmit={saveChart}
        />
      )}
      {arranging && (
        <ArrangePanel dataset={dataset} datasets={datasets.data ?? []} items={placed} onChange={arrange} onReset={onReset} onClose={() => setArranging(false)} />
      )}
    </Stack>
  );
}
