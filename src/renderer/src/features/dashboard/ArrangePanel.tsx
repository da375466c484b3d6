import { useState } from 'react';
import { ActionIcon, Badge, Button, Divider, Drawer, Group, Popover, SegmentedControl, Select, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconCopy, IconRestore, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatasetSummary } from '@shared/api/contract';
import { chartTitle, type Translate } from '@shared/charts/describe';
import { customChartWhat } from '@shared/charts/customOptions';
import { ChartHeight, type LayoutItem } from '@shared/charts/layout';
import { itemKey } from '@shared/charts/layoutItems';
import { useErrorText } from '../../ui/useErrorText';
import { useCopyDashboard, useResetDashboard } from './useLayout';

/**
 * Arranging a dashboard: order, shown or hidden, width and height of each chart; copying
 * the whole dashboard onto another dataset; going back to the default one.
 */
export function ArrangePanel({
  dataset,
  datasets,
  items,
  onChange,
  onReset,
  onClose,
}: {
  dataset: DatasetSummary;
  datasets: readonly DatasetSummary[];
  /** The charts as the dashboard shows them, in order (hidden ones included). */
  items: LayoutItem[];
  onChange: (items: LayoutItem[]) => void;
  onReset: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const tr: Translate = (key, params) => t(key, params as never) as unknown as string;
  const copy = useCopyDashboard(dataset.id);
  const reset = useResetDashboard(dataset.id);
  const [target, setTarget] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const move = (from: number, to: number) => {
    if (to < 0 || to >= items.length) return;
    const next = [...items];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
  };
  const patch = (index: number, change: Partial<Pick<LayoutItem, 'wide' | 'height'>> & { hidden?: boolean }) =>
    onChange(items.map((item, i) => (i === index ? ({ ...item, ...change } as LayoutItem) : item)));

  const nameOf = (item: LayoutItem) =>
    item.kind === 'standard' ? chartTitle(tr, item.chart, null) : item.chart.title.trim() || customChartWhat(tr, item.chart, null);

  return (
    <Drawer opened onClose={onClose} position="right" size={460} title={<Text fw={600}>{t('layout.arrangeTitle')}</Text>} data-testid="arrange-panel">
      <Stack gap="xs">
        <Text size="xs" c="dimmed">
          {t('layout.arrangeHelp')}
        </Text>
        {items.map((item, i) => {
          const name = nameOf(item);
          return (
            <Stack
              key={itemKey(item)}
              gap={4}
              p={6}
              style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
              data-testid={`arrange-${itemKey(item)}`}
            >
              <Group justify="space-between" wrap="nowrap" gap={4}>
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <Text size="sm" truncate c={item.kind === 'standard' && item.hidden ? 'dimmed' : undefined} td={item.kind === 'standard' && item.hidden ? 'line-through' : undefined}>
                    {name}
                  </Text>
                  {item.kind === 'custom' && (
                    <Badge size="xs" variant="light" color={item.chart.spec.kind === 'sql' ? 'grape' : 'indigo'}>
                      {item.chart.spec.kind === 'sql' ? t('layout.sqlChart') : t('layout.custom')}
                    </Badge>
                  )}
                </Group>
                <Group gap={2} wrap="nowrap">
                  <Tooltip label={t('layout.moveUp')}>
                    <ActionIcon variant="subtle" size="sm" disabled={i === 0} aria-label={`${t('layout.moveUp')}: ${name}`} onClick={() => move(i, i - 1)}>
                      <IconArrowUp size={14} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t('layout.moveDown')}>
                    <ActionIcon
                      variant="subtle"
                      size="sm"
                      disabled={i === items.length - 1}
                      aria-label={`${t('layout.moveDown')}: ${name}`}
                      onClick={() => move(i, i + 1)}
                    >
                      <IconArrowDown size={14} />
                    </ActionIcon>
                  </Tooltip>
                  {item.kind === 'custom' && (
                    <Tooltip label={t('layout.remove')}>
                      <ActionIcon variant="subtle" color="red" size="sm" aria-label={`${t('layout.remove')}: ${name}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>
                        <IconTrash size={14} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Group>
              </Group>
              <Group gap="sm" wrap="nowrap">
                {item.kind === 'standard' && (
                  <Switch size="xs" label={t('layout.show')} checked={!item.hidden} onChange={(e) => patch(i, { hidden: !e.currentTarget.checked })} />
                )}
                <Switch size="xs" label={t('layout.wide')} checked={item.wide} onChange={(e) => patch(i, { wide: e.currentTarget.checked })} />
                <SegmentedControl
                  size="xs"
                  aria-label={t('layout.height')}
                  value={item.height}
                  onChange={(value) => patch(i, { height: ChartHeight.parse(value) })}
                  data={ChartHeight.options.map((h) => ({ value: h, label: t(`layout.heights.${h}`) }))}
                />
              </Group>
            </Stack>
          );
        })}

        <Divider my="xs" />
        <Text size="sm" fw={500}>
          {t('layout.copyTo')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('layout.copyToHelp')}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Select
            size="xs"
            style={{ flex: 1 }}
            data={datasets.filter((d) => d.id !== dataset.id).map((d) => ({ value: String(d.id), label: d.name }))}
            value={target}
            onChange={setTarget}
            aria-label={t('layout.copyTo')}
          />
          <Button
            size="xs"
            leftSection={<IconCopy size={14} />}
            disabled={!target}
            loading={copy.isPending}
            onClick={() =>
              copy.mutate(Number(target), {
                onSuccess: () => notifications.show({ message: t('layout.copyDone', { dataset: datasets.find((d) => d.id === Number(target))?.name ?? '' }) }),
                onError: (error) => notifications.show({ color: 'red', message: errorText(error) }),
              })
            }
          >
            {t('layout.duplicate')}
          </Button>
        </Group>

        <Divider my="xs" />
        <Popover opened={confirming} onChange={setConfirming} width={300} position="top-start" withArrow>
          <Popover.Target>
            <Button variant="light" color="red" size="xs" leftSection={<IconRestore size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => setConfirming(true)}>
              {t('layout.reset')}
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <Stack gap="xs">
              <Text size="sm">{t('layout.resetConfirm')}</Text>
              <Group justify="flex-end" gap="xs">
                <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
                  {t('builder.cancel')}
                </Button>
                <Button
                  size="xs"
                  color="red"
                  loading={reset.isPending}
                  data-testid="reset-confirm"
                  onClick={() =>
                    reset.mutate(undefined, {
                      onSuccess: () => {
                        setConfirming(false);
                        onReset();
                      },
                      onError: (error) => notifications.show({ color: 'red', message: errorText(error) }),
                    })
                  }
                >
                  {t('layout.reset')}
                </Button>
              </Group>
            </Stack>
          </Popover.Dropdown>
        </Popover>
      </Stack>
    </Drawer>
  );
}
