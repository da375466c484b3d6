import { useState } from 'react';
import { ActionIcon, Badge, Box, Card, Group, Loader, Menu, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconDotsVertical, IconFileTypeCsv, IconPencil, IconPhoto, IconTrash, IconVectorBezier } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { chartScope, type Translate } from '@shared/charts/describe';
import { customChartWhat } from '@shared/charts/customOptions';
import type { CustomChart } from '@shared/charts/customSpec';
import type { ExportFormat } from '@shared/charts/spec';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { CustomChartView } from './CustomChartView';
import { useCustomChart } from './useLayout';
import { useRoundedWidth, type DashboardFilterState } from './useDashboard';
import { downloadFile } from './download';

export interface CustomChartCardProps {
  datasetId: number;
  chart: CustomChart;
  zone: string;
  state: DashboardFilterState;
  scheme: 'light' | 'dark';
  height: number;
  onEdit: (() => void) | null;
  onDuplicate: () => void;
  onRemove: () => void;
}

/** A chart the user made (builder or SQL) on the dashboard: its data, its words, its exports. */
export function CustomChartCard(props: CustomChartCardProps) {
  const { datasetId, chart, zone, state, scheme, height } = props;
  const { t, i18n } = useTranslation();
  const api = useApi();
  const errorText = useErrorText();
  const { ref, width } = useElementSize();
  const widthPx = useRoundedWidth(width);
  const [exporting, setExporting] = useState(false);
  const language = i18n.language === 'ko' ? 'ko' : 'en';
  const tr: Translate = (key, params) => t(key, params as never) as unknown as string;
  const isSql = chart.spec.kind === 'sql';

  // A SQL chart is the user's query as it is: the dashboard's filter state does not apply.
  const query = isSql
    ? { datasetId, chart: chart.spec, zone, widthPx }
    : { datasetId, chart: chart.spec, zone, range: state.range, filters: state.filters, search: state.search, widthPx };
  const data = useCustomChart(query);
  const result = data.data;
  const what = customChartWhat(tr, chart, result ?? null);
  const title = chart.title.trim() || what;

  const exportAs = async (format: ExportFormat) => {
    setExporting(true);
    try {
      const file = await api.call('dashboards.export', { query, title, format, theme: scheme, language, width: 1200, height: 600, scale: 2 });
      downloadFile(file.base64, file.fileName, file.mimeType);
    } catch (error) {
      notifications.show({ color: 'red', message: t('dashboard.export.failed', { message: errorText(error) }) });
    } finally {
      setExporting(false);
    }
  };

  const testId = `custom-${chart.id}`;
  return (
    <Card withBorder padding="sm" radius="md" data-testid={`chart-${testId}`} data-loading={data.isFetching ? 'true' : 'false'} data-title={title}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Group gap={6} wrap="nowrap">
            <Title order={5} lineClamp={1}>
              {title}
            </Title>
            {isSql && (
              <Badge size="xs" variant="light" color="grape">
                {t('layout.sqlChart')}
              </Badge>
            )}
          </Group>
          {chart.title.trim() && (
            <Text size="xs" c="dimmed" lineClamp={1}>
              {what}
            </Text>
          )}
        </Stack>
        <Group gap={6} wrap="nowrap">
          {data.isFetching && <Loader size={14} aria-label={t('dashboard.chart.updating')} />}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Tooltip label={t('dashboard.export.menu')}>
                <ActionIcon variant="subtle" size="sm" aria-label={`${t('dashboard.export.menu')}: ${title}`} loading={exporting}>
                  <IconDotsVertical size={16} />
                </ActionIcon>
              </Tooltip>
            </Menu.Target>
            <Menu.Dropdown>
              {props.onEdit && (
                <Menu.Item leftSection={<IconPencil size={14} />} onClick={props.onEdit}>
                  {t('layout.edit')}
                </Menu.Item>
              )}
              <Menu.Item leftSection={<IconCopy size={14} />} onClick={props.onDuplicate}>
                {t('layout.duplicate')}
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
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={props.onRemove}>
                {t('layout.remove')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>

      <Box ref={ref} mt={4} style={{ position: 'relative', minHeight: height }}>
        {data.error ? (
          <Text c="red" size="sm" py="md" data-testid={`chart-error-${testId}`}>
            {t('dashboard.chart.failed', { message: errorText(data.error) })}
          </Text>
        ) : !result ? (
          <Group h={height} justify="center">
            <Loader size="sm" />
          </Group>
        ) : (
          <CustomChartView result={result} height={height} zone={zone} scheme={scheme} testId={`echart-${testId}`} ariaLabel={title} />
        )}
      </Box>
      {result && (
        <Text size="xs" c="dimmed" mt={4} lineClamp={2} data-testid={`chart-scope-${testId}`}>
          {isSql
            ? `${t('dashboard.scope.rows', { count: result.covered ?? result.rows.length })} · ${t('layout.notFiltered')}`
            : chartScope(tr, language, { zone, filters: state.filters, search: state.search }, { range: result.range, covered: result.covered ?? 0 })}
        </Text>
      )}
    </Card>
  );
}
