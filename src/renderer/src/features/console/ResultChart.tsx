import { useMemo, useState } from 'react';
import { Alert, Anchor, Box, Button, Group, Loader, MultiSelect, Select, Stack, Text, TextInput, useComputedColorScheme } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconLayoutDashboard } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ColumnInfo, DatasetSummary } from '@shared/api/contract';
import { isNumericType } from '@shared/charts/columns';
import { customChartTypes, type CustomChartType, type SqlChartSpec } from '@shared/charts/customSpec';
import { useErrorText } from '../../ui/useErrorText';
import { CustomChartView } from '../dashboard/CustomChartView';
import { useAddChart, useCustomChart } from '../dashboard/useLayout';

const isTime = (c: ColumnInfo) => c.type.startsWith('TIMESTAMP');

/** First guesses: labels from the first text or time column, values from the numbers. */
function guess(columns: readonly ColumnInfo[]): { type: CustomChartType; x: string | null; y: string[] } {
  const x = columns.find((c) => isTime(c)) ?? columns.find((c) => !isNumericType(c.type)) ?? columns[0];
  const y = columns.filter((c) => c !== x && isNumericType(c.type)).slice(0, 1);
  return { type: x && isTime(x) ? 'line' : 'bar', x: x?.name ?? null, y: y.map((c) => c.name) };
}

/**
 * "Chart this result": the console's last query drawn as a chart (type, x, values and
 * series picked from its columns), and added to a dataset's dashboard as a SQL chart. The
 * chart runs the query again whenever it is drawn, after the same confinement check.
 */
export function ResultChart({
  sql,
  columns,
  zone,
  datasets,
  defaultDatasetId,
}: {
  sql: string;
  columns: readonly ColumnInfo[];
  zone: string;
  datasets: readonly DatasetSummary[];
  defaultDatasetId: number | null;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const scheme = useComputedColorScheme('light');
  const first = useMemo(() => guess(columns), [columns]);
  const [type, setType] = useState<CustomChartType>(first.type);
  const [x, setX] = useState<string | null>(first.x);
  const [y, setY] = useState<string[]>(first.y);
  const [series, setSeries] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(defaultDatasetId !== null ? String(defaultDatasetId) : datasets[0] ? String(datasets[0].id) : null);
  const [title, setTitle] = useState('');
  const add = useAddChart();
  const { ref, height } = useElementSize();

  const names = columns.map((c) => c.name);
  const spec: SqlChartSpec = { kind: 'sql', type, sql, x, y: type === 'histogram' || type === 'table' ? [] : y, series: type === 'pie' || type === 'donut' || type === 'histogram' || type === 'table' ? null : series };
  const ready = type === 'table' || (x !== null && (type === 'histogram' || y.length > 0) && (type !== 'heatmap' || series !== null));
  const query = ready && target ? { datasetId: Number(target), chart: spec, zone, widthPx: 1000 } : null;
  const preview = useCustomChart(query);
  const targetName = datasets.find((d) => String(d.id) === target)?.name ?? '';

  const addToDashboard = () => {
    if (!target) return;
    add.mutate(
      { datasetId: Number(target), title: title.trim(), spec },
      {
        onSuccess: () =>
          notifications.show({
            color: 'green',
            message: (
              <Text size="sm" data-testid="console-chart-added">
                {t('builder.added', { title: title.trim() || t(`builder.types.${type}`), dataset: targetName })}{' '}
                <Anchor href={`#/datasets/${target}`} size="sm">
                  {targetName}
                </Anchor>
              </Text>
            ),
          }),
        onError: (error) => notifications.show({ color: 'red', message: errorText(error) }),
      },
    );
  };

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="console-chart">
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Select
          size="xs"
          w={130}
          label={t('builder.type')}
          data={customChartTypes.map((value) => ({ value, label: t(`builder.types.${value}`) }))}
          value={type}
          allowDeselect={false}
          onChange={(value) => setType((value ?? 'bar') as CustomChartType)}
          data-testid="console-chart-type"
        />
        {type !== 'table' && (
          <Select size="xs" w={150} label={t('builder.fromSql.x')} data={names} value={x} allowDeselect={false} onChange={setX} data-testid="console-chart-x" />
        )}
        {type !== 'table' && type !== 'histogram' && (
          <MultiSelect size="xs" w={220} label={t('builder.fromSql.y')} data={names.filter((n) => n !== x)} value={y} onChange={setY} data-testid="console-chart-y" />
        )}
        {type !== 'table' && type !== 'histogram' && type !== 'pie' && type !== 'donut' && (
          <Select
            size="xs"
            w={150}
            label={type === 'heatmap' ? t('builder.groupByHeatmap') : t('builder.fromSql.series')}
            data={[{ value: '', label: t('builder.none') }, ...names.filter((n) => n !== x).map((n) => ({ value: n, label: n }))]}
            value={series ?? ''}
            onChange={(value) => setSeries(value || null)}
          />
        )}
      </Group>
      <Box ref={ref} style={{ flex: 1, minHeight: 240, border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, padding: 8 }}>
        {!query ? (
          <Text c="dimmed" size="sm" p="md">
            {t('builder.previewEmpty')}
          </Text>
        ) : preview.error ? (
          <Alert color="red" data-testid="console-chart-error">
            {errorText(preview.error)}
          </Alert>
        ) : preview.data ? (
          <CustomChartView result={preview.data} height={Math.max(220, height - 4)} zone={zone} scheme={scheme} testId="console-chart-view" ariaLabel={t('builder.preview')} />
        ) : (
          <Group h={220} justify="center">
            <Loader size="sm" />
          </Group>
        )}
      </Box>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          size="xs"
          w={260}
          label={t('builder.chartTitle')}
          placeholder={t('builder.titlePlaceholder')}
          value={title}
          maxLength={200}
          onChange={(event) => setTitle(event.currentTarget.value)}
          data-testid="console-chart-title"
        />
        <Select
          size="xs"
          w={200}
          label={t('builder.fromSql.target')}
          data={datasets.map((d) => ({ value: String(d.id), label: d.name }))}
          value={target}
          allowDeselect={false}
          onChange={setTarget}
          data-testid="console-chart-target"
        />
        <Button
          size="xs"
          leftSection={<IconLayoutDashboard size={14} />}
          disabled={!query || !preview.data || !!preview.error}
          loading={add.isPending}
          onClick={addToDashboard}
          data-testid="console-chart-add"
        >
          {t('builder.add')}
        </Button>
        <Text size="xs" c="dimmed" style={{ flex: 1, minWidth: 240 }}>
          {t('builder.fromSql.rerun')}
        </Text>
      </Group>
    </Stack>
  );
}
