import { Badge, NavLink, ScrollArea, Stack, Text, Loader, Title } from '@mantine/core';
import { IconTable } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { formatInstant } from '../../app/time';

export function DatasetList({
  datasets,
  loading,
  selectedId,
  onSelect,
  zone,
}: {
  datasets: DatasetSummary[];
  loading: boolean;
  selectedId: number | null;
  onSelect: (id: number) => void;
  zone: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" h="100%">
      <Title order={6} c="dimmed" tt="uppercase" px="xs">
        {t('nav.datasets')}
      </Title>
      {loading && <Loader size="sm" mx="xs" />}
      {!loading && datasets.length === 0 && (
        <Text c="dimmed" size="sm" px="xs">
          {t('nav.noDatasets')}
        </Text>
      )}
      <ScrollArea style={{ flex: 1 }}>
        <nav aria-label={t('nav.datasets')}>
          {datasets.map((dataset) => (
            <NavLink
              key={dataset.id}
              // A real link: reachable with Tab, opened with Enter, and its address is the dataset's.
              component="a"
              href={`#/datasets/${dataset.id}`}
              aria-current={dataset.id === selectedId ? 'page' : undefined}
              active={dataset.id === selectedId}
              onClick={(event) => {
                event.preventDefault();
                onSelect(dataset.id);
              }}
              leftSection={<IconTable size={16} />}
              label={dataset.name}
              description={
                <>
                  {t('datasets.rows', { count: dataset.rows })}
                  {dataset.engine && (
                    // Where the rows live, beside how many: the dataset's queries run there.
                    <Badge ml={6} size="xs" variant="light" color="grape" title={t('datasets.engineBadgeTitle', { name: dataset.engine })} data-testid={`dataset-engine-${dataset.name}`}>
                      {t('datasets.engineBadge')}
                    </Badge>
                  )}
                  {dataset.readOnly && (
                    <Badge ml={4} size="xs" variant="outline" color="gray" title={t('engines.attach.readOnlyTitle')} data-testid={`dataset-readonly-${dataset.name}`}>
                      {t('engines.attach.readOnly')}
                    </Badge>
                  )}
                  {dataset.timeMin && dataset.timeMax && (
                    <>
                      <br />
                      {formatInstant(dataset.timeMin, zone, false).slice(0, 10)} – {formatInstant(dataset.timeMax, zone, false).slice(0, 10)}
                    </>
                  )}
                </>
              }
              data-testid={`dataset-${dataset.name}`}
            />
          ))}
        </nav>
      </ScrollArea>
    </Stack>
  );
}
