import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Box, Button, CloseButton, Group, Popover, Select, Stack, Switch, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFilterPlus, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary, SortSpec } from '@shared/api/contract';
import type { ColumnFilterOp, FieldFilter, RowsQueryInput, Search } from '@shared/charts/spec';
import { columnFilterOps } from '@shared/charts/names';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { DataGrid } from '../../ui/DataGrid';
import { PageControls } from '../../ui/PageControls';
import { ExportMenu, type ExportFormat } from '../../ui/ExportMenu';
import { FilterBar } from '../dashboard/FilterBar';
import { downloadFile } from '../dashboard/download';
import { useCheckedSearch, useDebounced, type DashboardFilters } from '../dashboard/useDashboard';

/**
 * The rows behind the dashboard's filter state (range, chips, search), a page at a time from
 * DuckDB through `dashboard.rows`, with the grid's own quick search on top, column filters
 * (chips of the same state, so the charts follow them too), sorting by any column, and an
 * export of what the grid holds. A new filter state starts again at the first matching row.
 */
export function FilteredRows({ dataset, zone, hasTime, filters }: { dataset: DatasetSummary; zone: string; hasTime: boolean; filters: DashboardFilters }) {
  const { t } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const { state } = filters;
  const [pageSize, setPageSize] = useState(500);
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [quickText, setQuickText] = useState('');
  const [quickRegex, setQuickRegex] = useState(false);
  const [quick, setQuick] = useState<Search | null>(null);
  const quickProblem = useCheckedSearch(dataset.id, useDebounced(quickText.trim(), 300), quickRegex, setQuick);

  const query: RowsQueryInput = {
    datasetId: dataset.id,
    zone,
    range: state.range,
    filters: state.filters,
    search: state.search,
    quick,
    sort: sort ? { column: [sort.column], direction: sort.direction } : null,
  };
  const filterKey = JSON.stringify([state.range, state.filters, state.search, quick]);
  useEffect(() => setPage(0), [filterKey]);

  const rows = useQuery({
    queryKey: ['rows', dataset.id, dataset.rows, query, page, pageSize],
    queryFn: ({ signal }) => api.call('dashboard.rows', { ...query, offset: page * pageSize, limit: pageSize }, { signal }),
    placeholderData: keepPreviousData,
  });
  const total = rows.data?.total ?? 0;

  const toggleSort = (column: string) => {
    setSort((current) => (current?.column !== column ? { column, direction: 'asc' } : current.direction === 'asc' ? { column, direction: 'desc' } : null));
    setPage(0);
  };

  const [exporting, setExporting] = useState(false);
  const exportAs = async (format: ExportFormat) => {
    setExporting(true);
    try {
      const file = await api.call('dashboard.exportRows', { ...query, format });
      downloadFile(file.base64, file.fileName, file.mimeType);
      notifications.show({ message: t(file.truncated ? 'rowsView.export.truncated' : 'rowsView.export.done', { count: file.rows, file: file.fileName }) });
    } catch (error) {
      notifications.show({ color: 'red', message: t('rowsView.export.failed', { message: errorText(error) }) });
    } finally {
      setExporting(false);
    }
  };

  return (
    <Box style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }} data-testid="filtered-rows">
      <Stack gap={6} mb="xs">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            size="xs"
            w={320}
            label={t('rowsView.quick.label')}
            placeholder={t('rowsView.quick.placeholder')}
            error={quickProblem ? errorText(quickProblem) : null}
            value={quickText}
            onChange={(event) => setQuickText(event.currentTarget.value)}
            leftSection={<IconSearch size={14} />}
            rightSection={quickText ? <CloseButton size="xs" aria-label={t('rowsView.quick.clear')} onClick={() => setQuickText('')} /> : null}
            data-testid="rows-quick-search"
          />
          <Switch size="xs" label={t('dashboard.search.regex')} checked={quickRegex} onChange={(e) => setQuickRegex(e.currentTarget.checked)} mb={6} />
          <ColumnFilterButton dataset={dataset} onAdd={filters.addFilter} />
          <ExportMenu label={t('rowsView.export.menu')} size="xs" exporting={exporting} disabled={total === 0} onExport={(format) => void exportAs(format)} testId="rows-export" />
        </Group>
        <FilterBar dataset={dataset} zone={zone} hasTime={hasTime} filters={filters} withSearch />
      </Stack>
      <PageControls
        page={page}
        pageSize={pageSize}
        total={total}
        loading={rows.isFetching}
        onPage={setPage}
        onPageSize={(size) => {
          setPageSize(size);
          setPage(0);
        }}
      />
      {rows.error && (
        <Alert color="red" mb="xs" data-testid="rows-error">
          {errorText(rows.error)}
        </Alert>
      )}
      <DataGrid
        columns={rows.data?.columns ?? dataset.columns}
        rows={rows.data?.rows ?? []}
        firstRowIndex={page * pageSize}
        totalRows={total}
        zone={zone}
        sort={sort}
        onSort={toggleSort}
        emptyText={rows.data ? t('rowsView.empty') : t('table.loading')}
        testId="rows-grid"
      />
    </Box>
  );
}

/** Adds a column filter: a column, a comparison and a value, as a chip of the filter state. */
function ColumnFilterButton({ dataset, onAdd }: { dataset: DatasetSummary; onAdd: (filter: FieldFilter) => void }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [column, setColumn] = useState<string | null>(null);
  const [op, setOp] = useState<ColumnFilterOp>('eq');
  const [value, setValue] = useState('');
  const needsValue = op !== 'null' && op !== 'notNull';
  const add = () => {
    if (!column) return;
    onAdd({ field: 'column', column: [column], op, value: needsValue ? value : null });
    setOpened(false);
    setValue('');
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" withinPortal trapFocus returnFocus>
      <Popover.Target>
        <Button size="xs" variant="default" leftSection={<IconFilterPlus size={14} />} onClick={() => setOpened((o) => !o)} data-testid="rows-add-filter">
          {t('rowsView.columnFilter.open')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            add();
          }}
        >
          <Stack gap="xs" w={280}>
            <Select
              size="xs"
              label={t('rowsView.columnFilter.column')}
              data={dataset.columns.map((c) => c.name)}
              value={column}
              onChange={setColumn}
              searchable
              comboboxProps={{ withinPortal: false }}
              data-testid="rows-filter-column"
            />
            <Select
              size="xs"
              label={t('rowsView.columnFilter.op')}
              data={columnFilterOps.map((o) => ({ value: o, label: t(`rowsView.columnFilter.ops.${o}`) }))}
              value={op}
              onChange={(next) => setOp((next as ColumnFilterOp | null) ?? 'eq')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
              data-testid="rows-filter-op"
            />
            {needsValue && (
              <TextInput size="xs" label={t('rowsView.columnFilter.value')} value={value} onChange={(e) => setValue(e.currentTarget.value)} data-testid="rows-filter-value" />
            )}
            <Button size="xs" type="submit" disabled={!column} data-testid="rows-filter-add">
              {t('rowsView.columnFilter.add')}
            </Button>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}
