import { useMemo } from 'react';
import { Box, Group, Text, useMantineTheme } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { customChartOption, customChartTable } from '@shared/charts/customOptions';
import { chartThemes } from '@shared/charts/theme';
import type { Translate } from '@shared/charts/describe';
import type { CustomChartResult } from '@shared/charts/customSpec';
import { EChart } from '../../ui/EChart';
import { DataGrid } from '../../app/lazy';

/**
 * A custom chart drawn from its result: ECharts with the options of `src/shared/charts`
 * (the same the main process draws into files), or a grid for a table.
 */
export function CustomChartView({
  result,
  height,
  zone,
  scheme,
  testId,
  ariaLabel,
}: {
  result: CustomChartResult;
  height: number;
  zone: string;
  scheme: 'light' | 'dark';
  testId: string;
  ariaLabel: string;
}) {
  const { t, i18n } = useTranslation();
  const theme = useMantineTheme();
  const language = i18n.language === 'ko' ? 'ko' : 'en';
  const tr: Translate = (key, params) => t(key, params as never) as unknown as string;

  const option = useMemo(
    () =>
      result.type === 'table'
        ? null
        : customChartOption(result, { t: tr, language, zone, theme: chartThemes[scheme], interactive: true, fontFamily: theme.fontFamily }),
    // `tr` changes on every render but only with the language, which is a dependency.
    [result, language, zone, scheme, theme.fontFamily],
  );
  const table = useMemo(() => (result.type === 'table' ? customChartTable(result, tr, zone, { display: true, language }) : null), [result, zone, language]);

  if (result.rows.length === 0) {
    return (
      <Group h={height} justify="center" data-testid={`${testId}-empty`}>
        <Text c="dimmed" size="sm">
          {t('dashboard.chart.empty')}
        </Text>
      </Group>
    );
  }
  if (table) {
    return (
      <Box h={height} style={{ display: 'flex', flexDirection: 'column' }}>
        <DataGrid
          columns={table.columns.map((name) => ({ name, type: 'VARCHAR' }))}
          rows={table.rows}
          firstRowIndex={0}
          totalRows={table.rows.length}
          zone={zone}
          testId={testId}
        />
      </Box>
    );
  }
  return <EChart option={option!} height={height} testId={testId} ariaLabel={ariaLabel} />;
}
