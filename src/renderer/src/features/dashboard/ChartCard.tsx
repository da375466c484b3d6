import { useMemo, useState } from 'react';
import { ActionIcon, Box, Card, Group, Loader, Menu, SegmentedControl, Stack, Switch, Text, Title, Tooltip, useMantineTheme } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileTypeCsv, IconPhoto, IconTable, IconVectorBezier } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { chartRegistry, clickFilter } from '@shared/charts/registry';
import { chartScope, chartTitle, chartWhat, type Translate } from '@shared/charts/describe';
import { bucketRange } from '@shared/charts/options';
import { chartThemes } from '@shared/charts/theme';
import type { ChartId, ChartQueryInput, ExportFormat, FieldFilter, Roles, StackBy } from '@shared/charts/spec';
import { useApi } from '../../app/api';
import { EChart, type EChartClick } from '../../ui/EChart';
import { useErrorText } from '../../ui/useErrorText';
import { useChart, useRoundedWidth, type DashboardFilterState } from './useDashboard';
import { downloadFile } from './download';

export interface ChartCardProps {
  datasetId: number;
  chart: ChartId;
  roles: Roles;
  zone: string;
  state: DashboardFilterState;
  scheme: 'light' | 'dark';
  height: number;
  onFilter: (filter: FieldFilter) => void;
  /** The Rows tab, under the same range, filters and search as the chart. */
  onShowRows: () => void;
  onRange: (fromMs: number, toMs: number) => void;
  onStackBy: (stackBy: StackBy) => void;
  onLogScale: (logScale: boolean) => void;
}

/** One chart: what it shows, over which range, filters and rows; its exports; the chart itself. */
export function ChartCard(props: ChartCardProps) {
  const { datasetId, chart, roles, zone, state, scheme, height } = props;
  const { t, i18n } = useTranslation();
  const api = useApi();
  const theme = useMantineTheme();
  const errorText = useErrorText();
  const { ref, width } = useElementSize();
  const widthPx = useRoundedWidth(width);
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const language = i18n.language === 'ko' ? 'ko' : 'en';
  const tr: Translate = (key, params) => t(key, params as never) as unknown as string;
  const definition = chartRegistry[chart];

  const query: ChartQueryInput & { datasetId: number } = {
    datasetId,
    chart,
    zone,
    range: state.range,
    filters: state.filters,
    search: state.search,
    widthPx,
    options: { stackBy: state.stackBy, logScale: state.logScale },
  };
  const data = useChart(query);
  const result = data.data;

  const option = useMemo(
    () =>
      result
        ? definition.toOption(result, {
            t: tr,
            language,
            zone,
            theme: chartThemes[scheme],
            interactive: true,
            fontFamily: theme.fontFamily,
            width: widthPx,
          })
        : null,
    // `tr` changes on every render but only with the language, which is a dependency.
    [result, language, zone, scheme, theme.fontFamily, definition, widthPx],
  );

  const onClick = (click: EChartClick) => {
    if (!result) return;
    const filter = clickFilter(chart, click, result);
    if (filter) props.onFilter(filter);
  };
  const onBrush = (fromIndex: number, toIndex: number) => {
    if (!result) return;
    const range = bucketRange(result, fromIndex, toIndex);
    if (range) props.onRange(range.fromMs, range.toMs);
  };

  const exportAs = async (format: ExportFormat) => {
    setExporting(format);
    try {
      const file = await api.call('dashboard.export', { query, format, theme: scheme, language, width: 1200, height: 600, scale: 2 });
      downloadFile(file.base64, file.fileName, file.mimeType);
    } catch (error) {
      notifications.show({ color: 'red', message: t('dashboard.export.failed', { message: errorText(error) }) });
    } finally {
      setExporting(null);
    }
  };

  const title = chartTitle(tr, chart, result ?? null);
  return (
    <Card withBorder padding="sm" radius="md" data-testid={`chart-${chart}`} data-loading={data.isFetching ? 'true' : 'false'}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Title order={5}>{title}</Title>
          {result && (
            <Text size="xs" c="dimmed">
              {chartWhat(tr, chart, result, roles, zone)}
            </Text>
          )}
        </Stack>
        <Group gap={6} wrap="nowrap">
          {data.isFetching && <Loader size={14} aria-label={t('dashboard.chart.updating')} />}
          {chart === 'events' && (
            <SegmentedControl
              size="xs"
              aria-label={t('dashboard.stackBy.label')}
              value={state.stackBy === 'auto' ? (roles.status ? 'status' : roles.level ? 'level' : 'none') : state.stackBy}
              onChange={(value) => props.onStackBy(value as StackBy)}
              data={[
                ...(roles.status ? [{ value: 'status', label: t('dashboard.stackBy.status') }] : []),
                ...(roles.level ? [{ value: 'level', label: t('dashboard.stackBy.level') }] : []),
                { value: 'none', label: t('dashboard.stackBy.none') },
              ]}
            />
          )}
          {chart === 'histogram' && (
            <Switch
              size="xs"
              label={t('dashboard.charts.histogram.logScale')}
              styles={{ label: { whiteSpace: 'nowrap' } }}
              checked={state.logScale}
              onChange={(event) => props.onLogScale(event.currentTarget.checked)}
            />
          )}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Tooltip label={t('dashboard.export.menu')}>
                <ActionIcon variant="subtle" size="sm" aria-label={`${t('dashboard.export.menu')}: ${title}`} loading={exporting !== null}>
                  <IconDownload size={16} />
                </ActionIcon>
              </Tooltip>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconTable size={14} />} onClick={props.onShowRows}>
                {t('dashboard.chart.showRows')}
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item leftSection={<IconPhoto size={14} />} onClick={() => void exportAs('png')}>
                {t('dashboard.export.png')}
              </Menu.Item>
              <Menu.Item leftSection={<IconVectorBezier size={14} />} onClick={() => void exportAs('svg')}>
                {t('dashboard.export.svg')}
              </Menu.Item>
              <Menu.Item leftSection={<IconFileTypeCsv size={14} />} onClick={() => void exportAs('csv')}>
                {t('dashboard.export.csv')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>

      <Box ref={ref} mt={4} style={{ position: 'relative', minHeight: height }}>
        {data.error ? (
          <Text c="red" size="sm" py="md" data-testid={`chart-error-${chart}`}>
            {t('dashboard.chart.failed', { message: errorText(data.error) })}
          </Text>
        ) : !result || !option ? (
          <Group h={height} justify="center">
            <Loader size="sm" />
          </Group>
        ) : result.covered === 0 ? (
          <Group h={height} justify="center" data-testid={`chart-empty-${chart}`}>
            <Text c="dimmed" size="sm">
              {t('dashboard.chart.empty')}
            </Text>
          </Group>
        ) : (
          <EChart
            option={option}
            height={height}
            brushable={definition.isTimeSeries}
            onClick={onClick}
            onBrush={onBrush}
            onActivate={props.onShowRows}
            testId={`echart-${chart}`}
            ariaLabel={title}
          />
        )}
      </Box>
      {result && (
        <Text size="xs" c="dimmed" mt={4} data-testid={`chart-scope-${chart}`} lineClamp={2}>
          {chartScope(tr, language, { zone, filters: state.filters, search: state.search }, result)}
        </Text>
      )}
    </Card>
  );
}
