import { useMemo, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Code,
  Group,
  Loader,
  NumberInput,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { bucketSizesMs } from '@shared/charts/buckets';
import { columnLabel, isIntervalType, isNumericType } from '@shared/charts/columns';
import { bucketLabel, type Translate } from '@shared/charts/describe';
import { customChartWhat } from '@shared/charts/customOptions';
import { DEFAULT_CATEGORIES, MAX_CATEGORIES, aggregates, customChartTypes, filterOps, type Aggregate, type BuilderFilter, type BuilderSpec, type CustomChart, type CustomChartType, type FilterOp } from '@shared/charts/customSpec';
import { isAggregatedType, needsColumn } from '@shared/charts/names';
import type { DashboardRoles, RoleColumn } from '@shared/charts/spec';
import { useErrorText } from '../../ui/useErrorText';
import { CustomChartView } from './CustomChartView';
import { useDebounced, type DashboardFilterState } from './useDashboard';
import { newChartId, useCustomChart } from './useLayout';

interface Draft {
  type: CustomChartType;
  /** `time`, or a column path as JSON. */
  x: string;
  bucket: string;
  y: string | null;
  aggregate: Aggregate;
  groupBy: string | null;
  filters: { column: string | null; op: FilterOp; value: string }[];
  limit: number;
  title: string;
}

const key = (path: readonly string[]) => JSON.stringify(path);
const pathOf = (value: string) => JSON.parse(value) as string[];

function draftOf(chart: CustomChart | null, roles: DashboardRoles): Draft {
  const spec = chart?.spec.kind === 'builder' ? chart.spec : null;
  if (!spec) {
    return { type: 'line', x: roles.roles.time ? 'time' : '', bucket: 'auto', y: null, aggregate: 'count', groupBy: null, filters: [], limit: DEFAULT_CATEGORIES, title: '' };
  }
  return {
    type: spec.type,
    x: spec.x.kind === 'time' ? 'time' : key(spec.x.column),
    bucket: spec.x.kind === 'time' ? String(spec.x.bucket) : 'auto',
    y: spec.y ? key(spec.y) : null,
    aggregate: spec.aggregate,
    groupBy: spec.groupBy ? key(spec.groupBy) : null,
    filters: spec.filters.map((f) => ({ column: key(f.column), op: f.op, value: f.value === null ? '' : String(f.value) })),
    limit: spec.limit,
    title: chart?.title ?? '',
  };
}

/** The spec a draft stands for; null while it lacks an x axis. */
function specOf(draft: Draft): BuilderSpec | null {
  if (!draft.x) return null;
  const filters: BuilderFilter[] = draft.filters
    .filter((f) => f.column)
    .map((f) => ({ column: pathOf(f.column!), op: f.op, value: f.op === 'is_null' || f.op === 'not_null' ? null : f.value }));
  return {
    kind: 'builder',
    type: draft.type,
    x: draft.x === 'time' ? { kind: 'time', bucket: draft.bucket === 'auto' ? 'auto' : Number(draft.bucket) } : { kind: 'column', column: pathOf(draft.x) },
    y: draft.y ? pathOf(draft.y) : null,
    aggregate: draft.aggregate,
    groupBy: draft.groupBy ? pathOf(draft.groupBy) : null,
    filters,
    limit: draft.limit,
  };
}

const isNumberColumn = (c: RoleColumn) => isNumericType(c.type) || isIntervalType(c.type);

/**
 * The chart builder: type, x, value, aggregate, group-by, time bucket and conditions picked
 * from the dataset's columns; a live preview under the dashboard's filter state; the SQL it
 * runs shown beneath. The SQL is made in the main process by the pure builders of
 * `src/shared/charts/custom.ts` — nothing typed here becomes SQL text.
 */
export function ChartBuilder({
  datasetId,
  roles,
  zone,
  state,
  scheme,
  chart,
  onClose,
  onSubmit,
}: {
  datasetId: number;
  roles: DashboardRoles;
  zone: string;
  state: DashboardFilterState;
  scheme: 'light' | 'dark';
  /** The chart being edited; null for a new one. */
  chart: CustomChart | null;
  onClose: () => void;
  onSubmit: (chart: CustomChart) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const tr: Translate = (k, params) => t(k, params as never) as unknown as string;
  const [draft, setDraft] = useState<Draft>(() => draftOf(chart, roles));
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const columns = useMemo(() => roles.columns.filter((c) => !c.path[0]!.startsWith('_ls_')), [roles.columns]);
  const columnOption = (c: RoleColumn) => ({ value: key(c.path), label: `${columnLabel(c.path)} · ${c.type}` });
  const spec = specOf(draft);
  const debouncedSpec = useDebounced(JSON.stringify(spec), 300);
  const query = useMemo(() => {
    const parsed = JSON.parse(debouncedSpec) as BuilderSpec | null;
    return parsed ? { datasetId, chart: parsed, zone, range: state.range, filters: state.filters, search: state.search, widthPx: 800 } : null;
  }, [debouncedSpec, datasetId, zone, state.range, state.filters, state.search]);
  const preview = useCustomChart(query);

  const aggregated = isAggregatedType(draft.type);
  const needsY = draft.type === 'scatter' || (aggregated && needsColumn(draft.aggregate));
  const yChoices = draft.type !== 'scatter' && draft.aggregate === 'count_distinct' ? columns : columns.filter(isNumberColumn);
  const xChoices = [
    ...(roles.roles.time && draft.type !== 'histogram' ? [{ value: 'time', label: t('builder.xTime', { column: columnLabel(roles.roles.time) }) }] : []),
    ...(draft.type === 'histogram' || draft.type === 'scatter' ? columns.filter(isNumberColumn) : columns).map(columnOption),
  ];
  const showGroup = draft.type !== 'pie' && draft.type !== 'donut' && draft.type !== 'histogram';
  const submit = () => {
    if (!spec) return;
    onSubmit({ id: chart?.id ?? newChartId(), title: draft.title.trim(), spec });
  };

  return (
    <Dialog opened onClose={onClose} size={1180} title={<Title order={4}>{chart ? t('builder.titleEdit') : t('builder.titleNew')}</Title>} data-testid="chart-builder">
      <Group align="flex-start" gap="lg" wrap="nowrap">
        <ScrollArea.Autosize mah="70vh" w={340} style={{ flexShrink: 0 }}>
          <Stack gap="xs" pr="sm">
            <Select
              label={t('builder.type')}
              data={customChartTypes.map((type) => ({ value: type, label: t(`builder.types.${type}`) }))}
              value={draft.type}
              allowDeselect={false}
              onChange={(value) => {
                const type = value as CustomChartType;
                // A histogram bins a number; time is not one of its choices.
                set({ type, ...(type === 'histogram' && draft.x === 'time' ? { x: '' } : {}) });
              }}
              data-testid="builder-type"
            />
            <Select
              label={t('builder.x')}
              data={xChoices}
              value={draft.x || null}
              searchable
              allowDeselect={false}
              onChange={(value) => set({ x: value ?? '' })}
              data-testid="builder-x"
            />
            {draft.x === 'time' && aggregated && (
              <Select
                label={t('builder.bucket')}
                data={[{ value: 'auto', label: t('builder.bucketAuto') }, ...bucketSizesMs.map((ms) => ({ value: String(ms), label: bucketLabel(tr, ms) }))]}
                value={draft.bucket}
                allowDeselect={false}
                onChange={(value) => set({ bucket: value ?? 'auto' })}
                data-testid="builder-bucket"
              />
            )}
            {aggregated && (
              <Select
                label={t('builder.aggregate')}
                data={aggregates.map((a) => ({ value: a, label: t(`builder.aggregates.${a}`) }))}
                value={draft.aggregate}
                allowDeselect={false}
                onChange={(value) => set({ aggregate: (value ?? 'count') as Aggregate })}
                data-testid="builder-aggregate"
              />
            )}
            {needsY && (
              <Select
                label={draft.type === 'scatter' ? t('builder.yScatter') : t('builder.y')}
                data={yChoices.map(columnOption)}
                value={draft.y}
                searchable
                onChange={(value) => set({ y: value })}
                data-testid="builder-y"
              />
            )}
            {showGroup && (
              <Select
                label={draft.type === 'heatmap' ? t('builder.groupByHeatmap') : t('builder.groupBy')}
                data={[{ value: '', label: t('builder.none') }, ...columns.map(columnOption)]}
                value={draft.groupBy ?? ''}
                searchable
                onChange={(value) => set({ groupBy: value || null })}
                data-testid="builder-group"
              />
            )}
            {aggregated && draft.x !== 'time' && draft.x !== '' && (
              <NumberInput
                label={t('builder.limit')}
                description={t('builder.limitHint')}
                min={1}
                max={MAX_CATEGORIES}
                value={draft.limit}
                onChange={(value) => set({ limit: Math.min(MAX_CATEGORIES, Math.max(1, Number(value) || DEFAULT_CATEGORIES)) })}
              />
            )}
            <Text size="sm" fw={500} mt={4}>
              {t('builder.conditions')}
            </Text>
            {draft.filters.map((filter, i) => (
              <Group key={i} gap={4} wrap="nowrap" align="flex-end">
                <Select
                  size="xs"
                  w={120}
                  data={columns.map((c) => ({ value: key(c.path), label: columnLabel(c.path) }))}
                  value={filter.column}
                  searchable
                  aria-label={t('builder.conditions')}
                  onChange={(value) => set({ filters: draft.filters.map((f, j) => (j === i ? { ...f, column: value } : f)) })}
                />
                <Select
                  size="xs"
                  w={110}
                  data={filterOps.map((op) => ({ value: op, label: t(`builder.ops.${op}`) }))}
                  value={filter.op}
                  allowDeselect={false}
                  aria-label={t('builder.ops.eq')}
                  onChange={(value) => set({ filters: draft.filters.map((f, j) => (j === i ? { ...f, op: (value ?? 'eq') as FilterOp } : f)) })}
                />
                {filter.op !== 'is_null' && filter.op !== 'not_null' && (
                  <TextInput
                    size="xs"
                    style={{ flex: 1 }}
                    aria-label={t('builder.value')}
                    placeholder={t('builder.value')}
                    value={filter.value}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      set({ filters: draft.filters.map((f, j) => (j === i ? { ...f, value } : f)) });
                    }}
                  />
                )}
                <ActionIcon variant="subtle" color="gray" aria-label={t('builder.removeCondition')} onClick={() => set({ filters: draft.filters.filter((_, j) => j !== i) })}>
                  <IconX size={14} />
                </ActionIcon>
              </Group>
            ))}
            <Button
              size="compact-xs"
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              style={{ alignSelf: 'flex-start' }}
              onClick={() => set({ filters: [...draft.filters, { column: null, op: 'eq', value: '' }] })}
            >
              {t('builder.addCondition')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('builder.alsoFiltered')}
            </Text>
            <TextInput
              label={t('builder.chartTitle')}
              placeholder={spec ? customChartWhat(tr, { spec }, preview.data ?? null) : t('builder.titlePlaceholder')}
              value={draft.title}
              maxLength={200}
              onChange={(event) => set({ title: event.currentTarget.value })}
              data-testid="builder-title"
            />
          </Stack>
        </ScrollArea.Autosize>

        <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {t('builder.preview')}
            </Text>
            {preview.isFetching && <Loader size={14} />}
          </Group>
          <Box mih={300} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, padding: 8 }} data-testid="builder-preview">
            {!query ? (
              <Group h={300} justify="center">
                <Text c="dimmed" size="sm">
                  {t('builder.previewEmpty')}
                </Text>
              </Group>
            ) : preview.error ? (
              <Alert color="red" data-testid="builder-error">
                {errorText(preview.error)}
              </Alert>
            ) : preview.data ? (
              <CustomChartView result={preview.data} height={300} zone={zone} scheme={scheme} testId="builder-chart" ariaLabel={t('builder.preview')} />
            ) : (
              <Group h={300} justify="center">
                <Loader size="sm" />
              </Group>
            )}
          </Box>
          {preview.data && !preview.error && (
            <SimpleGrid cols={1} spacing={4}>
              <Text size="xs" fw={600}>
                {t('builder.sql')}
              </Text>
              <Code block data-testid="builder-sql" style={{ maxHeight: 180, overflow: 'auto', fontSize: 11, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {preview.data.sql}
              </Code>
              {Object.keys(preview.data.params).length > 0 && (
                <Text size="xs" c="dimmed" ff="monospace" data-testid="builder-params">
                  {t('builder.params')}: {Object.entries(preview.data.params).map(([name, value]) => `$${name} = ${JSON.stringify(value)}`).join(', ')}
                </Text>
              )}
            </SimpleGrid>
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              {t('builder.cancel')}
            </Button>
            <Button onClick={submit} disabled={!spec || !preview.data || !!preview.error} data-testid="builder-submit">
              {chart ? t('builder.save') : t('builder.add')}
            </Button>
          </Group>
        </Stack>
      </Group>
    </Dialog>
  );
}
